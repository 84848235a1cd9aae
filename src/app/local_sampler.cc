#include "app/local_sampler.h"

#include <chrono>
#include <utility>

#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {

constexpr std::size_t kMaxRememberedParseErrors = 1000;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

LocalSampler::LocalSampler(Options options, const FileReader& fs, Store& store,
                           SelfMetrics& self_metrics)
    : options_(std::move(options)),
      procfs_(fs, options_.procfs_root),
      sysfs_(fs, options_.sysfs_root),
      store_(store),
      self_metrics_(self_metrics),
      parse_errors_(self_metrics.Counter("netif_parse_errors_total", {{"collector", "procfs"}})) {}

void LocalSampler::ReportParseErrors(const std::vector<std::string>& errors) {
  for (const auto& error : errors) {
    parse_errors_.Increment();
    if (reported_parse_errors_.size() >= kMaxRememberedParseErrors) continue;
    if (reported_parse_errors_.insert(error).second) {
      LogWarn("skipped malformed line",
              {{"collector", "procfs"}, {"file", procfs_.net_dev_path()}, {"error", error}});
    }
  }
}

bool LocalSampler::RunOnce() {
  // Taken before reading: an interface a netlink event creates while we read is newer than this
  // sample, and the store will not remove it for being absent from it.
  const SampleTime time = NowSampleTime();
  const auto procfs_start = std::chrono::steady_clock::now();
  std::vector<InterfaceRecord> records;
  std::vector<std::string> parse_errors;
  const Status status = procfs_.Collect(records, parse_errors);
  self_metrics_.RecordCollectorRun("procfs", status.ok(), SecondsSince(procfs_start));
  ReportParseErrors(parse_errors);
  if (status.ok() != last_procfs_ok_) {
    if (status.ok()) {
      LogInfo("collector recovered", {{"collector", "procfs"}});
    } else {
      LogError("collector failed", {{"collector", "procfs"}, {"error", status.message()}});
    }
    last_procfs_ok_ = status.ok();
  }
  if (!status.ok()) return false;

  const auto sysfs_start = std::chrono::steady_clock::now();
  const SysfsReader::Options sysfs_options{.read_link_state = !options_.netlink_owns_link_state};
  std::vector<InterfaceRecord> kept;
  kept.reserve(records.size());
  for (auto& record : records) {
    if (!options_.filter.Allows(record.name)) continue;
    // A device that vanished between the two reads is simply not in this sample.
    if (!sysfs_.ReadAttributes(record.name, sysfs_options, record.attributes)) continue;
    kept.push_back(std::move(record));
  }
  self_metrics_.RecordCollectorRun("sysfs", true, SecondsSince(sysfs_start));
  store_.ApplySample(kLocalSource, std::move(kept), time);
  return true;
}

}  // namespace netif
