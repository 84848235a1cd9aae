// The periodic sampler of the host's own interfaces: reads /proc/net/dev (counters) and sysfs
// (attributes), keeps the devices the filter allows, and applies the complete set to the store.
//
// Which attributes it reads depends on whether the netlink collector runs:
//  - Without netlink: every sysfs attribute. Link state (operstate, carrier, flags, ...) every
//    pass; the slow-changing rest every attribute_refresh_passes and at a device's first sight.
//  - With netlink (netlink_owns_link_state): only what netlink lacks (speed, duplex, and whether
//    the device is virtual), and only at a device's first sight, after an RTM_NEWLINK for it
//    (OnLinkEvent marks it dirty: speed and duplex change with the carrier) and every
//    attribute_refresh_passes as a safety net. The settings netlink reports (iflink, mtu, type,
//    address, alias), link state, kind, master and ifindex are not read at all: the store keeps
//    the last event's. A pass then reads /proc/net/dev and no sysfs file at all.
//
// Thread-safety: RunOnce() REQUIRES external synchronization (one sampler thread calls it).
// OnLinkEvent() is safe to call from any thread, concurrently with RunOnce().
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collectors/procfs/procfs_collector.h"
#include "collectors/sysfs/sysfs_reader.h"
#include "exposition/self_metrics.h"
#include "store/store.h"
#include "util/device_filter.h"
#include "util/file_reader.h"

namespace netif {

class LocalSampler {
 public:
  struct Options {
    std::string procfs_root = "/proc";
    std::string sysfs_root = "/sys";
    // The netlink collector runs and hands its RTM_NEWLINK records to OnLinkEvent(): it owns link
    // state and link settings, and sysfs is read only for speed, duplex and virtual.
    bool netlink_owns_link_state = false;
    DeviceFilter filter;
    // Slow-changing sysfs attributes are re-read every this many passes, spread across passes by
    // device, and at a device's first sight (with netlink also after an event for the device).
    // Reading ~10 files of each of 5,000 devices every second cost half a core.
    int attribute_refresh_passes = 1;
  };

  LocalSampler(Options options, const FileReader& fs, Store& store, SelfMetrics& self_metrics);

  // One pass. Returns false when /proc/net/dev could not be read (the store keeps its last state;
  // netif_scrape_collector_success{collector="procfs"} shows 0).
  bool RunOnce();

  // The netlink collector saw an RTM_NEWLINK for `record.name` (a LinkEventObserver): the next
  // pass re-reads the device's sysfs attributes (speed and duplex change with the carrier). Only
  // meaningful with netlink_owns_link_state.
  void OnLinkEvent(const InterfaceRecord& record);

 private:
  void ReportParseErrors(const std::vector<std::string>& errors);
  // Sets the sysfs part of `record.attributes`, from cache unless due. False: the device vanished.
  bool ReadAttributes(InterfaceRecord& record, bool dirty);

  Options options_;
  ProcfsCollector procfs_;
  SysfsReader sysfs_;
  Store& store_;
  SelfMetrics& self_metrics_;
  prometheus::Counter& parse_errors_;

  // Sampler thread only. What the last due read gave, without link state, kept compact: with
  // netlink that is speed, duplex and virtual only, and a full LinkAttributes per device (256
  // bytes) was a tenth of the exporter's heap at 5,000 interfaces.
  struct CachedAttributes {
    uint64_t read_at_pass = 0;
    std::optional<uint64_t> speed_bps;
    std::optional<Duplex> duplex;
    std::optional<bool> is_virtual;
    // The other attributes the read gave (without netlink: ifindex, mtu, address, ...); null
    // when there are none.
    std::unique_ptr<const LinkAttributes> others;
  };
  std::unordered_map<std::string, CachedAttributes> attribute_cache_;
  uint64_t pass_ = 0;
  bool last_procfs_ok_ = true;
  std::set<std::string> reported_parse_errors_;  // log each distinct malformed line once

  // Devices with an RTM_NEWLINK since a pass last took them, handed over by OnLinkEvent (netlink
  // thread); guarded by events_mutex_.
  std::mutex events_mutex_;
  std::unordered_set<std::string> dirty_;
};

}  // namespace netif
