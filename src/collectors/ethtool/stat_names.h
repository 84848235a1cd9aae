// The family names of a driver's statistics, as node_exporter's ethtool collector makes them
// (collector/ethtool_linux.go, buildEthtoolFQName), under our prefix:
//   1. every run of characters outside [0-9A-Za-z_], with the underscores around it, becomes one
//      '_' (node_exporter's SanitizeMetricName);
//   2. ASCII letters are lower-cased and leading underscores dropped;
//   3. the words "rx" and "tx" (between underscores or at either end) become "received" and
//      "transmitted";
//   4. the name is prefixed with "netif_ethtool_"; node_exporter's seven predeclared statistics
//      rx_bytes, rx_dropped, rx_errors, rx_packets, tx_bytes, tx_errors and tx_packets (exactly so
//      after step 1) get "_total" appended, as node_exporter names them.
// So `rx_queue_0_xdp_packets` is netif_ethtool_received_queue_0_xdp_packets and `peer_ifindex`
// netif_ethtool_peer_ifindex.
//
// Collisions: statistics of one device whose names become one family are all dropped (as
// node_exporter does: which one would win is the driver's order, not a rule), and so is a
// statistic whose family is one of ours (netif_ethtool_info, the ethtool self-metrics).
//
// Definitions are interned for the life of the process (snapshots may outlive the source that
// made them), one per family name, at most kMaxEthtoolFamilies; statistics with a new name past
// that are refused.
//
// Thread-safety: the functions are pure; EthtoolFamilies is safe for concurrent use.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/extra_counters.h"

namespace netif {

inline constexpr std::string_view kEthtoolFamilyPrefix = "netif_ethtool_";
inline constexpr std::size_t kMaxEthtoolFamilies = 4096;

// Step 1 above (node_exporter's SanitizeMetricName).
std::string SanitizeEthtoolName(std::string_view stat);

// The whole family name of statistic `stat`, or "" when nothing of it is left (a name of only
// punctuation).
std::string EthtoolFamilyName(std::string_view stat);

// True for the names of families we declare ourselves under the prefix (netif_ethtool_info and
// every netif_ethtool_* self-metric): a statistic must not take them.
bool IsReservedEthtoolFamily(std::string_view family);

// What one device's statistic names become: for each input name (same order), its family name,
// or "" when it is dropped; and why each dropped one was.
struct EthtoolNaming {
  std::vector<std::string> families;
  std::size_t collisions = 0;  // names that share a family with another, or take one of ours
  std::size_t unnamed = 0;     // names of which nothing is left
};
EthtoolNaming NameEthtoolStats(std::span<const std::string> stats);

class EthtoolFamilies {
 public:
  // The process's one set (definitions must outlive every snapshot).
  static EthtoolFamilies& Process();

  // The definition of `family`, made with the first call for it (help names `stat`), or null
  // when it is new and the set is full.
  const ExtraCounterDefinition* Intern(const std::string& family, std::string_view stat);
  std::size_t size() const;

  explicit EthtoolFamilies(std::size_t capacity = kMaxEthtoolFamilies) : capacity_(capacity) {}
  EthtoolFamilies(const EthtoolFamilies&) = delete;
  EthtoolFamilies& operator=(const EthtoolFamilies&) = delete;

 private:
  struct Family {
    std::string name;
    std::string help;
    ExtraCounterDefinition definition;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;  // guarded by mutex_
};

}  // namespace netif
