// The ethtool source: each selected local device's driver facts (driver, versions, bus) and
// driver statistics (`ethtool -S`), read through the ethtool ioctl (EthtoolReader) every
// local.ethtool.interval on its own thread (`netif-ethtool`), and handed to the store as
// supplements of the local interfaces (RecordSink::ApplySupplements): it never creates, removes
// or renames an interface, and a statistic a driver stops reporting goes at the next pass.
//
// Which devices: those listed in <sysfs>/class/net that the filter allows. With no
// device_include, only physical devices, which have a parent device in sysfs
// (<sysfs>/class/net/<dev>/device: PCI, USB, platform, virtio); veths, bridges, bonds, VLANs,
// tunnels and lo have none. A device_include selects by name alone. The ioctl reaches the
// exporter's own network namespace, whatever --path.sysfs says.
//
// Statistics become families named as stat_names.h says (netif_ethtool_<stat>), untyped as
// node_exporter serves them; the facts feed netif_ethtool_info.
//
// Errors: a device whose driver has none of it (EOPNOTSUPP), one that vanished (ENODEV) or whose
// statistics changed mid-read is skipped with a debug line. Any other refusal, a malformed reply,
// or a device over kMaxEthtoolStatsPerDevice is counted in netif_ethtool_errors_total{reason}
// and logged once per device and error; the other devices are read as usual. A pass fails
// (netif_scrape_collector_success{collector="ethtool"} 0) only when it cannot run at all: no
// socket, or <sysfs>/class/net cannot be listed. Statistics left out of the last pass by name
// (collisions, the family cap) are netif_ethtool_stats_dropped{reason}.
//
// Thread-safety: Start()/Stop() from the app's thread; RunOnce() REQUIRES external
// synchronization (the source's thread, or a test).
#pragma once

#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/ethtool/ethtool_reader.h"
#include "collectors/ethtool/stat_names.h"
#include "collectors/source.h"
#include "model/extra_counters.h"
#include "model/record_sink.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"
#include "util/device_filter.h"
#include "util/file_reader.h"
#include "util/log.h"
#include "util/periodic_thread.h"

namespace netif {

inline constexpr std::string_view kEthtoolSupplier = "ethtool";

class EthtoolSource final : public Source {
 public:
  struct Options {
    std::string sysfs_root = "/sys";
    std::chrono::milliseconds interval = std::chrono::seconds(30);
    // With an empty include, physical devices only (see above).
    std::string device_include = "";
    std::string device_exclude = "";
  };

  // `ioctl` null: the kernel's (KernelEthtoolIoctl). `families` null: the process's.
  EthtoolSource(Options options, const FileReader& fs, RecordSink& sink, SelfMetrics& self_metrics,
                std::unique_ptr<EthtoolIoctl> ioctl = nullptr, EthtoolFamilies* families = nullptr);
  ~EthtoolSource() override;

  std::string_view name() const override { return "ethtool"; }
  // Runs the first pass at once (the first scrape has the statistics), then one every interval.
  void Start() override;
  // Stops the thread and withdraws every contribution (the source may be off after a reload).
  void Stop() override;
  // Supplies local interfaces; owns none.
  std::vector<std::string> KeySources() const override { return {}; }

  // One pass. Returns false when it could not run (no socket, sysfs not listable).
  bool RunOnce();

 private:
  // The devices of <sysfs>/class/net the pass reads, or nullopt when it cannot be listed.
  std::optional<std::vector<std::string>> SelectDevices();
  // `device`'s supplement from what was read (its facts, the statistics that have a family).
  InterfaceSupplement MakeSupplement(const std::string& device, const EthtoolDeviceRead& read,
                                     std::size_t& collisions, std::size_t& over_limit);
  // Counts and logs (once per device and error) a read that failed for real.
  void ReportError(const std::string& device, const EthtoolDeviceRead& read);
  void LogOnce(std::string key, std::string_view message, std::initializer_list<LogField> fields);

  Options options_;
  bool physical_only_;
  DeviceFilter filter_;
  const FileReader& fs_;
  RecordSink& sink_;
  SelfMetrics& self_metrics_;
  std::unique_ptr<EthtoolIoctl> ioctl_;
  EthtoolReader reader_;
  EthtoolFamilies& families_;
  CollectorRuns runs_;
  prometheus::Gauge& dropped_collisions_;
  prometheus::Gauge& dropped_limit_;
  std::unique_ptr<PeriodicThread> thread_;
  std::set<std::string> logged_;  // source thread only: what was logged once
};

// The ethtool source the config asks for (local.ethtool.enabled), or null.
std::unique_ptr<Source> MakeEthtoolSource(const Config& config, SourceContext& context);

// What docs/metrics.md documents for the statistics' families: one definition standing for all of
// them, named by the pattern netif_ethtool_<stat> (never set on a record).
std::span<const ExtraCounterDefinition* const> EthtoolCounters();

}  // namespace netif
