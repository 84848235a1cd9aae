// What the analytics stage derives for one interface from its consecutive samples: rates,
// utilization, health and anomaly verdicts. The store keeps the latest per interface; the
// exposition renders it. Empty optionals mean "not computable yet" (first sample, unknown speed).
//
// Thread-safety: plain value; no internal synchronization.
#pragma once

#include <cstdint>
#include <optional>

namespace netif {

struct DerivedMetrics {
  // Filled in by the analytics stage (issue 4).
  bool operator==(const DerivedMetrics&) const = default;
};

}  // namespace netif
