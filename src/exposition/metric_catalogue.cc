#include "exposition/metric_catalogue.h"

#include <vector>

namespace netif {

std::span<const MetricDefinition> InterfaceMetricCatalogue() {
  static const std::vector<MetricDefinition> catalogue = [] {
    std::vector<MetricDefinition> all;
    for (auto part :
         {CounterMetricDefinitions(), LinkMetricDefinitions(), AnalyticsMetricDefinitions()}) {
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return catalogue;
}

MetricDefinition ExtraCounterFamily(const ExtraCounterDefinition& counter) {
  return MetricDefinition{counter.name, counter.type, counter.help, "", nullptr, &counter};
}

}  // namespace netif
