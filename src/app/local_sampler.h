// The periodic sampler of the host's own interfaces: reads /proc/net/dev (counters) and sysfs
// (attributes), keeps the devices the filter allows, and applies the complete set to the store.
//
// Thread-safety: RunOnce() REQUIRES external synchronization (one sampler thread calls it).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>

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
    // When the netlink collector runs it owns link state; sysfs then skips those files.
    bool netlink_owns_link_state = false;
    DeviceFilter filter;
    // Slow-changing sysfs attributes (speed, duplex, mtu, address, alias, ...) are re-read every
    // this many passes, spread across passes by device, and at a device's first sight. Reading
    // ~10 files of each of 5,000 devices every second cost half a core; link state, which does
    // change quickly, comes from netlink events or is read every pass.
    int attribute_refresh_passes = 1;
  };

  LocalSampler(Options options, const FileReader& fs, Store& store, SelfMetrics& self_metrics);

  // One pass. Returns false when /proc/net/dev could not be read (the store keeps its last state;
  // netif_scrape_collector_success{collector="procfs"} shows 0).
  bool RunOnce();

 private:
  void ReportParseErrors(const std::vector<std::string>& errors);

  Options options_;
  ProcfsCollector procfs_;
  SysfsReader sysfs_;
  Store& store_;
  SelfMetrics& self_metrics_;
  prometheus::Counter& parse_errors_;
  // Reads sysfs for `record`, from cache for the static attributes unless due. False: vanished.
  bool ReadAttributes(InterfaceRecord& record);

  struct CachedAttributes {
    LinkAttributes attributes;
    uint64_t read_at_pass = 0;
  };
  std::unordered_map<std::string, CachedAttributes> attribute_cache_;
  uint64_t pass_ = 0;
  bool last_procfs_ok_ = true;
  std::set<std::string> reported_parse_errors_;  // log each distinct malformed line once
};

}  // namespace netif
