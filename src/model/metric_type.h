// The Prometheus metric types this exporter serves, shared by the per-interface catalogue
// (exposition) and the self-metrics (telemetry), which both declare families by type. Untyped is
// only for values whose kind the exporter cannot know: a driver's statistics (ethtool -S) mix
// counters and gauges under names the driver chooses, as node_exporter serves them.
#pragma once

#include <string_view>

namespace netif {

enum class MetricType { kCounter, kGauge, kUntyped };

constexpr std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

}  // namespace netif
