#include "exposition/metric_catalogue.h"

#include <vector>

namespace netif {

std::span<const MetricDefinition> InterfaceMetricCatalogue() {
  static const std::vector<MetricDefinition> catalogue = [] {
    struct Part {
      std::span<const MetricDefinition> definitions;
      FamilyGroup group;
    };
    std::vector<MetricDefinition> all;
    for (const Part& part : {Part{CounterMetricDefinitions(), FamilyGroup::kCounters},
                             Part{LinkMetricDefinitions(), FamilyGroup::kLink},
                             Part{AnalyticsMetricDefinitions(), FamilyGroup::kAnalytics}}) {
      for (MetricDefinition definition : part.definitions) {
        definition.group = part.group;
        all.push_back(definition);
      }
    }
    return all;
  }();
  return catalogue;
}

FamilyGroup GroupOf(const MetricDefinition& definition) {
  if (definition.name.starts_with("netif_ethtool_")) return FamilyGroup::kEthtool;
  if (definition.name.starts_with("node_network_")) return FamilyGroup::kCompat;
  return definition.group;
}

MetricDefinition ExtraCounterFamily(const ExtraCounterDefinition& counter) {
  return MetricDefinition{counter.name, counter.type, counter.help, "", nullptr, &counter};
}

}  // namespace netif
