// Derived metrics computed by the analytics stage: rates, utilization, health, anomalies.
// Formulas and edge cases: src/analytics/README.md. A value the analytics could not compute (first
// sample, sample after a counter reset, unknown capacity, no packets in the window) is left out,
// never rendered as 0.
#include <algorithm>

#include "exposition/metric_catalogue.h"

namespace netif {
namespace {

const DerivedMetrics& Derived(const InterfaceView& view) { return view.derived; }

void WriteIfKnown(MaybeDouble value, SampleWriter& out) {
  if (value) out.Write(*value);
}

template <MaybeDouble DerivedMetrics::*kValue>
void EmitValue(const InterfaceView& view, SampleWriter& out) {
  WriteIfKnown(Derived(view).*kValue, out);
}

template <DirectionRates DerivedMetrics::*kDirection, MaybeDouble DirectionRates::*kRate>
void EmitRate(const InterfaceView& view, SampleWriter& out) {
  WriteIfKnown(Derived(view).*kDirection.*kRate, out);
}

// The analytics work in bits/s, as link speeds are quoted; the exposition uses Prometheus' base
// unit, bytes (as netif_speed_bytes does), which promtool's lint insists on.
template <DirectionRates DerivedMetrics::*kDirection>
void EmitBytesPerSecond(const InterfaceView& view, SampleWriter& out) {
  if (const MaybeDouble bits = (Derived(view).*kDirection).bits_per_second) out.Write(*bits / 8);
}

void EmitStatsResets(const InterfaceView& view, SampleWriter& out) {
  if (Derived(view).has_counters) out.Write(Derived(view).counter_resets);
}

template <MaybeDouble WindowUtilization::*kStatistic>
void EmitWindowUtilization(const InterfaceView& view, SampleWriter& out) {
  const DerivedMetrics& d = Derived(view);
  if (!d.windows) return;
  const std::size_t count = std::min(d.windows->utilization.size(), kMaxUtilizationWindows);
  for (std::size_t i = 0; i < count; ++i) {
    if (const MaybeDouble value = d.window_utilization[i].*kStatistic) {
      out.Write({{"window", d.windows->utilization[i].name}}, *value);
    }
  }
}

template <MaybeDouble DerivedMetrics::*kRatio>
void EmitHealthRatio(const InterfaceView& view, SampleWriter& out) {
  const DerivedMetrics& d = Derived(view);
  if (d.windows && d.*kRatio) out.Write({{"window", d.windows->health.name}}, *(d.*kRatio));
}

void EmitHealthProblem(const InterfaceView& view, SampleWriter& out) {
  const DerivedMetrics& d = Derived(view);
  if (!d.has_counters) return;
  out.Write({{"kind", "errors"}}, uint64_t{d.error_problem});
  out.Write({{"kind", "drops"}}, uint64_t{d.drop_problem});
}

void EmitAnomaly(const InterfaceView& view, SampleWriter& out) {
  const DerivedMetrics& d = Derived(view);
  if (!d.has_counters) return;
  for (const AnomalyKind kind : kAnomalyKinds) {
    if (!d.anomaly.enabled.Has(kind)) continue;
    out.Write({{"kind", AnomalyKindName(kind)}}, uint64_t{d.anomaly.active.Has(kind)});
  }
}

void EmitAnomalyStarts(const InterfaceView& view, SampleWriter& out) {
  const DerivedMetrics& d = Derived(view);
  if (!d.has_counters) return;
  for (const AnomalyKind kind : kAnomalyKinds) {
    if (!d.anomaly.enabled.Has(kind)) continue;
    out.Write({{"kind", AnomalyKindName(kind)}}, d.anomaly.starts[static_cast<std::size_t>(kind)]);
  }
}

void EmitAnomalyScore(const InterfaceView& view, SampleWriter& out) {
  WriteIfKnown(Derived(view).anomaly.score, out);
}

constexpr auto kReceive = &DerivedMetrics::receive;
constexpr auto kTransmit = &DerivedMetrics::transmit;
constexpr auto kPackets = &DirectionRates::packets_per_second;
constexpr auto kErrors = &DirectionRates::errors_per_second;
constexpr auto kDrops = &DirectionRates::drops_per_second;

constexpr MetricDefinition kAnalyticsMetrics[] = {
    // Not "counter_resets": promtool's lint refuses a type name inside a metric name.
    {"netif_stats_resets_total", MetricType::kCounter,
     "Resets of the interface's counters detected (a counter went down: driver reload, interface "
     "re-created, device reboot); the interval of each was skipped.",
     "", EmitStatsResets},
    {"netif_receive_bytes_per_second", MetricType::kGauge,
     "Bytes received per second over the last sample interval.", "", EmitBytesPerSecond<kReceive>},
    {"netif_transmit_bytes_per_second", MetricType::kGauge,
     "Bytes transmitted per second over the last sample interval.", "",
     EmitBytesPerSecond<kTransmit>},
    {"netif_receive_packets_per_second", MetricType::kGauge,
     "Packets received per second over the last sample interval.", "",
     EmitRate<kReceive, kPackets>},
    {"netif_transmit_packets_per_second", MetricType::kGauge,
     "Packets transmitted per second over the last sample interval.", "",
     EmitRate<kTransmit, kPackets>},
    {"netif_receive_errors_per_second", MetricType::kGauge,
     "Receive errors per second over the last sample interval.", "", EmitRate<kReceive, kErrors>},
    {"netif_transmit_errors_per_second", MetricType::kGauge,
     "Transmit errors per second over the last sample interval.", "", EmitRate<kTransmit, kErrors>},
    {"netif_receive_drops_per_second", MetricType::kGauge,
     "Received packets dropped per second over the last sample interval.", "",
     EmitRate<kReceive, kDrops>},
    {"netif_transmit_drops_per_second", MetricType::kGauge,
     "Packets dropped on transmit per second over the last sample interval.", "",
     EmitRate<kTransmit, kDrops>},
    {"netif_utilization_ratio", MetricType::kGauge,
     "Link utilization over the last sample interval: max(rx, tx) / capacity on full or unknown "
     "duplex, (rx + tx) / capacity on half duplex; absent when the capacity is unknown.",
     "", EmitValue<&DerivedMetrics::utilization>},
    {"netif_receive_utilization_ratio", MetricType::kGauge,
     "Received bits per second / link capacity over the last sample interval.", "",
     EmitValue<&DerivedMetrics::receive_utilization>},
    {"netif_transmit_utilization_ratio", MetricType::kGauge,
     "Transmitted bits per second / link capacity over the last sample interval.", "",
     EmitValue<&DerivedMetrics::transmit_utilization>},
    {"netif_utilization_average_ratio", MetricType::kGauge,
     "Time-weighted average of netif_utilization_ratio over the window (resolution window/12).",
     "window", EmitWindowUtilization<&WindowUtilization::average>},
    {"netif_utilization_peak_ratio", MetricType::kGauge,
     "Highest netif_utilization_ratio of a sample interval within the window (resolution "
     "window/12).",
     "window", EmitWindowUtilization<&WindowUtilization::peak>},
    {"netif_error_ratio", MetricType::kGauge,
     "(rx + tx errors) / (rx + tx packets) over the health window; absent without packets.",
     "window", EmitHealthRatio<&DerivedMetrics::error_ratio>},
    {"netif_drop_ratio", MetricType::kGauge,
     "(rx + tx drops) / (rx + tx packets) over the health window; absent without packets.",
     "window", EmitHealthRatio<&DerivedMetrics::drop_ratio>},
    {"netif_health_problem", MetricType::kGauge,
     "1 if the error (drop) ratio over the health window is above its threshold, or errors "
     "(drops) occurred without any packet.",
     "kind", EmitHealthProblem},
    {"netif_anomaly_score", MetricType::kGauge,
     "How unusual total (rx + tx) traffic is for this interface and time of day, 0..1.", "",
     EmitAnomalyScore},
    {"netif_anomaly", MetricType::kGauge,
     "1 while an anomaly of this kind is ongoing: spike or drop of total traffic, or sustained "
     "asymmetric traffic (tx far above rx).",
     "kind", EmitAnomaly},
    {"netif_anomalies_total", MetricType::kCounter, "Anomalies started, by kind.", "kind",
     EmitAnomalyStarts},
};

}  // namespace

std::span<const MetricDefinition> AnalyticsMetricDefinitions() { return kAnalyticsMetrics; }

}  // namespace netif
