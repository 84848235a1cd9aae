// The state store: the current set of interfaces from every source, merged into one model.
// Collectors apply records here; the store runs the analytics on each new sample and publishes an
// immutable Snapshot that scrapes render without taking the store's lock.
//
// Thread-safety: safe for concurrent use by multiple threads. Writers serialize on an internal
// mutex held for the in-memory update only (never for I/O); Current() only copies a shared_ptr.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/analytics_state.h"
#include "analytics/interface_analytics.h"
#include "analytics/link_state_tracker.h"
#include "model/interface_record.h"
#include "model/record_sink.h"
#include "model/sample_time.h"
#include "model/snapshot.h"
#include "util/populated_allocator.h"

namespace netif {

// Reports an anomaly starting or ending on one interface (for the anomaly log line).
struct AnomalyEvent {
  InterfaceKey key;
  std::string name;
  AnomalyKind kind;
  bool started;  // false: it ended
  double unix_seconds;
  MaybeDouble score;  // the anomaly detector's score at that sample
  MaybeDouble receive_bits_per_second;
  MaybeDouble transmit_bits_per_second;
};
// Called under the store's lock, on the writer's thread: must be quick and must not call the store.
using AnomalyEventSink = std::function<void(const AnomalyEvent&)>;

// Fresh views allocated together, a fixed number per allocation, instead of one heap chunk each.
// Each view shares the block's ownership (an aliasing shared_ptr), so entries and snapshots hold
// them like any other view, and the block is freed when its last view is. The views of a whole
// sample then go back to the kernel at once (a sample's block is a mapping of its own, its pages
// filled in when it is made: see PopulatedAllocator), and those of netlink's first dump leave
// whole free pages, where separate views left holes between the entries created with them that
// no trim could return (bench/scale/PROFILE.md, "Figures behind design choices in the code").
class ViewBlock {
 public:
  ViewBlock() = default;
  explicit ViewBlock(std::size_t capacity)
      : views_(
            std::allocate_shared<InterfaceView[]>(PopulatedAllocator<InterfaceView>(), capacity)),
        capacity_(capacity) {}

  bool Full() const { return taken_ == capacity_; }
  // A default-constructed view of the block. REQUIRES: !Full().
  std::shared_ptr<InterfaceView> Take();

 private:
  std::shared_ptr<InterfaceView[]> views_;
  std::size_t capacity_ = 0;
  std::size_t taken_ = 0;
};

// Renders an interface's label pairs into the escaped block scrapes write after each metric name
// (`device="eth0"`): given by the exposition, so the store caches it without knowing the format.
using LabelRenderer = std::function<std::string(const LabelPairs& labels)>;

// Hears every oper-state change the store observes (from samples and events alike), at the
// sample's unix time, for the page's event list. Called under the store's lock, on the writer's
// thread: must be quick and must not call the store.
using LinkChangeSink = std::function<void(const LinkChange& change, double unix_seconds)>;

class Store final : public RecordSink {
 public:
  // `on_anomaly` (may be empty) hears every anomaly start and end as the sample that made it is
  // applied, so the app can log them while the analytics stay free of I/O.
  // `render_labels` (may be empty: views then carry no label block and the renderer makes it)
  // makes each interface's label block when its labels change.
  // `on_link_change` (may be empty) hears every oper-state change.
  explicit Store(std::shared_ptr<const AnalyticsSettings> analytics_settings,
                 AnomalyEventSink on_anomaly = nullptr, LabelRenderer render_labels = nullptr,
                 LinkChangeSink on_link_change = nullptr);

  // A complete sample of one source (all local interfaces from procfs+sysfs, or all ports of one
  // SNMP target). Interfaces of `source` missing from `records` are removed, except those created
  // after `time` by an event source: a netlink event may race a sample that began before it.
  // Counters in `records` replace the previous ones and feed the analytics.
  void ApplySample(std::string_view source, InterfaceRecords records,
                   const SampleTime& time) override;

  // One interface changed, as told by an event source (netlink). Attributes present in `record`
  // overwrite, and those an RTM_NEWLINK carries whenever the link has them (alias, master, bond
  // port state: ForEachFactEventsClear) are taken as they are, absent clearing them; counters
  // present feed the analytics. From then on the event source owns the interface's
  // link settings (model/link_facts.h): a sample that lacks them keeps the last event's. A record
  // whose ifindex is already known under another name is a rename: the interface keeps its history
  // and moves to its new name. Returns the oper-state change this event made, if any.
  std::optional<LinkChange> ApplyLinkEvent(InterfaceRecord record, const SampleTime& time) override;

  // The interface is gone (RTM_DELLINK): its series vanish from the next snapshot. Matches by
  // ifindex when given (the name may already have been reused), else by key.
  void RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex = std::nullopt);

  // As above, for an event source that knows when the interface went: a sample that began before
  // `time` (and so may still list the interface) does not bring it back. The same holds for the
  // old name of an interface ApplyLinkEvent renamed.
  void RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex,
                       const SampleTime& time) override;

  // After an event source re-listed every interface of `source` (netlink's RTM_GETLINK dump after
  // a socket overflow lost events): removes the interfaces of `source` whose id is not in
  // `present_ids`, except those created (or renamed) after `time`, when the listing began. Unlike
  // ApplySample it touches no counters and runs no analytics. Removed ids are remembered as in
  // the timed RemoveInterface.
  void ReconcileSource(std::string_view source, const std::set<std::string>& present_ids,
                       const SampleTime& time) override;

  // Removes every interface of `source` (an SNMP target that went stale).
  void RemoveSource(std::string_view source) override;

  // A supplier's complete pass (RecordSink::ApplySupplements): each listed interface's view is
  // rebuilt with the new contribution in place of the old; each unlisted one that had one loses
  // it. Costs one view copy per interface that changes; interfaces without contributions pay
  // one test.
  void ApplySupplements(std::string_view supplier,
                        std::vector<InterfaceSupplement> supplements) override;

  // New analytics settings (a config reload): every interface keeps the state they leave
  // meaningful (InterfaceAnalytics::Reconfigure) and new interfaces start with them.
  void SetAnalyticsSettings(std::shared_ptr<const AnalyticsSettings> analytics_settings);

  // Removes the interfaces of every source not in `sources` (after a reload, those of SNMP
  // targets no longer configured, or of a source turned off). Returns how many went.
  std::size_t RetainSources(const std::set<std::string, std::less<>>& sources);

  // The latest published snapshot; never null.
  std::shared_ptr<const Snapshot> Current() const;

  // Updates inside a batch are applied at once but published together when the last batch
  // closes: a netlink datagram carries dozens of links, and publishing a snapshot per link made
  // the first dump of 5,000 interfaces quadratic.
  void BeginBatch() override;
  void EndBatch() override;

  // --- Warm restart (analytics/analytics_state.h has what is saved; src/storage the file) ---

  // Every interface's state, encoded under the writer mutex in slices of a few hundred interfaces
  // (no I/O; measured in docs/configuration.md), plus the staged state no interface has claimed
  // yet (still waiting for its interface), for the saver to write out of the lock. An interface
  // that comes or goes meanwhile may or may not be listed.
  std::vector<SavedInterfaceState> SaveState();

  // Holds state loaded at start until its interfaces appear: when the store creates the entry of a
  // staged key, the entry takes the staged state instead of fresh analytics, provided the ifindex
  // the state was saved with (if any) is the record's (if it has one): a device re-created under
  // the same name has another ifindex and starts fresh. Staged state is dropped, unclaimed, at the
  // end of the first complete sample of its source (which lists every interface that still exists)
  // and all of it `keep_seconds` after `now_monotonic` (a source that never completes a sample).
  void StageRestoredState(std::vector<SavedInterfaceState> states, const RestoreOptions& options,
                          double now_monotonic, double keep_seconds = 600);
  // Interfaces that took restored state since start; staged states still waiting.
  uint64_t RestoredInterfaces() const { return restored_count_.load(std::memory_order_relaxed); }
  std::size_t StagedInterfaces();

 private:
  struct Entry {
    InterfaceAnalytics analytics;
    LinkStateTracker link;
    // When the entry got its key: created, or renamed by an event (a sample that began earlier
    // does not know the new name and must not remove it for being absent).
    double created_monotonic_seconds = 0;
    // The last ApplySample that listed the interface (see sample_count_).
    uint64_t last_listed_by_sample = 0;
    // The interface's latest state. Its record and derived metrics are the only copies the store
    // keeps: an update builds the next view and swaps it in, since published views are shared
    // with scrapes and immutable. The next view starts from its derived metrics (StartView).
    std::shared_ptr<const InterfaceView> view;
    // An event source (ApplyLinkEvent) reported the interface: the facts the ownership table
    // gives to events (model/link_facts.h) are the events' from then on.
    bool reported_by_events = false;
    // Restored state's derived metrics until the first view is made from them (then null).
    std::unique_ptr<DerivedMetrics> restored_derived = nullptr;
    // Each supplier's latest contribution (ApplySupplements), by supplier name; laid over every
    // record the owner applies. Usually empty.
    std::vector<std::pair<std::string, InterfaceSupplement>> supplied = {};

    const InterfaceRecord& record() const { return view->record; }
  };

  // REQUIRES: mutex_ held.
  Entry& FindOrCreate(const InterfaceKey& key, const SampleTime& time, bool* created);
  std::map<InterfaceKey, Entry>::iterator FindByIfindex(std::string_view source, uint32_t ifindex);
  // The oper-state change `record` makes to `entry`'s current view, if any (counted in its link
  // history). Call before `record` replaces the view.
  std::optional<LinkChange> ObserveLinkState(Entry& entry, const InterfaceRecord& record,
                                             const SampleTime& time);
  // `fresh` (unpublished) with the entry's derived metrics so far (the analytics' initial ones for
  // a new entry), for the analytics to update in place.
  static std::shared_ptr<InterfaceView> StartView(const Entry& entry,
                                                  std::shared_ptr<InterfaceView> fresh);
  // Fills `view` (from StartView, updated) with `record` and makes it the entry's view.
  void ReplaceView(Entry& entry, InterfaceRecord&& record, std::shared_ptr<InterfaceView> view);
  // A fresh view for an event, from the current event block (a new one when it is full).
  std::shared_ptr<InterfaceView> TakeEventView();
  void ReportAnomalies(const DerivedMetrics& derived, const InterfaceRecord& record,
                       const SampleTime& time);
  // Gives `entry`, just created for `record`, the staged state of its key when it matches.
  void ClaimRestored(Entry& entry, const InterfaceRecord& record, const SampleTime& time);
  // Drops the staged state of `source` (its complete sample was applied), or all of it once the
  // staging time is over.
  void DropStaged(std::string_view source, const SampleTime& time);
  // Adds the extra counters `record` carries to those the snapshots list.
  void NoteExtraCounters(const InterfaceRecord& record);
  void NoteExtraCounters(const ExtraCounters& counters);
  // Puts `fresh` (null: nothing) in place of `supplier`'s contribution to `entry` and rebuilds its
  // view. Returns false when there was nothing to change.
  bool ReplaceSupplement(Entry& entry, std::string_view supplier, InterfaceSupplement* fresh);
  void Publish();
  // Remembers that `key` left at `monotonic_seconds` (removed, or renamed away).
  void RecordDeparture(const InterfaceKey& key, double monotonic_seconds);
  // True when an event removed or renamed `key` after a sample taken at `monotonic_seconds`.
  bool DepartedAfter(const InterfaceKey& key, double monotonic_seconds) const;

  std::shared_ptr<const AnalyticsSettings> analytics_settings_;  // guarded by mutex_
  const AnomalyEventSink on_anomaly_;
  const LabelRenderer render_labels_;
  const LinkChangeSink on_link_change_;
  std::mutex mutex_;  // guards entries_, departed_, generation_, extra_counters_, settings
  std::map<InterfaceKey, Entry> entries_;
  // Keys an event source removed or renamed away, with the monotonic time it happened. Only
  // samples that began earlier consult them; ApplySample drops those it has outlived.
  std::map<InterfaceKey, double> departed_;
  uint64_t generation_ = 0;
  // Every extra counter an interface carried so far, sorted by name (a handful: one entry per
  // static definition, however many interfaces carry it).
  std::vector<const ExtraCounterDefinition*> extra_counters_;
  uint64_t sample_count_ = 0;  // ApplySample calls so far; stamps the entries each one lists
  // Where events' views come from: a small block, so that one event pins little memory, but a
  // block all the same, for the 5,000 views of netlink's first dump (see ViewBlock).
  ViewBlock event_views_;
  int open_batches_ = 0;          // guarded by mutex_
  bool publish_pending_ = false;  // guarded by mutex_
  // Warm restart, guarded by mutex_: state waiting for its interface, and until when.
  std::map<InterfaceKey, SavedInterfaceState> staged_;
  RestoreOptions restore_options_;
  double staged_until_monotonic_ = 0;
  std::atomic<uint64_t> restored_count_{0};

  mutable std::mutex snapshot_mutex_;  // guards only the pointer swap
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace netif
