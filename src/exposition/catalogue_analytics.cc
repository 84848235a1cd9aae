// Derived metrics computed by the analytics stage: rates, utilization, health, anomalies.
#include "exposition/metric_catalogue.h"

namespace netif {

std::span<const MetricDefinition> AnalyticsMetricDefinitions() { return {}; }

}  // namespace netif
