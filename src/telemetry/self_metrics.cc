#include "telemetry/self_metrics.h"

#include <prometheus/text_serializer.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "util/build_info.h"

namespace netif {
namespace {

constexpr SelfMetricDefinition kSelfMetrics[] = {
    {"netif_exporter_build_info", MetricType::kGauge,
     "Build information of the running exporter; the value is always 1.",
     "version,revision,compiler"},
    {"netif_exporter_config_last_reload_successful", MetricType::kGauge,
     "1 if the last configuration load (at start, on SIGHUP or POST /-/reload) succeeded, else 0.",
     ""},
    {"netif_exporter_config_last_reload_success_timestamp_seconds", MetricType::kGauge,
     "Unix time of the last successful configuration load.", ""},
    {"netif_log_messages_dropped_total", MetricType::kCounter,
     "Log lines dropped because stderr did not keep up (its reader stalled).", ""},
    {"netif_scrape_collector_success", MetricType::kGauge,
     "1 if the collector's last run succeeded, 0 if it failed or is stuck (no progress within its "
     "bound).",
     "collector"},
    {"netif_scrape_collector_duration_seconds", MetricType::kGauge,
     "Duration of the collector's last run in seconds.", "collector"},
    {"netif_scrape_collector_last_success_timestamp_seconds", MetricType::kGauge,
     "Unix time of the collector's last successful run.", "collector"},
    {"netif_scrape_collector_overruns_total", MetricType::kCounter,
     "Ticks of its interval a periodic collector missed because a run outlasted the interval.",
     "collector"},
    {"netif_parse_errors_total", MetricType::kCounter,
     "Malformed input skipped by a collector's parser (a line, a message, a PDU).", "collector"},
    {"netif_file_read_errors_total", MetricType::kCounter,
     "Files a collector refused to read, by reason: not_regular_file (a FIFO, a device, a "
     "directory in place of a procfs or sysfs file) or too_large (over the file's size cap).",
     "collector,reason"},
    {"netif_sysfs_missing_interfaces", MetricType::kGauge,
     "Interfaces of the last local pass listed in /proc/net/dev but without a sysfs directory: "
     "exported with their counters and no sysfs link attributes.",
     ""},
    {"netif_netlink_events_total", MetricType::kCounter,
     "Link messages received from rtnetlink (dumps and events).", ""},
    {"netif_netlink_resyncs_total", MetricType::kCounter,
     "Full RTM_GETLINK dumps taken (at start, after each socket overflow, and to name a master "
     "listed after its ports or renamed).",
     ""},
    {"netif_netlink_errors_total", MetricType::kCounter,
     "Netlink problems by reason (enobufs, truncated, malformed, socket).", "reason"},
    {"netif_ethtool_errors_total", MetricType::kCounter,
     "Device reads the ethtool source failed, by reason: ioctl (the kernel refused a command "
     "otherwise than unsupported or no such device), malformed (a reply the parser rejected), "
     "too_many_stats (a device with more statistics than the per-device limit).",
     "reason"},
    {"netif_ethtool_stats_dropped", MetricType::kGauge,
     "Driver statistics the last ethtool pass left out, by reason: collision (names that become "
     "one family, or one of ours) or limit (new names past the process's family limit).",
     "reason"},
    {"netif_kubernetes_scan_errors_total", MetricType::kCounter,
     "Items the Kubernetes source skipped while tying host veths to pods, by reason: "
     "process_exited, permission_denied, cgroup_unknown, ambiguous, pod_unnamed, netns_vanished, "
     "link_dump.",
     "reason"},
    {"netif_kubernetes_veths_mapped", MetricType::kGauge,
     "Host veths the last Kubernetes reconcile tied to a pod or a network namespace.", ""},
    {"netif_snmp_targets", MetricType::kGauge,
     "SNMP targets this exporter polls (its --snmp.shard share of the configured ones).", ""},
    {"netif_snmp_target_up", MetricType::kGauge,
     "1 if the target's last SNMP poll succeeded, 0 if it failed.", "target"},
    {"netif_snmp_poll_duration_seconds", MetricType::kGauge,
     "Duration of the target's last SNMP poll in seconds, successful or not.", "target"},
    {"netif_snmp_last_success_timestamp_seconds", MetricType::kGauge,
     "Unix time of the target's last successful SNMP poll.", "target"},
    {"netif_snmp_interfaces", MetricType::kGauge,
     "Ports of the target exported (after interface_include/exclude), 0 once stale.", "target"},
    {"netif_snmp_pdus_sent_total", MetricType::kCounter,
     "SNMP request PDUs sent to the target, retries included.", "target"},
    {"netif_snmp_pdus_received_total", MetricType::kCounter,
     "SNMP response and report PDUs received from the target.", "target"},
    {"netif_snmp_retries_total", MetricType::kCounter,
     "SNMP requests to the target sent again after a timeout.", "target"},
    {"netif_snmp_timeouts_total", MetricType::kCounter,
     "SNMP requests to the target that got no answer after every retry.", "target"},
    {"netif_snmp_errors_total", MetricType::kCounter,
     "SNMP problems with the target by kind (timeout, auth, report, agent, packet, oid_order, "
     "varbind, transport, too_many_interfaces, too_many_varbinds, walk_timeout).",
     "target,kind"},
    {"netif_snmp_quirks_total", MetricType::kCounter,
     "Varbinds and responses of the target that bent the MIB in a way whose meaning is clear, "
     "read leniently, by kind.",
     "target,kind"},
    {"netif_state_restored_interfaces", MetricType::kGauge,
     "Interfaces whose analytics state was restored from --storage.path at start.", ""},
    {"process_cpu_seconds_total", MetricType::kCounter,
     "Total user and system CPU time spent in seconds.", ""},
    {"process_resident_memory_bytes", MetricType::kGauge, "Resident memory size in bytes.", ""},
    {"process_virtual_memory_bytes", MetricType::kGauge, "Virtual memory size in bytes.", ""},
    {"process_open_fds", MetricType::kGauge, "Number of open file descriptors.", ""},
    {"process_max_fds", MetricType::kGauge, "Maximum number of open file descriptors.", ""},
    {"process_start_time_seconds", MetricType::kGauge,
     "Start time of the process since unix epoch in seconds.", ""},
};

std::string CompilerName() {
#if defined(__clang__)
  return "clang-" __clang_version__;
#elif defined(__GNUC__)
  return "gcc-" __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::span<const SelfMetricDefinition> SelfMetricCatalogue() { return kSelfMetrics; }

SelfMetrics::SelfMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  std::string compiler = CompilerName();
  if (auto space = compiler.find(' '); space != std::string::npos) compiler.resize(space);
  Gauge("netif_exporter_build_info", {{"version", std::string(BuildVersion())},
                                      {"revision", std::string(BuildRevision())},
                                      {"compiler", compiler}})
      .Set(1);
}

const SelfMetricDefinition& SelfMetrics::Definition(std::string_view name, MetricType type) const {
  for (const auto& definition : kSelfMetrics) {
    if (definition.name == name && definition.type == type) return definition;
  }
  std::fprintf(stderr, "netif_exporter: BUG: undeclared self-metric %.*s\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

prometheus::Counter& SelfMetrics::Counter(std::string_view name, const prometheus::Labels& labels) {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    const auto& definition = Definition(name, MetricType::kCounter);
    auto& family = prometheus::BuildCounter()
                       .Name(std::string(definition.name))
                       .Help(std::string(definition.help))
                       .Register(*registry_);
    it = counters_.emplace(std::string(name), &family).first;
  }
  return it->second->Add(labels);
}

prometheus::Gauge& SelfMetrics::Gauge(std::string_view name, const prometheus::Labels& labels) {
  std::lock_guard lock(mutex_);
  auto it = gauges_.find(name);
  if (it == gauges_.end()) {
    const auto& definition = Definition(name, MetricType::kGauge);
    auto& family = prometheus::BuildGauge()
                       .Name(std::string(definition.name))
                       .Help(std::string(definition.help))
                       .Register(*registry_);
    it = gauges_.emplace(std::string(name), &family).first;
  }
  return it->second->Add(labels);
}

namespace {

// Drops the series with `labels` from the family `name` of `families`, if both exist.
template <typename Families>
void RemoveSeries(Families& families, std::string_view name, const prometheus::Labels& labels) {
  auto it = families.find(name);
  if (it == families.end() || !it->second->Has(labels)) return;
  it->second->Remove(&it->second->Add(labels));
}

}  // namespace

void SelfMetrics::RemoveGauge(std::string_view name, const prometheus::Labels& labels) {
  std::lock_guard lock(mutex_);
  RemoveSeries(gauges_, name, labels);
}

void SelfMetrics::RemoveCounter(std::string_view name, const prometheus::Labels& labels) {
  std::lock_guard lock(mutex_);
  RemoveSeries(counters_, name, labels);
}

std::vector<prometheus::MetricFamily> SelfMetrics::Collect() const { return registry_->Collect(); }

void SelfMetrics::Render(std::string& out) const {
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, registry_->Collect());
  out.append(text.str());
}

}  // namespace netif
