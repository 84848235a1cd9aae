#include "app/local_sampler.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <unordered_set>
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

void LocalSampler::OnLinkEvent(const InterfaceRecord& record) {
  std::lock_guard lock(events_mutex_);
  dirty_.insert(record.name);
}

bool LocalSampler::ReadAttributes(InterfaceRecord& record, bool dirty) {
  const uint64_t every = static_cast<uint64_t>(std::max(1, options_.attribute_refresh_passes));
  const bool netlink = options_.netlink_owns_link_state;
  auto cached = attribute_cache_.find(record.name);
  // Each device is due on its own pass modulo `every`, so the re-reads spread evenly.
  const bool due =
      cached == attribute_cache_.end() || dirty || pass_ - cached->second.read_at_pass >= every;
  if (!due) {
    const CachedAttributes& entry = cached->second;
    record.attributes = entry.others ? *entry.others : LinkAttributes{};
    record.attributes.speed_bps = entry.speed_bps;
    record.attributes.duplex = entry.duplex;
    record.attributes.is_virtual = entry.is_virtual;
    // With netlink nothing is read between refreshes: link state and settings come from events.
    if (netlink) return true;
  }
  SysfsReader::Options options;
  options.read_link_state = !netlink;
  options.read_link_settings = due && !netlink;
  options.read_sysfs_only = due;
  if (!sysfs_.ReadAttributes(record.name, options, record.attributes)) {
    if (cached != attribute_cache_.end()) attribute_cache_.erase(cached);
    return false;
  }
  if (due) {
    // Spread: a device seen first at pass p is next due at a pass depending on its name.
    const uint64_t offset =
        cached == attribute_cache_.end() ? std::hash<std::string>{}(record.name) % every : 0;
    CachedAttributes entry;
    entry.read_at_pass = pass_ - offset;
    entry.speed_bps = record.attributes.speed_bps;
    entry.duplex = record.attributes.duplex;
    entry.is_virtual = record.attributes.is_virtual;
    LinkAttributes others = record.attributes;
    others.speed_bps.reset();
    others.duplex.reset();
    others.is_virtual.reset();
    // Link state is never served from the cache: a read that fails (no carrier while down) must
    // not bring back an old value.
    others.oper_state.reset();
    others.admin_up.reset();
    others.carrier.reset();
    others.carrier_changes.reset();
    others.carrier_up_count.reset();
    others.carrier_down_count.reset();
    if (others != LinkAttributes{}) {
      entry.others = std::make_unique<const LinkAttributes>(std::move(others));
    }
    attribute_cache_.insert_or_assign(record.name, std::move(entry));
  }
  return true;
}

bool LocalSampler::RunOnce() {
  // Taken before reading: an interface a netlink event creates while we read is newer than this
  // sample, and the store will not remove it for being absent from it.
  const SampleTime time = NowSampleTime();
  const auto procfs_start = std::chrono::steady_clock::now();
  InterfaceRecords records;
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

  std::unordered_set<std::string> dirty;
  if (options_.netlink_owns_link_state) {
    std::lock_guard lock(events_mutex_);
    dirty.swap(dirty_);
  }

  const auto sysfs_start = std::chrono::steady_clock::now();
  ++pass_;
  // Kept records are compacted in place: a second vector of 5,000 records (568 bytes each)
  // doubled the pass's peak.
  std::size_t kept_count = 0;
  for (auto& record : records) {
    if (!options_.filter.Allows(record.name)) continue;
    // A device that vanished between the two reads is simply not in this sample.
    if (!ReadAttributes(record, !dirty.empty() && dirty.contains(record.name))) continue;
    if (&records[kept_count] != &record) records[kept_count] = std::move(record);
    ++kept_count;
  }
  records.erase(records.begin() + static_cast<std::ptrdiff_t>(kept_count), records.end());
  InterfaceRecords& kept = records;
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
  // With netlink the records carry no link settings, and the store keeps the last event's.
  store_.ApplySample(kLocalSource, std::move(kept), time);
  return true;
}

}  // namespace netif
