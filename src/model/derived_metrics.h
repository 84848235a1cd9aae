// What the analytics stage derives for one interface from its consecutive samples: rates,
// utilization, health and anomaly verdicts. The store keeps the latest per interface; the
// exposition renders it. Absent values mean "not computable" (first sample, sample after a counter
// reset, unknown link capacity, no packets in the health window) and are never rendered.
//
// Compact on purpose (about 300 bytes): it is copied into every published InterfaceView, for every
// interface, on every sample. Formulas and edge cases: src/analytics/README.md.
//
// Thread-safety: plain value; no internal synchronization.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netif {

// An optional double in 8 bytes instead of std::optional's 16: absence is stored as NaN, which no
// analytic produces (every division is guarded and inputs are finite), so nothing is lost.
class MaybeDouble {
 public:
  constexpr MaybeDouble() = default;
  constexpr MaybeDouble(double value) : value_(value) {}  // NOLINT: implicit, like std::optional
  constexpr MaybeDouble(std::nullopt_t) {}                // NOLINT

  bool has_value() const { return !std::isnan(value_); }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: has_value().
  double operator*() const { return value_; }
  double value_or(double fallback) const { return has_value() ? value_ : fallback; }
  std::optional<double> get() const {
    return has_value() ? std::optional<double>(value_) : std::nullopt;
  }

  friend bool operator==(MaybeDouble a, MaybeDouble b) {
    return a.has_value() ? (b.has_value() && a.value_ == b.value_) : !b.has_value();
  }

 private:
  double value_ = std::numeric_limits<double>::quiet_NaN();
};

// One averaging window, named as the configuration spells it ("1m", "5m", "1h"): the name is the
// `window` label value.
struct AnalyticsWindow {
  std::string name;
  double seconds = 0;
  bool operator==(const AnalyticsWindow&) const = default;
};

inline constexpr std::size_t kMaxUtilizationWindows = 8;

// The windows every interface uses. One immutable instance is shared (by pointer) by the settings
// and every DerivedMetrics, so the exposition can label window series without the settings.
struct AnalyticsWindows {
  std::vector<AnalyticsWindow> utilization;  // at most kMaxUtilizationWindows, in config order
  AnalyticsWindow health;
  bool operator==(const AnalyticsWindows&) const = default;
};

// Per-second rates of one direction over the last sample interval; each absent when its counter
// is not reported.
struct DirectionRates {
  MaybeDouble bits_per_second;
  MaybeDouble packets_per_second;
  MaybeDouble errors_per_second;
  MaybeDouble drops_per_second;
  bool operator==(const DirectionRates&) const = default;
};

// Time-weighted average and peak of netif_utilization_ratio over one window; absent while the
// window holds no interval with a known capacity.
struct WindowUtilization {
  MaybeDouble average;
  MaybeDouble peak;
  bool operator==(const WindowUtilization&) const = default;
};

enum class AnomalyKind : uint8_t { kSpike, kDrop, kAsymmetric };
inline constexpr std::size_t kAnomalyKindCount = 3;
inline constexpr std::array<AnomalyKind, kAnomalyKindCount> kAnomalyKinds = {
    AnomalyKind::kSpike, AnomalyKind::kDrop, AnomalyKind::kAsymmetric};

// The `kind` label value: "spike", "drop", "asymmetric".
constexpr std::string_view AnomalyKindName(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kSpike:
      return "spike";
    case AnomalyKind::kDrop:
      return "drop";
    case AnomalyKind::kAsymmetric:
      return "asymmetric";
  }
  return "";
}

// A set of anomaly kinds in one byte.
class AnomalyKindSet {
 public:
  bool Has(AnomalyKind kind) const { return (bits_ & Bit(kind)) != 0; }
  void Set(AnomalyKind kind, bool on) {
    bits_ = static_cast<uint8_t>(on ? (bits_ | Bit(kind)) : (bits_ & ~Bit(kind)));
  }
  bool Empty() const { return bits_ == 0; }
  bool operator==(const AnomalyKindSet&) const = default;

 private:
  static constexpr uint8_t Bit(AnomalyKind kind) {
    return static_cast<uint8_t>(1u << static_cast<unsigned>(kind));
  }
  uint8_t bits_ = 0;
};

struct AnomalyStatus {
  AnomalyKindSet enabled;  // kinds whose detector runs; the exposition renders only these
  AnomalyKindSet active;   // kinds flagged now
  // Transitions made by the latest sample only, so the store can log each start and end once
  // while the analytics stay free of I/O.
  AnomalyKindSet started;
  AnomalyKindSet ended;
  std::array<uint64_t, kAnomalyKindCount> starts{};  // anomalies started, by kind, since creation
  MaybeDouble score;  // 0..1 from the anomaly detector; absent when disabled or before a verdict
  bool operator==(const AnomalyStatus&) const = default;
};

struct DerivedMetrics {
  // True once a sample with counters was seen: from then on the reset counter and the health
  // flags are rendered (a counter that starts at 0 rather than appearing at its first increment).
  bool has_counters = false;
  uint64_t counter_resets = 0;  // counter resets detected (and skipped) since creation

  // Rates over the last sample interval; absent on the first sample and on a reset.
  DirectionRates receive;
  DirectionRates transmit;

  // Utilization of the last interval against the link capacity; absent when it is unknown.
  MaybeDouble utilization;  // full (or unknown) duplex: max(rx, tx); half duplex: rx + tx
  MaybeDouble receive_utilization;
  MaybeDouble transmit_utilization;

  // Window names and lengths (shared, immutable); null until the first sample.
  std::shared_ptr<const AnalyticsWindows> windows;
  // The first windows->utilization.size() entries are meaningful.
  std::array<WindowUtilization, kMaxUtilizationWindows> window_utilization{};

  // Health over windows->health: errors (drops) / packets, rx and tx together.
  MaybeDouble error_ratio;  // absent when the window holds no packets
  MaybeDouble drop_ratio;
  bool error_problem = false;  // ratio above its threshold (or errors without any packet)
  bool drop_problem = false;

  AnomalyStatus anomaly;

  bool operator==(const DerivedMetrics&) const = default;
};

}  // namespace netif
