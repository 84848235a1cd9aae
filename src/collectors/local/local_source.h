// The local source: the host's own interfaces, sampled every collection interval on its thread
// (`netif-local`). A pass reads the counters, and sysfs (attributes, through SysfsReader), keeps
// the devices the filter allows, and applies the complete set to the sink.
//
// Counters: with counters_from_netlink (the real /proc, not a fixture tree or a host's /proc
// mounted elsewhere) from one RTM_GETSTATS dump (LinkStatsReader, collector `netlink_stats`),
// which also gives the detailed error counters (link_error_counters.h); else, and for any pass
// whose dump fails, from /proc/net/dev (ProcfsReader, collector `procfs`). After a failed dump
// /proc/net/dev serves until netlink_retry_after has passed; the failure is logged once (by
// CollectorRuns) and shows as netif_scrape_collector_success{collector="netlink_stats"} 0. A dump
// that link changes interrupted twice (a storm of creations) is no failure: /proc/net/dev serves
// that pass only. Both
// give the 16 /proc/net/dev counters the same values (rtnl::ProcNetDevCounters mirrors the
// kernel's arithmetic).
//
// Which sysfs attributes it reads is the ownership table's word (model/link_facts.h):
//  - Without netlink, sysfs owns every group: link state every pass; settings and medium every
//    attribute_refresh_passes and at a device's first sight.
//  - With netlink (netlink_runs), only the medium (speed, duplex, virtual, flags, dormant, the
//    assign types, dev id), at a device's first sight, after a link event for it (OnLinkEvent
//    marks it dirty: speed, duplex and dormant change with the carrier, the flags with IFF_UP)
//    and every attribute_refresh_passes as a safety net. A pass then reads
//    /proc/net/dev and no sysfs file at all; the store keeps the last event's state and settings.
//
// An interface /proc/net/dev lists but sysfs does not (a host's /proc with the container's /sys,
// say) keeps its counters: it is applied without the attributes sysfs would give, counted in
// netif_sysfs_missing_interfaces and logged once. A device whose sysfs directory is gone because it
// was just deleted is told apart by reading /proc/net/dev again (with netlink counters: by the
// link events read since the dump): the kernel lists a device there only while its sysfs
// directory exists, and sends its RTM_DELLINK before removing the directory.
//
// A file that is not a regular file or is over its cap (util/file_reader.h) is refused, never
// waited on; each is counted in netif_file_read_errors_total{collector,reason} and logged once per
// path. A refused /proc/net/dev fails the pass (procfs collector_success 0); a refused attribute
// only leaves its field out.
//
// Thread-safety: Start()/Stop() from the app's thread. RunOnce() REQUIRES external
// synchronization (the source's thread, or a test). OnLinkEvent() is safe to call from any thread,
// concurrently with RunOnce().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collectors/netlink/link_stats_reader.h"
#include "collectors/netlink/rtnetlink_parser.h"
#include "collectors/procfs/procfs_reader.h"
#include "collectors/source.h"
#include "collectors/sysfs/sysfs_reader.h"
#include "model/record_sink.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"
#include "util/device_filter.h"
#include "util/file_reader.h"
#include "util/periodic_thread.h"

namespace netif {

class LocalSource final : public Source {
 public:
  struct Options {
    std::string procfs_root = "/proc";
    std::string sysfs_root = "/sys";
    std::chrono::milliseconds interval = std::chrono::seconds(1);
    // Counters from an RTM_GETSTATS dump instead of /proc/net/dev (see above). Only meaningful
    // when procfs_root is this network namespace's /proc.
    bool counters_from_netlink = false;
    // Opens the dump reader's socket; null for the kernel's (tests pass a fake).
    LinkStatsReader::SocketOpener netlink_socket_opener;
    // After a failed dump, /proc/net/dev serves the counters for this long before netlink is
    // tried again.
    std::chrono::milliseconds netlink_retry_after = std::chrono::seconds(30);
    // The netlink source runs and hands its RTM_NEWLINK records to OnLinkEvent(): it owns link
    // state and settings (model/link_facts.h), and sysfs is read only for the medium.
    bool netlink_runs = false;
    DeviceFilter filter;
    // Slow-changing sysfs attributes are re-read every this many passes, spread across passes by
    // device, and at a device's first sight (with netlink also after an event for the device):
    // reading every file of thousands of devices every second would cost more than the rest of
    // the exporter together.
    int attribute_refresh_passes = 1;
  };

  // `after_pass` (may be empty) runs on the source's thread after each periodic pass.
  LocalSource(Options options, const FileReader& fs, RecordSink& sink, SelfMetrics& self_metrics,
              std::function<void()> after_pass = nullptr);
  ~LocalSource() override;

  std::string_view name() const override { return "local"; }
  // Runs the first pass at once (so the first scrape has data), then one every interval.
  void Start() override;
  void Stop() override;
  std::vector<std::string> KeySources() const override { return {std::string(kLocalSource)}; }

  // One pass. Returns false when no counters could be read: neither from netlink nor from
  // /proc/net/dev (the store keeps its last state; netif_scrape_collector_success{collector=
  // "procfs"} shows 0).
  bool RunOnce();

  // The netlink source saw an RTM_NEWLINK for `record.name` (a LinkEvents listener): the next
  // pass re-reads the device's medium (speed and duplex change with the carrier). Only
  // meaningful with netlink_runs.
  void OnLinkEvent(const InterfaceRecord& record);

 private:
  // What ReadAttributes() found of a device's sysfs directory.
  enum class SysfsPresence {
    kRead,          // there; `record.attributes` has what sysfs owns
    kMissing,       // not there: vanished, or never in this sysfs (to be told apart)
    kKnownMissing,  // not there, as at an earlier pass that found it listed in /proc/net/dev
  };

  // Reads the counters into `records`: from netlink when it is on and due, else (or when it
  // failed) from /proc/net/dev. False when neither could be read.
  bool ReadCounters(InterfaceRecords& records);
  // The netlink part: false when it is off, not due or failed (then /proc/net/dev serves).
  bool ReadNetlinkCounters(InterfaceRecords& records);
  void ReportNetlinkParseErrors(const std::vector<rtnl::ParseError>& errors);
  void ReportParseErrors(const std::vector<std::string>& errors);
  // Counts each refused read in netif_file_read_errors_total{collector,reason}.
  void CountRefusedReads(std::string_view collector, const std::vector<RefusedRead>& refused);
  // Counts each refused read and logs it once per path.
  void ReportRefusedReads(std::string_view collector, const std::vector<RefusedRead>& refused);
  // Reads the sysfs part of each record the filter keeps; drops the others and the vanished.
  void ReadSysfs(InterfaceRecords& records, const std::unordered_set<std::string>& dirty);
  // Sets the sysfs part of `record.attributes`, from cache unless due.
  SysfsPresence ReadAttributes(InterfaceRecord& record, bool dirty,
                               std::vector<RefusedRead>& refused);
  // Of the kept records at `missing` (indexes, ascending), drops those /proc/net/dev no longer
  // lists (deleted since the pass read it) and remembers the others as without sysfs. Returns the
  // names of the others.
  std::vector<std::string> ConfirmMissing(InterfaceRecords& records,
                                          const std::vector<std::size_t>& missing);
  // Logs the devices of `names` not logged before, in one line.
  void ReportMissingSysfs(const std::vector<std::string>& names);

  Options options_;
  ProcfsReader procfs_;
  SysfsReader sysfs_;
  RecordSink& sink_;
  const std::function<void()> after_pass_;
  CollectorRuns procfs_runs_;
  CollectorRuns sysfs_runs_;
  prometheus::Counter& parse_errors_;
  // With counters_from_netlink only (else null).
  std::unique_ptr<LinkStatsReader> stats_reader_;
  std::unique_ptr<CollectorRuns> netlink_stats_runs_;
  prometheus::Counter* netlink_parse_errors_ = nullptr;
  std::chrono::steady_clock::time_point netlink_retry_at_{};  // source thread only
  // The collector the last pass took its counters from: it counts the ticks a pass missed.
  CollectorRuns* counters_runs_ = nullptr;
  prometheus::Gauge& sysfs_missing_interfaces_;
  SelfMetrics& self_metrics_;
  std::unique_ptr<PeriodicThread> thread_;

  // Source thread only. What the last due read gave, without link state, kept compact: with
  // netlink that is the medium only, and a full LinkAttributes per device was a sizeable share
  // of the exporter's heap at thousands of interfaces.
  struct CachedAttributes {
    uint64_t read_at_pass = 0;
    // The medium (model/link_facts.h).
    std::optional<uint64_t> speed_bps;
    std::optional<Duplex> duplex;
    std::optional<bool> is_virtual;
    std::optional<uint32_t> flags;
    std::optional<bool> dormant;
    std::optional<uint8_t> addr_assign_type;
    std::optional<uint8_t> name_assign_type;
    std::optional<uint32_t> dev_id;
    // The other attributes the read gave (without netlink: ifindex, mtu, address, ...); null
    // when there are none.
    std::unique_ptr<const LinkAttributes> others;
    // The device has no sysfs directory (kKnownMissing); checked again when due.
    bool sysfs_missing = false;
  };
  // The medium between the compact cache and a record; every field of the group, both ways.
  static void KeepMedium(const LinkAttributes& read, CachedAttributes& entry);
  static void RestoreMedium(const CachedAttributes& entry, LinkAttributes& attributes);

  std::unordered_map<std::string, CachedAttributes> attribute_cache_;
  uint64_t pass_ = 0;
  std::set<std::string> reported_parse_errors_;  // log each distinct malformed line once
  std::set<rtnl::ParseError> reported_netlink_parse_errors_;  // log each reason once
  std::set<std::string> reported_refused_paths_;              // log each refused file once
  std::set<std::string> reported_sysfs_missing_;              // log each device without sysfs once

  // Devices with an RTM_NEWLINK since a pass last took them, handed over by OnLinkEvent (netlink
  // thread); guarded by events_mutex_.
  std::mutex events_mutex_;
  std::unordered_set<std::string> dirty_;
};

// The local source the config asks for (local.enabled), or null. Its counters come from netlink
// when local.path_procfs is "/proc".
std::unique_ptr<Source> MakeLocalSource(const Config& config, SourceContext& context);

// The extra counters the local source declares (link_error_counters.h), for src/app/sources.cc.
std::span<const ExtraCounterDefinition* const> LocalExtraCounters();

}  // namespace netif
