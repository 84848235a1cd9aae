#include "app/local_sampler.h"

#include <algorithm>
#include <chrono>
#include <functional>
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

bool LocalSampler::ReadAttributes(InterfaceRecord& record) {
  const uint64_t every = static_cast<uint64_t>(std::max(1, options_.attribute_refresh_passes));
  auto cached = attribute_cache_.find(record.name);
  // Each device is due on its own pass modulo `every`, so the re-reads spread evenly.
  const bool due = cached == attribute_cache_.end() || pass_ - cached->second.read_at_pass >= every;
  SysfsReader::Options options;
  options.read_link_state = !options_.netlink_owns_link_state;
  options.read_static_attributes = due;
  if (!due && !options.read_link_state) {
    record.attributes = cached->second.attributes;
    // netlink keeps ifindex current; a cached one could be stale if the device was re-created
    // under the same name, and the store matches renames by ifindex.
    record.attributes.ifindex.reset();
    return true;
  }
  if (!due) record.attributes = cached->second.attributes;
  if (!sysfs_.ReadAttributes(record.name, options, record.attributes)) {
    if (cached != attribute_cache_.end()) attribute_cache_.erase(cached);
    return false;
  }
  if (due) {
    // Spread: a device seen first at pass p is next due at a pass depending on its name.
    const uint64_t offset =
        cached == attribute_cache_.end() ? std::hash<std::string>{}(record.name) % every : 0;
    attribute_cache_[record.name] = CachedAttributes{record.attributes, pass_ - offset};
  }
  return true;
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
  ++pass_;
  std::vector<InterfaceRecord> kept;
  kept.reserve(records.size());
  for (auto& record : records) {
    if (!options_.filter.Allows(record.name)) continue;
    // A device that vanished between the two reads is simply not in this sample.
    if (!ReadAttributes(record)) continue;
    kept.push_back(std::move(record));
  }
  // Forget devices that are gone, so churn does not grow the cache.
  if (attribute_cache_.size() > kept.size()) {
    std::unordered_map<std::string, CachedAttributes> live;
    live.reserve(kept.size());
    for (const auto& record : kept) {
      if (auto it = attribute_cache_.find(record.name); it != attribute_cache_.end()) {
        live.emplace(record.name, std::move(it->second));
      }
    }
    attribute_cache_.swap(live);
  }
  self_metrics_.RecordCollectorRun("sysfs", true, SecondsSince(sysfs_start));
  store_.ApplySample(kLocalSource, std::move(kept), time);
  return true;
}

}  // namespace netif
