#include "store/store.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <set>
#include <utility>

#include "model/link_facts.h"

namespace netif {
namespace {

// Departures are only needed until the next sample; the bound keeps a store whose sampler keeps
// failing (so never prunes) from growing with interface churn.
constexpr std::size_t kMaxDepartures = 4096;
constexpr double kDepartureMemorySeconds = 60;
// Views per event block: enough to free whole pages when they go, few enough that the block an
// occasional link flap takes its view from pins little memory.
constexpr std::size_t kEventViewsPerBlock = 32;
// Above one interface's saved state (1,624 bytes with both anomaly profiles full, storage_test).
constexpr std::size_t kSavedStateReserve = 2048;
// Interfaces whose state SaveState encodes per hold of the writer mutex (about 2 ms).
constexpr std::size_t kSavedStatesPerLock = 256;

// What a periodic sample that lacks a group of link facts keeps of the interface's last values,
// as the ownership table (model/link_facts.h) says.
void KeepLinkFacts(const LinkAttributes& old, bool reported_by_events, LinkAttributes& fresh) {
  for (const LinkFactsOwnership& row : kLinkFactsOwnership) {
    const bool keep =
        row.when_sample_lacks == WhenSampleLacks::kKeepLast ||
        (row.when_sample_lacks == WhenSampleLacks::kKeepEventValue && reported_by_events);
    if (keep) FillMissingFacts(row.facts, old, fresh);
  }
}

}  // namespace

std::shared_ptr<InterfaceView> ViewBlock::Take() {
  assert(!Full());
  return std::shared_ptr<InterfaceView>(views_, &views_[taken_++]);
}

Store::Store(std::shared_ptr<const AnalyticsSettings> analytics_settings,
             AnomalyEventSink on_anomaly, LabelRenderer render_labels,
             LinkChangeSink on_link_change)
    : analytics_settings_(std::move(analytics_settings)),
      on_anomaly_(std::move(on_anomaly)),
      render_labels_(std::move(render_labels)),
      on_link_change_(std::move(on_link_change)),
      snapshot_(std::make_shared<const Snapshot>()) {}

Store::Entry& Store::FindOrCreate(const InterfaceKey& key, const SampleTime& time, bool* created) {
  auto it = entries_.find(key);
  *created = (it == entries_.end());
  if (*created) {
    it = entries_
             .emplace(key, Entry{InterfaceAnalytics(analytics_settings_), LinkStateTracker(),
                                 time.monotonic_seconds, 0, nullptr})
             .first;
  }
  return it->second;
}

std::map<InterfaceKey, Store::Entry>::iterator Store::FindByIfindex(std::string_view source,
                                                                    uint32_t ifindex) {
  // Linear in the source's interfaces, but only called for events (renames, deletions).
  for (auto it = entries_.lower_bound(InterfaceKey{std::string(source), ""});
       it != entries_.end() && it->first.source == source; ++it) {
    if (it->second.record().attributes.ifindex == ifindex) return it;
  }
  return entries_.end();
}

std::optional<LinkChange> Store::ObserveLinkState(Entry& entry, const InterfaceRecord& record,
                                                  const SampleTime& time) {
  const auto& attributes = record.attributes;
  if (!attributes.oper_state) return std::nullopt;
  std::optional<OperState> previous =
      entry.view ? entry.view->record.attributes.oper_state : std::nullopt;
  if (!entry.link.Observe(*attributes.oper_state, time.unix_seconds)) return std::nullopt;
  LinkChange change{record.key,          record.name,       previous, *attributes.oper_state,
                    attributes.admin_up, attributes.carrier};
  if (on_link_change_) on_link_change_(change, time.unix_seconds);
  return change;
}

std::shared_ptr<InterfaceView> Store::TakeEventView() {
  if (event_views_.Full()) event_views_ = ViewBlock(kEventViewsPerBlock);
  return event_views_.Take();
}

std::shared_ptr<InterfaceView> Store::StartView(const Entry& entry,
                                                std::shared_ptr<InterfaceView> fresh) {
  fresh->derived = entry.view               ? entry.view->derived
                   : entry.restored_derived ? *entry.restored_derived
                                            : entry.analytics.InitialDerived();
  return fresh;
}

void Store::ReplaceView(Entry& entry, InterfaceRecord&& record,
                        std::shared_ptr<InterfaceView> view) {
  // Labels rarely change (an SNMP ifName or ifAlias edit): keep the escaped block already made.
  if (entry.view && entry.view->label_block && entry.view->record.labels == record.labels) {
    view->label_block = entry.view->label_block;
  } else if (render_labels_) {
    view->label_block = std::make_shared<const std::string>(render_labels_(record.labels));
  }
  view->device_class = ClassifyDevice(record);
  view->record = std::move(record);
  view->link = entry.link.history();
  entry.view = std::move(view);
  entry.restored_derived.reset();
}

void Store::ReportAnomalies(const DerivedMetrics& derived, const InterfaceRecord& record,
                            const SampleTime& time) {
  if (!on_anomaly_ || (derived.anomaly.started.Empty() && derived.anomaly.ended.Empty())) return;
  for (const AnomalyKind kind : kAnomalyKinds) {
    const bool started = derived.anomaly.started.Has(kind);
    if (!started && !derived.anomaly.ended.Has(kind)) continue;
    on_anomaly_(AnomalyEvent{record.key, record.name, kind, started, time.unix_seconds,
                             derived.anomaly.score, derived.receive.bits_per_second,
                             derived.transmit.bits_per_second});
  }
}

void Store::ApplySample(std::string_view source, InterfaceRecords records, const SampleTime& time) {
  std::lock_guard lock(mutex_);
  const uint64_t this_sample = ++sample_count_;
  ViewBlock views(records.size());  // one view per record at most
  for (auto& record : records) {
    if (record.key.source != source) continue;
    // The sample read this interface before an event removed or renamed it: stale, skip it.
    if (DepartedAfter(record.key, time.monotonic_seconds)) continue;
    bool created = false;
    Entry& entry = FindOrCreate(record.key, time, &created);
    if (created) ClaimRestored(entry, record, time);
    entry.last_listed_by_sample = this_sample;
    NoteExtraCounters(record);
    if (entry.view) {
      KeepLinkFacts(entry.record().attributes, entry.reported_by_events, record.attributes);
    }
    for (const auto& [supplier, supplement] : entry.supplied) supplement.ApplyTo(record);
    auto view = StartView(entry, views.Take());
    entry.analytics.OnSample(record, time, view->derived);
    ReportAnomalies(view->derived, record, time);
    ObserveLinkState(entry, record, time);
    ReplaceView(entry, std::move(record), std::move(view));
  }
  for (auto it = entries_.lower_bound(InterfaceKey{std::string(source), ""});
       it != entries_.end() && it->first.source == source;) {
    const bool born_after_sample = it->second.created_monotonic_seconds > time.monotonic_seconds;
    if (it->second.last_listed_by_sample != this_sample && !born_after_sample) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  // Later samples of this source began after these departures; they no longer matter.
  for (auto it = departed_.lower_bound(InterfaceKey{std::string(source), ""});
       it != departed_.end() && it->first.source == source;) {
    it = it->second <= time.monotonic_seconds ? departed_.erase(it) : std::next(it);
  }
  DropStaged(source, time);
  Publish();
}

std::optional<LinkChange> Store::ApplyLinkEvent(InterfaceRecord record, const SampleTime& time) {
  std::lock_guard lock(mutex_);
  if (record.attributes.ifindex) {
    auto renamed = FindByIfindex(record.key.source, *record.attributes.ifindex);
    if (renamed != entries_.end() && renamed->first != record.key) {
      RecordDeparture(renamed->first, time.monotonic_seconds);
      auto node = entries_.extract(renamed);
      node.key() = record.key;
      auto moved = std::make_shared<InterfaceView>(*node.mapped().view);
      moved->record.key = record.key;
      node.mapped().view = std::move(moved);
      node.mapped().created_monotonic_seconds = time.monotonic_seconds;
      entries_.erase(
          record.key);  // a stale entry under the new name is replaced by the renamed one
      entries_.insert(std::move(node));
    }
  }
  bool created = false;
  Entry& entry = FindOrCreate(record.key, time, &created);
  if (created) ClaimRestored(entry, record, time);
  entry.reported_by_events = true;
  NoteExtraCounters(record);
  const bool has_counters = !record.counters.Empty();
  InterfaceRecord merged;
  if (entry.view) {
    merged = entry.record();
    merged.name = std::move(record.name);
    merged.labels = std::move(record.labels);
    merged.attributes.MergeFrom(record.attributes);
    // An event states the alias, the master and the bond port state whenever the link has them:
    // absent means there is none (model/link_facts.h).
    ForEachFactEventsClear(
        [&](auto field) { merged.attributes.*field = std::move(record.attributes.*field); });
    merged.counters.MergeFrom(record.counters);
    merged.extra_counters.MergeFrom(record.extra_counters);
  } else {
    merged = std::move(record);
  }
  auto view = StartView(entry, TakeEventView());
  if (has_counters) {
    entry.analytics.OnSample(merged, time, view->derived);
    ReportAnomalies(view->derived, merged, time);
  }
  auto change = ObserveLinkState(entry, merged, time);
  ReplaceView(entry, std::move(merged), std::move(view));
  Publish();
  return change;
}

void Store::RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex) {
  std::lock_guard lock(mutex_);
  auto it = ifindex ? FindByIfindex(key.source, *ifindex) : entries_.end();
  if (it == entries_.end()) it = entries_.find(key);
  if (it == entries_.end()) return;
  entries_.erase(it);
  Publish();
}

void Store::RemoveInterface(const InterfaceKey& key, std::optional<uint32_t> ifindex,
                            const SampleTime& time) {
  std::lock_guard lock(mutex_);
  // Remembered even when nothing is removed: a sample in flight may still list the interface.
  RecordDeparture(key, time.monotonic_seconds);
  auto it = ifindex ? FindByIfindex(key.source, *ifindex) : entries_.end();
  if (it == entries_.end()) it = entries_.find(key);
  if (it == entries_.end()) return;
  RecordDeparture(it->first, time.monotonic_seconds);
  entries_.erase(it);
  Publish();
}

void Store::ReconcileSource(std::string_view source, const std::set<std::string>& present_ids,
                            const SampleTime& time) {
  std::lock_guard lock(mutex_);
  bool removed = false;
  for (auto it = entries_.lower_bound(InterfaceKey{std::string(source), ""});
       it != entries_.end() && it->first.source == source;) {
    const bool born_after_listing = it->second.created_monotonic_seconds > time.monotonic_seconds;
    if (!present_ids.contains(it->first.id) && !born_after_listing) {
      RecordDeparture(it->first, time.monotonic_seconds);
      it = entries_.erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  if (removed) Publish();
}

void Store::RecordDeparture(const InterfaceKey& key, double monotonic_seconds) {
  if (departed_.size() >= kMaxDepartures) {
    std::erase_if(departed_, [&](const auto& departure) {
      return departure.second < monotonic_seconds - kDepartureMemorySeconds;
    });
  }
  double& when = departed_[key];
  when = std::max(when, monotonic_seconds);
}

bool Store::DepartedAfter(const InterfaceKey& key, double monotonic_seconds) const {
  auto it = departed_.find(key);
  return it != departed_.end() && it->second > monotonic_seconds;
}

void Store::RemoveSource(std::string_view source) {
  std::lock_guard lock(mutex_);
  auto first = entries_.lower_bound(InterfaceKey{std::string(source), ""});
  auto last = first;
  while (last != entries_.end() && last->first.source == source) ++last;
  if (first == last) return;
  entries_.erase(first, last);
  Publish();
}

void Store::ApplySupplements(std::string_view supplier,
                             std::vector<InterfaceSupplement> supplements) {
  std::lock_guard lock(mutex_);
  bool changed = false;
  std::set<InterfaceKey> listed;
  for (InterfaceSupplement& supplement : supplements) {
    auto it = entries_.find(supplement.key);
    if (it == entries_.end() || !it->second.view) continue;  // a supplier never creates one
    listed.insert(supplement.key);
    NoteExtraCounters(supplement.counters);
    changed |= ReplaceSupplement(it->second, supplier, &supplement);
  }
  for (auto& [key, entry] : entries_) {
    if (entry.supplied.empty() || listed.contains(key)) continue;
    changed |= ReplaceSupplement(entry, supplier, nullptr);
  }
  if (changed) Publish();
}

bool Store::ReplaceSupplement(Entry& entry, std::string_view supplier, InterfaceSupplement* fresh) {
  auto it = std::find_if(entry.supplied.begin(), entry.supplied.end(),
                         [&](const auto& supplied) { return supplied.first == supplier; });
  if (it == entry.supplied.end() && fresh == nullptr) return false;
  if (it != entry.supplied.end() && fresh != nullptr && it->second == *fresh) return false;
  // Published views are immutable: the new contribution goes into a copy.
  auto view = std::make_shared<InterfaceView>(*entry.view);
  if (it != entry.supplied.end()) {
    it->second.WithdrawFrom(view->record);
    if (fresh != nullptr) {
      it->second = std::move(*fresh);
    } else {
      entry.supplied.erase(it);
    }
  } else {
    entry.supplied.emplace_back(std::string(supplier), std::move(*fresh));
  }
  // All of them again, in order: the one withdrawn may have covered a fact another one sets.
  for (const auto& [name, supplement] : entry.supplied) supplement.ApplyTo(view->record);
  entry.view = std::move(view);
  return true;
}

void Store::SetAnalyticsSettings(std::shared_ptr<const AnalyticsSettings> analytics_settings) {
  std::lock_guard lock(mutex_);
  analytics_settings_ = std::move(analytics_settings);
  for (auto& [key, entry] : entries_) {
    if (!entry.view) {
      DerivedMetrics unused = entry.analytics.InitialDerived();
      entry.analytics.Reconfigure(analytics_settings_, unused);
      continue;
    }
    // Published views are immutable: the reconfigured metrics go into a copy.
    auto view = std::make_shared<InterfaceView>(*entry.view);
    entry.analytics.Reconfigure(analytics_settings_, view->derived);
    entry.view = std::move(view);
  }
  Publish();
}

std::size_t Store::RetainSources(const std::set<std::string, std::less<>>& sources) {
  std::lock_guard lock(mutex_);
  const std::size_t before = entries_.size();
  std::erase_if(entries_, [&](const auto& item) { return !sources.contains(item.first.source); });
  const std::size_t removed = before - entries_.size();
  if (removed > 0) Publish();
  return removed;
}

void Store::BeginBatch() {
  std::lock_guard lock(mutex_);
  ++open_batches_;
}

void Store::EndBatch() {
  std::lock_guard lock(mutex_);
  if (--open_batches_ == 0 && publish_pending_) Publish();
}

void Store::NoteExtraCounters(const InterfaceRecord& record) {
  NoteExtraCounters(record.extra_counters);
}

void Store::NoteExtraCounters(const ExtraCounters& counters) {
  if (counters.Empty()) return;  // the fixed counters' path pays one test
  for (const auto& [definition, value] : counters.values()) {
    if (std::find(extra_counters_.begin(), extra_counters_.end(), definition) !=
        extra_counters_.end()) {
      continue;
    }
    extra_counters_.insert(
        std::upper_bound(extra_counters_.begin(), extra_counters_.end(), definition,
                         [](const ExtraCounterDefinition* a, const ExtraCounterDefinition* b) {
                           return a->name < b->name;
                         }),
        definition);
  }
}

void Store::Publish() {
  if (open_batches_ > 0) {
    publish_pending_ = true;
    return;
  }
  publish_pending_ = false;
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->interfaces.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) snapshot->interfaces.push_back(entry.view);
  snapshot->extra_counters = extra_counters_;
  snapshot->generation = ++generation_;
  std::shared_ptr<const Snapshot> published = std::move(snapshot);
  std::lock_guard lock(snapshot_mutex_);
  snapshot_.swap(published);
}

std::shared_ptr<const Snapshot> Store::Current() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

std::vector<SavedInterfaceState> Store::SaveState() {
  std::vector<SavedInterfaceState> states;
  // In slices of kSavedStatesPerLock interfaces, the writer mutex released between them, so that a
  // sample waits for one slice at most (each interface's state is consistent on its own).
  std::optional<InterfaceKey> last;
  while (true) {
    std::lock_guard lock(mutex_);
    if (!last) states.reserve(entries_.size() + staged_.size());
    auto it = last ? entries_.upper_bound(*last) : entries_.begin();
    for (std::size_t n = 0; it != entries_.end() && n < kSavedStatesPerLock; ++it, ++n) {
      const Entry& entry = it->second;
      if (!entry.view) continue;
      SavedInterfaceState& state = states.emplace_back();
      state.key = it->first;
      state.ifindex = entry.record().attributes.ifindex;
      state.state.reserve(kSavedStateReserve);  // one allocation per interface
      EncodeInterfaceState(entry.analytics, entry.view->derived, entry.link, state.state);
    }
    if (it != entries_.end()) {
      last = std::prev(it)->first;
      continue;
    }
    for (const auto& [key, staged] : staged_) states.push_back(staged);
    return states;
  }
}

void Store::StageRestoredState(std::vector<SavedInterfaceState> states,
                               const RestoreOptions& options, double now_monotonic,
                               double keep_seconds) {
  std::lock_guard lock(mutex_);
  for (SavedInterfaceState& state : states) {
    // An interface the store already has keeps its own state (it was seen first).
    if (entries_.contains(state.key)) continue;
    InterfaceKey key = state.key;
    staged_.insert_or_assign(std::move(key), std::move(state));
  }
  restore_options_ = options;
  staged_until_monotonic_ = now_monotonic + keep_seconds;
}

std::size_t Store::StagedInterfaces() {
  std::lock_guard lock(mutex_);
  return staged_.size();
}

void Store::ClaimRestored(Entry& entry, const InterfaceRecord& record, const SampleTime& time) {
  if (staged_.empty()) return;
  if (time.monotonic_seconds > staged_until_monotonic_) {
    staged_.clear();
    return;
  }
  auto it = staged_.find(record.key);
  if (it == staged_.end()) return;
  const SavedInterfaceState staged = std::move(it->second);
  staged_.erase(it);
  // Another ifindex under the same key: the saved interface is gone, this one is new.
  const auto ifindex = record.attributes.ifindex;
  if (staged.ifindex && ifindex && *staged.ifindex != *ifindex) return;
  InterfaceAnalytics analytics(analytics_settings_);
  auto derived = std::make_unique<DerivedMetrics>();
  LinkStateTracker link;
  if (!DecodeInterfaceState(staged.state, restore_options_, analytics, *derived, link)) return;
  entry.analytics = std::move(analytics);
  entry.link = link;
  entry.restored_derived = std::move(derived);
  restored_count_.fetch_add(1, std::memory_order_relaxed);
}

void Store::DropStaged(std::string_view source, const SampleTime& time) {
  if (staged_.empty()) return;
  if (time.monotonic_seconds > staged_until_monotonic_) {
    staged_.clear();
    return;
  }
  auto first = staged_.lower_bound(InterfaceKey{std::string(source), ""});
  auto last = first;
  while (last != staged_.end() && last->first.source == source) ++last;
  staged_.erase(first, last);
}

}  // namespace netif
