// The metric catalogue: every per-interface metric family declared once (name, type, help, extra
// labels, and how to read it from an InterfaceView). The renderer walks it to build /metrics and a
// test walks it to check docs/metrics.md, so the two cannot drift apart. Adding a metric is one
// row.
//
// Thread-safety: the catalogue is immutable after static initialization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "model/metric_type.h"
#include "model/snapshot.h"

namespace netif {

struct ExtraLabel {
  std::string_view name;
  std::string_view value;  // raw bytes; escaped when written
};

// Receives the samples one family yields for one interface. The renderer supplies the metric name
// and the interface's own labels; an emitter only adds values and, where the family has them,
// extra labels (direction, window, kind, ...).
class SampleWriter {
 public:
  virtual ~SampleWriter() = default;
  virtual void Write(uint64_t value) = 0;
  virtual void Write(double value) = 0;
  virtual void Write(std::initializer_list<ExtraLabel> extra, uint64_t value) = 0;
  virtual void Write(std::initializer_list<ExtraLabel> extra, double value) = 0;
  void WriteBool(bool value) { Write(static_cast<uint64_t>(value ? 1 : 0)); }
};

// What a family is about, for a scrape's `collect[]` (docs/metrics.md, "Choosing families"): the
// catalogue part it is declared in, except for the name rules GroupOf() applies.
enum class FamilyGroup : uint8_t {
  kCounters,   // catalogue_counters.cc and every extra counter not named below
  kLink,       // catalogue_link.cc
  kAnalytics,  // catalogue_analytics.cc
  kEthtool,    // any family named netif_ethtool_*
  kCompat,     // any family named node_network_* (the node_exporter compatibility families)
  kSelf,       // the exporter's own and the process metrics (not in this catalogue)
};
inline constexpr std::size_t kFamilyGroupCount = 6;

struct MetricDefinition {
  std::string_view name;
  MetricType type;
  std::string_view help;
  std::string_view extra_labels;  // comma-separated, for documentation ("" when none)
  void (*emit)(const InterfaceView& view, SampleWriter& out);
  // Set instead of `emit` for a source's extra counter (model/extra_counters.h): the family
  // mirrors that counter of each interface that carries it.
  const ExtraCounterDefinition* extra_counter = nullptr;
  // Set by InterfaceMetricCatalogue() from the part the row is declared in.
  FamilyGroup group = FamilyGroup::kCounters;
};

// The group of a family: netif_ethtool_* is kEthtool and node_network_* kCompat wherever they are
// declared; otherwise `definition.group` (an extra counter's is kCounters).
FamilyGroup GroupOf(const MetricDefinition& definition);

// The family of one extra counter: the counter's name, type and help.
MetricDefinition ExtraCounterFamily(const ExtraCounterDefinition& counter);

// The per-interface families in exposition order, assembled from the parts below.
std::span<const MetricDefinition> InterfaceMetricCatalogue();

// Parts, each in its own file so each family group is declared next to its kin.
std::span<const MetricDefinition> CounterMetricDefinitions();    // catalogue_counters.cc
std::span<const MetricDefinition> LinkMetricDefinitions();       // catalogue_link.cc
std::span<const MetricDefinition> AnalyticsMetricDefinitions();  // catalogue_analytics.cc

// node_exporter 1.5's netdev and netclass families (node_network_*) for local interfaces, which
// the renderer adds after the others when asked to (RenderOptions::node_exporter_compat).
std::span<const MetricDefinition> NodeExporterCompatDefinitions();  // catalogue_node_compat.cc

}  // namespace netif
