#include "exposition/metric_catalogue.h"

#include <vector>

namespace netif {

std::string_view MetricTypeName(MetricType type) {
  return type == MetricType::kCounter ? "counter" : "gauge";
}

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

}  // namespace netif
