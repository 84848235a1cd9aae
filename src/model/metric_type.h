// The two Prometheus metric types this exporter serves, shared by the per-interface catalogue
// (exposition) and the self-metrics (telemetry), which both declare families by type.
#pragma once

#include <string_view>

namespace netif {

enum class MetricType { kCounter, kGauge };

constexpr std::string_view MetricTypeName(MetricType type) {
  return type == MetricType::kCounter ? "counter" : "gauge";
}

}  // namespace netif
