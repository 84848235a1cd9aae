// The one seam between sources and the state store: everything a source may tell the store, and
// nothing else. Sources hold a RecordSink&, never the store itself, so a source can be tested
// against a recording fake and the store never learns who feeds it.
//
// Thread-safety: implementations are safe for concurrent use by multiple threads (every source
// runs on its own thread).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/interface_record.h"
#include "model/interface_supplement.h"
#include "model/sample_time.h"

namespace netif {

// A change of oper state as it was applied (for the link-event log line).
struct LinkChange {
  InterfaceKey key;
  std::string name;
  std::optional<OperState> from;
  OperState to;
  std::optional<bool> admin_up;
  std::optional<bool> carrier;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // A complete sample of one source (all local interfaces, or all ports of one SNMP target).
  // Interfaces of `source` missing from `records` are removed, except those an event source
  // created after `time` (an event may race a sample that began before it). Counters in
  // `records` replace the previous ones and feed the analytics.
  virtual void ApplySample(std::string_view source, InterfaceRecords records,
                           const SampleTime& time) = 0;

  // One interface changed, as told by an event source. Attributes present in `record` overwrite,
  // except those an event states whenever they hold (model/link_facts.h, ForEachFactEventsClear),
  // which an event without them clears; counters present feed the analytics. A record whose ifindex
  // is already known under another name is a rename. Returns the oper-state change this event made,
  // if any.
  virtual std::optional<LinkChange> ApplyLinkEvent(InterfaceRecord record,
                                                   const SampleTime& time) = 0;

  // The interface went at `time` (matched by ifindex when given, else by key): its series vanish
  // from the next snapshot, and a sample that began before `time` does not bring it back.
  virtual void RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex,
                               const SampleTime& time) = 0;

  // After an event source re-listed every interface of `source` (a listing that began at `time`):
  // removes those whose id is not in `present_ids`. Touches no counters.
  virtual void ReconcileSource(std::string_view source, const std::set<std::string>& present_ids,
                               const SampleTime& time) = 0;

  // Removes every interface of `source` (an SNMP target that went stale).
  virtual void RemoveSource(std::string_view source) = 0;

  // A complete pass of a supplier (model/interface_supplement.h: ethtool for local devices).
  // Each supplement becomes `supplier`'s contribution to the interface of its key, replacing the
  // previous one (a statistic the driver no longer reports goes with it); a key the store does not
  // hold is skipped, never created. Interfaces the pass does not list lose `supplier`'s
  // contribution, so an empty pass withdraws all of it (the supplier stopped). A contribution
  // outlives the owner's samples and events; it goes with its interface. Runs no analytics.
  virtual void ApplySupplements(std::string_view supplier,
                                std::vector<InterfaceSupplement> supplements) = 0;

  // Updates between BeginBatch and the matching EndBatch are applied at once but published
  // together (a netlink datagram carries dozens of links). Batches nest. Use SinkBatch.
  virtual void BeginBatch() = 0;
  virtual void EndBatch() = 0;
};

// Holds a batch open for its lifetime.
class SinkBatch {
 public:
  explicit SinkBatch(RecordSink& sink) : sink_(sink) { sink_.BeginBatch(); }
  ~SinkBatch() { sink_.EndBatch(); }
  SinkBatch(const SinkBatch&) = delete;
  SinkBatch& operator=(const SinkBatch&) = delete;

 private:
  RecordSink& sink_;
};

}  // namespace netif
