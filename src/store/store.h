// The state store: the current set of interfaces from every source, merged into one model.
// Collectors apply records here; the store runs the analytics on each new sample and publishes an
// immutable Snapshot that scrapes render without taking the store's lock.
//
// Thread-safety: safe for concurrent use by multiple threads. Writers serialize on an internal
// mutex held for the in-memory update only (never for I/O); Current() only copies a shared_ptr.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/interface_analytics.h"
#include "analytics/link_state_tracker.h"
#include "model/interface_record.h"
#include "model/sample_time.h"
#include "model/snapshot.h"

namespace netif {

// Reports a change of oper state as it is applied (for the link-event log line).
struct LinkChange {
  InterfaceKey key;
  std::string name;
  std::optional<OperState> from;
  OperState to;
  std::optional<bool> admin_up;
  std::optional<bool> carrier;
};

class Store {
 public:
  explicit Store(std::shared_ptr<const AnalyticsSettings> analytics_settings);

  // A complete sample of one source (all local interfaces from procfs+sysfs, or all ports of one
  // SNMP target). Interfaces of `source` missing from `records` are removed, except those created
  // after `time` by an event source: a netlink event may race a sample that began before it.
  // Counters in `records` replace the previous ones and feed the analytics.
  void ApplySample(std::string_view source, std::vector<InterfaceRecord> records,
                   const SampleTime& time);

  // One interface changed, as told by an event source (netlink). Attributes present in `record`
  // overwrite; counters present feed the analytics. A record whose ifindex is already known under
  // another name is a rename: the interface keeps its history and moves to its new name.
  // Returns the oper-state change this event made, if any.
  std::optional<LinkChange> ApplyLinkEvent(InterfaceRecord record, const SampleTime& time);

  // The interface is gone (RTM_DELLINK): its series vanish from the next snapshot. Matches by
  // ifindex when given (the name may already have been reused), else by key.
  void RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex = std::nullopt);

  // Removes every interface of `source` (an SNMP target that went stale).
  void RemoveSource(std::string_view source);

  // The latest published snapshot; never null.
  std::shared_ptr<const Snapshot> Current() const;

 private:
  struct Entry {
    InterfaceRecord record;
    InterfaceAnalytics analytics;
    LinkStateTracker link;
    double created_monotonic_seconds = 0;
    std::shared_ptr<const InterfaceView> view;
  };

  // REQUIRES: mutex_ held.
  Entry& FindOrCreate(InterfaceRecord&& record, const SampleTime& time, bool* created);
  std::map<InterfaceKey, Entry>::iterator FindByIfindex(std::string_view source, uint32_t ifindex);
  std::optional<LinkChange> ObserveLinkState(Entry& entry, const SampleTime& time);
  void RefreshView(Entry& entry);
  void Publish();

  const std::shared_ptr<const AnalyticsSettings> analytics_settings_;
  std::mutex mutex_;  // guards entries_ and generation_
  std::map<InterfaceKey, Entry> entries_;
  uint64_t generation_ = 0;

  mutable std::mutex snapshot_mutex_;  // guards only the pointer swap
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace netif
