#include "collectors/local/local_source.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "collectors/local/link_error_counters.h"
#include "model/link_facts.h"
#include "model/sample_time.h"
#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {

// Bounds on what is remembered to log only once: past them, still counted, no longer logged.
constexpr std::size_t kMaxRememberedParseErrors = 1000;
constexpr std::size_t kMaxRememberedRefusedPaths = 1000;
constexpr std::size_t kMaxRememberedSysfsMissing = 10000;
// Devices named in one "no sysfs directory" line; the rest are only counted in it.
constexpr std::size_t kMaxDevicesPerLine = 10;

// The record /proc/net/dev would give for the device, plus the detailed error counters.
void AppendNetlinkRecord(const LinkStatsReader::LinkCounters& link, InterfaceRecords& records) {
  InterfaceRecord& record = records.emplace_back();
  record.name = link.name;
  record.key.source.assign(kLocalSource);
  record.key.id = link.name;
  record.labels = LocalDeviceLabels(link.name);
  record.counters = rtnl::ProcNetDevCounters(link.stats);
  SetLinkErrorCounters(link.stats, record.extra_counters);
}

// Whether `procfs_root` is this process's own /proc ("/proc", "/proc/"): the network namespace
// netlink answers for. A fixture tree or a host's /proc mounted elsewhere is read as files.
bool IsOwnProcfs(std::string_view procfs_root) {
  while (procfs_root.size() > 1 && procfs_root.back() == '/') procfs_root.remove_suffix(1);
  return procfs_root == "/proc";
}

}  // namespace

void LocalSource::KeepMedium(const LinkAttributes& read, CachedAttributes& entry) {
  entry.speed_bps = read.speed_bps;
  entry.duplex = read.duplex;
  entry.is_virtual = read.is_virtual;
  entry.flags = read.flags;
  entry.dormant = read.dormant;
  entry.addr_assign_type = read.addr_assign_type;
  entry.name_assign_type = read.name_assign_type;
  entry.dev_id = read.dev_id;
}

void LocalSource::RestoreMedium(const CachedAttributes& entry, LinkAttributes& attributes) {
  attributes.speed_bps = entry.speed_bps;
  attributes.duplex = entry.duplex;
  attributes.is_virtual = entry.is_virtual;
  attributes.flags = entry.flags;
  attributes.dormant = entry.dormant;
  attributes.addr_assign_type = entry.addr_assign_type;
  attributes.name_assign_type = entry.name_assign_type;
  attributes.dev_id = entry.dev_id;
}

LocalSource::LocalSource(Options options, const FileReader& fs, RecordSink& sink,
                         SelfMetrics& self_metrics, std::function<void()> after_pass)
    : options_(std::move(options)),
      procfs_(fs, options_.procfs_root),
      sysfs_(fs, options_.sysfs_root),
      sink_(sink),
      after_pass_(std::move(after_pass)),
      procfs_runs_(self_metrics, "procfs", StaleAfter(options_.interval)),
      sysfs_runs_(self_metrics, "sysfs", StaleAfter(options_.interval)),
      parse_errors_(self_metrics.Counter("netif_parse_errors_total", {{"collector", "procfs"}})),
      sysfs_missing_interfaces_(self_metrics.Gauge("netif_sysfs_missing_interfaces")),
      self_metrics_(self_metrics) {
  counters_runs_ = &procfs_runs_;
  if (options_.counters_from_netlink) {
    stats_reader_ = std::make_unique<LinkStatsReader>(LinkStatsReader::Options{},
                                                      options_.netlink_socket_opener);
    netlink_stats_runs_ = std::make_unique<CollectorRuns>(self_metrics, "netlink_stats",
                                                          StaleAfter(options_.interval));
    netlink_parse_errors_ =
        &self_metrics.Counter("netif_parse_errors_total", {{"collector", "netlink_stats"}});
  }
}

LocalSource::~LocalSource() { Stop(); }

void LocalSource::Start() {
  if (thread_) return;
  // The first pass runs before the server starts, so the first scrape already has data.
  RunOnce();
  thread_ = std::make_unique<PeriodicThread>(
      options_.interval,
      [this] {
        RunOnce();
        if (after_pass_) after_pass_();
      },
      "netif-local",
      [this](uint64_t missed) {
        // One pass reads both: each shows the ticks it missed.
        counters_runs_->CountOverruns(missed);
        sysfs_runs_.CountOverruns(missed);
      });
}

void LocalSource::Stop() {
  if (thread_) thread_->Stop();
}

void LocalSource::ReportParseErrors(const std::vector<std::string>& errors) {
  for (const auto& error : errors) {
    parse_errors_.Increment();
    if (reported_parse_errors_.size() >= kMaxRememberedParseErrors) continue;
    if (reported_parse_errors_.insert(error).second) {
      LogWarn("skipped malformed line",
              {{"collector", "procfs"}, {"file", procfs_.net_dev_path()}, {"error", error}});
    }
  }
}

void LocalSource::ReportNetlinkParseErrors(const std::vector<rtnl::ParseError>& errors) {
  for (const rtnl::ParseError error : errors) {
    netlink_parse_errors_->Increment();
    if (reported_netlink_parse_errors_.insert(error).second) {
      LogWarn("skipped malformed netlink message",
              {{"collector", "netlink_stats"}, {"reason", rtnl::ParseErrorReason(error)}});
    }
  }
}

void LocalSource::CountRefusedReads(std::string_view collector,
                                    const std::vector<RefusedRead>& refused) {
  for (const auto& read : refused) {
    self_metrics_
        .Counter("netif_file_read_errors_total",
                 {{"collector", std::string(collector)}, {"reason", std::string(read.reason)}})
        .Increment();
  }
}

void LocalSource::ReportRefusedReads(std::string_view collector,
                                     const std::vector<RefusedRead>& refused) {
  CountRefusedReads(collector, refused);
  for (const auto& read : refused) {
    if (reported_refused_paths_.size() >= kMaxRememberedRefusedPaths) continue;
    if (reported_refused_paths_.insert(read.path).second) {
      LogWarn("refused to read file",
              {{"collector", collector}, {"file", read.path}, {"error", read.why}});
    }
  }
}

void LocalSource::ReportMissingSysfs(const std::vector<std::string>& names) {
  std::string listed;
  std::size_t count = 0;
  for (const auto& name : names) {
    if (reported_sysfs_missing_.size() >= kMaxRememberedSysfsMissing) break;
    if (!reported_sysfs_missing_.insert(name).second) continue;
    if (count < kMaxDevicesPerLine) {
      if (!listed.empty()) listed += ' ';
      listed += name;
    }
    ++count;
  }
  if (count == 0) return;
  if (count > kMaxDevicesPerLine) listed += " ...";
  LogWarn("interfaces in /proc/net/dev have no sysfs directory; exported without link attributes",
          {{"collector", "sysfs"},
           {"directory", options_.sysfs_root + "/class/net"},
           {"count", static_cast<uint64_t>(count)},
           {"devices", listed}});
}

void LocalSource::OnLinkEvent(const InterfaceRecord& record) {
  std::lock_guard lock(events_mutex_);
  dirty_.insert(record.name);
}

LocalSource::SysfsPresence LocalSource::ReadAttributes(InterfaceRecord& record, bool dirty,
                                                       std::vector<RefusedRead>& refused) {
  const uint64_t every = static_cast<uint64_t>(std::max(1, options_.attribute_refresh_passes));
  const bool netlink = options_.netlink_runs;
  auto cached = attribute_cache_.find(record.name);
  // Each device is due on its own pass modulo `every`, so the re-reads spread evenly.
  const bool due =
      cached == attribute_cache_.end() || dirty || pass_ - cached->second.read_at_pass >= every;
  const bool known_missing = cached != attribute_cache_.end() && cached->second.sysfs_missing;
  if (!due && known_missing) return SysfsPresence::kKnownMissing;
  if (!due) {
    const CachedAttributes& entry = cached->second;
    record.attributes = entry.others ? *entry.others : LinkAttributes{};
    RestoreMedium(entry, record.attributes);
    // With netlink nothing is read between refreshes: link state and settings come from events.
    if (netlink) return SysfsPresence::kRead;
  }
  // What sysfs owns (model/link_facts.h): the state every pass, the rest when due.
  const LinkFactsSet owned = SysfsOwnedFacts(netlink);
  SysfsReader::Options options{.facts = {}};
  for (const LinkFacts facts : kAllLinkFacts) {
    if (owned.Has(facts) && (due || facts == LinkFacts::kState)) options.facts.Add(facts);
  }
  if (!sysfs_.ReadAttributes(record.name, options, record.attributes, &refused)) {
    record.attributes = LinkAttributes{};
    if (known_missing) {
      // Still missing: checked again a refresh period later. (Had it been deleted meanwhile,
      // its counters stay one pass longer; it was reported when first found missing.)
      cached->second.read_at_pass = pass_;
      return SysfsPresence::kKnownMissing;
    }
    if (cached != attribute_cache_.end()) attribute_cache_.erase(cached);
    return SysfsPresence::kMissing;
  }
  if (due) {
    // Spread: a device seen first at pass p is next due at a pass depending on its name.
    const uint64_t offset =
        cached == attribute_cache_.end() ? std::hash<std::string>{}(record.name) % every : 0;
    CachedAttributes entry;
    entry.read_at_pass = pass_ - offset;
    KeepMedium(record.attributes, entry);
    LinkAttributes others = record.attributes;
    ClearFacts(LinkFacts::kMedium, others);  // kept in the compact fields above
    // Link state is never served from the cache: a read that fails (no carrier while down) must
    // not bring back an old value.
    ClearFacts(LinkFacts::kState, others);
    if (others != LinkAttributes{}) {
      entry.others = std::make_unique<const LinkAttributes>(std::move(others));
    }
    attribute_cache_.insert_or_assign(record.name, std::move(entry));
  }
  return SysfsPresence::kRead;
}

bool LocalSource::ReadNetlinkCounters(InterfaceRecords& records) {
  if (!stats_reader_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now < netlink_retry_at_) {
    netlink_stats_runs_->Progress();  // alive, waiting to retry
    return false;
  }
  std::vector<LinkStatsReader::LinkCounters> links;
  std::vector<rtnl::ParseError> parse_errors;
  const Status status = stats_reader_->Read(links, parse_errors);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count();
  };
  ReportNetlinkParseErrors(parse_errors);
  if (!status.ok() && stats_reader_->interrupted()) {
    // Links are being created or deleted right now: no failure, /proc/net/dev serves this pass.
    LogDebug("netlink stats dump interrupted twice; counters from /proc/net/dev for this pass",
             {{"collector", "netlink_stats"}});
    netlink_stats_runs_->Progress();
    return false;
  }
  if (!status.ok()) {
    // Logged once per change by CollectorRuns; /proc/net/dev serves meanwhile.
    netlink_retry_at_ = now + options_.netlink_retry_after;
    netlink_stats_runs_->Record(status, elapsed(), options_.netlink_retry_after);
    return false;
  }
  records.reserve(links.size());
  for (const auto& link : links) AppendNetlinkRecord(link, records);
  // Like procfs's, the duration covers making the records.
  netlink_stats_runs_->Record(status, elapsed());
  return true;
}

bool LocalSource::ReadCounters(InterfaceRecords& records) {
  if (ReadNetlinkCounters(records)) {
    procfs_runs_.Progress();  // not needed this pass, and not stuck either
    counters_runs_ = netlink_stats_runs_.get();
    return true;
  }
  counters_runs_ = &procfs_runs_;
  std::vector<std::string> parse_errors;
  std::vector<RefusedRead> refused;
  const Status status =
      procfs_runs_.Time([&] { return procfs_.Collect(records, parse_errors, &refused); });
  ReportParseErrors(parse_errors);
  // Not logged here: the procfs collector's failure line already names the file and the reason.
  CountRefusedReads("procfs", refused);
  return status.ok();
}

bool LocalSource::RunOnce() {
  // Taken before reading: an interface a netlink event creates while we read is newer than this
  // sample, and the store will not remove it for being absent from it.
  const SampleTime time = NowSampleTime();
  InterfaceRecords records;
  if (!ReadCounters(records)) return false;

  std::unordered_set<std::string> dirty;
  if (options_.netlink_runs) {
    std::lock_guard lock(events_mutex_);
    dirty.swap(dirty_);
  }

  sysfs_runs_.Time([&] {
    ReadSysfs(records, dirty);
    return Status::Ok();
  });
  // With netlink the records carry no link settings, and the store keeps the last event's.
  sink_.ApplySample(kLocalSource, std::move(records), time);
  return true;
}

void LocalSource::ReadSysfs(InterfaceRecords& records,
                            const std::unordered_set<std::string>& dirty) {
  ++pass_;
  std::vector<RefusedRead> refused;
  std::vector<std::size_t> missing;  // kept records whose sysfs directory was not there
  std::size_t known_missing = 0;
  // Kept records are compacted in place: a second vector of records doubled the pass's peak.
  std::size_t kept_count = 0;
  for (auto& record : records) {
    if (!options_.filter.Allows(record.name)) continue;
    const SysfsPresence presence =
        ReadAttributes(record, !dirty.empty() && dirty.contains(record.name), refused);
    if (presence == SysfsPresence::kMissing) missing.push_back(kept_count);
    if (presence == SysfsPresence::kKnownMissing) ++known_missing;
    if (&records[kept_count] != &record) records[kept_count] = std::move(record);
    ++kept_count;
  }
  records.erase(records.begin() + static_cast<std::ptrdiff_t>(kept_count), records.end());
  ReportRefusedReads("sysfs", refused);
  std::vector<std::string> newly_missing;
  if (!missing.empty()) newly_missing = ConfirmMissing(records, missing);
  ReportMissingSysfs(newly_missing);
  sysfs_missing_interfaces_.Set(static_cast<double>(known_missing + newly_missing.size()));

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
}

std::vector<std::string> LocalSource::ConfirmMissing(InterfaceRecords& records,
                                                     const std::vector<std::size_t>& missing) {
  // The kernel creates a device's sysfs directory before listing it in /proc/net/dev and
  // unlists it before removing the directory: a device still listed after its directory was
  // found missing has none in this sysfs. One that is no longer listed was deleted meanwhile.
  // The same holds for the links an RTM_GETSTATS dump lists, and the kernel sends a link's
  // RTM_DELLINK before removing its directory: with netlink counters, the events read since say it.
  std::unordered_set<std::string> listed;
  const bool from_netlink = stats_reader_ && counters_runs_ == netlink_stats_runs_.get() &&
                            stats_reader_->ListedNames(listed);
  if (!from_netlink) {
    InterfaceRecords listed_now;
    std::vector<std::string> ignored_errors;
    if (procfs_.Collect(listed_now, ignored_errors).ok()) {
      for (auto& record : listed_now) listed.insert(std::move(record.name));
    }
  }
  const uint64_t every = static_cast<uint64_t>(std::max(1, options_.attribute_refresh_passes));
  std::vector<std::string> confirmed;
  std::size_t next_missing = 0;
  std::size_t kept_count = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    InterfaceRecord& record = records[i];
    const bool was_missing = next_missing < missing.size() && missing[next_missing] == i;
    if (was_missing) {
      ++next_missing;
      if (!listed.contains(record.name)) continue;  // deleted: not in this sample
      CachedAttributes entry;
      // Checked again when due, spread by name like a first read.
      entry.read_at_pass = pass_ - std::hash<std::string>{}(record.name) % every;
      entry.sysfs_missing = true;
      attribute_cache_.insert_or_assign(record.name, std::move(entry));
      confirmed.push_back(record.name);
    }
    if (kept_count != i) records[kept_count] = std::move(record);
    ++kept_count;
  }
  records.erase(records.begin() + static_cast<std::ptrdiff_t>(kept_count), records.end());
  return confirmed;
}

std::unique_ptr<Source> MakeLocalSource(const Config& config, SourceContext& context) {
  if (!config.local.enabled) return nullptr;
  LocalSource::Options options;
  options.procfs_root = config.local.path_procfs;
  options.sysfs_root = config.local.path_sysfs;
  options.counters_from_netlink = IsOwnProcfs(config.local.path_procfs);
  options.interval = config.collection.interval;
  options.netlink_runs = config.local.netlink;
  // With netlink only the medium is read, and events say when it may have changed: the refresh
  // is a safety net. Without it settings and medium have no other trigger.
  const std::chrono::milliseconds attribute_refresh =
      config.local.netlink ? std::chrono::milliseconds(std::chrono::minutes(5))
                           : std::chrono::milliseconds(std::chrono::seconds(10));
  options.attribute_refresh_passes =
      static_cast<int>(std::max<int64_t>(1, attribute_refresh / config.collection.interval));
  options.filter =
      DeviceFilter(config.local.device_include.pattern(), config.local.device_exclude.pattern());
  auto source = std::make_unique<LocalSource>(std::move(options), context.fs, context.sink,
                                              context.self_metrics, context.after_pass);
  if (config.local.netlink) {
    context.link_events.Subscribe(
        [local = source.get()](const InterfaceRecord& record) { local->OnLinkEvent(record); });
  }
  return source;
}

std::span<const ExtraCounterDefinition* const> LocalExtraCounters() { return LinkErrorCounters(); }

}  // namespace netif
