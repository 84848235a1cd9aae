// Counters beyond the fixed set: the open end of the interface model. A source that knows more
// than CounterSet's 22 counters (driver statistics, EtherLike-MIB, detailed kernel errors)
// declares each extra counter once, as a static ExtraCounterDefinition, and sets values on its
// records by that definition. The store publishes the definitions it has seen with each snapshot,
// the exposition renders each as a family of its own next to the catalogue's, and the app's
// source list names every source's definitions so docs/metrics.md is checked against them too.
// Nothing else changes for a new counter: no enum, no catalogue row, no analytics.
//
// Extra counters are mirrored at the absolute value the source reports (as node_exporter does for
// ethtool statistics); the analytics (rates, health, anomalies) run on the fixed set only, which
// keeps the per-sample cost of the fixed counters unchanged.
//
// Thread-safety: definitions are immutable static data; ExtraCounters is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "model/metric_type.h"

namespace netif {

struct ExtraCounterDefinition {
  std::string_view name;  // the whole family name: "netif_receive_crc_errors_total"
  std::string_view help;
  // Counter for a source's own counters; untyped for values whose kind the source cannot know (a
  // driver's statistics: ethtool -S mixes counters and gauges).
  MetricType type = MetricType::kCounter;
};

// A record's extra counters, keyed by the address of their definition: no registry, no ids to
// hand out, and two sources cannot collide unless they share a definition. A definition must
// outlive every snapshot that carries it: static data, or (for names known only at run time,
// such as a driver's statistics) interned by its source for the life of the process.
class ExtraCounters {
 public:
  using Value = std::pair<const ExtraCounterDefinition*, uint64_t>;

  // Sets or replaces the value of `definition`.
  void Set(const ExtraCounterDefinition& definition, uint64_t value);
  std::optional<uint64_t> Get(const ExtraCounterDefinition& definition) const;
  bool Empty() const { return values_.empty(); }
  // Room for `count` values, so a source that sets several per record allocates once.
  void Reserve(std::size_t count) { values_.reserve(count); }
  // Values present in `newer` overwrite ours; the others are kept.
  void MergeFrom(const ExtraCounters& newer);
  // Removes the values of the definitions `other` has (a supplier's withdrawn contribution).
  void EraseDefinitionsOf(const ExtraCounters& other);
  // Sorted by definition address (for lookups), not by name.
  std::span<const Value> values() const { return values_; }

  bool operator==(const ExtraCounters&) const = default;

 private:
  std::vector<Value> values_;
};

}  // namespace netif
