// Per-interface analytics: turns consecutive samples of one interface into DerivedMetrics.
// The store owns one per interface and calls it with each sample's own timestamp, so the live
// exporter and offline replays run exactly the same code.
//
// The DerivedMetrics themselves are not kept here: the caller holds them and hands the previous
// result back with each sample (the store keeps them in the interface's published view, which
// otherwise held a second copy of the same metrics for every interface).
//
// Each sample goes through, in order (src/analytics/README.md has the formulas):
//   CounterTracker      deltas; 32-bit wraps accepted or rejected; resets detected and counted
//   rate.h              rates and utilization over the interval (monotonic seconds)
//   UtilizationWindows  average and peak utilization per window
//   HealthWindow        error and drop ratios over the health window, problem flags
//   AnomalyDetector     total bits/s at unix time (time of day matters); a gap on the first
//                       sample and on every reset, so neither can look like an anomaly
//   AsymmetricDetector  tx >> rx, sustained
// and the anomaly flags' transitions are recorded in DerivedMetrics::anomaly.started/ended for the
// store to report (analytics do no I/O).
//
// Cost: O(1) per sample and no allocation (the windows' rings are allocated once, here).
// Memory: MemoryBytes() (the anomaly detector is the largest part), plus the caller's
// DerivedMetrics, both paid once per interface; interface_analytics_test.cc holds the bounds.
//
// Thread-safety: REQUIRES external synchronization (the store's lock). Pure and deterministic: no
// clock reads, no I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "analytics/analytics_settings.h"
#include "analytics/anomaly_detector.h"
#include "analytics/asymmetric_detector.h"
#include "analytics/counter_tracker.h"
#include "analytics/health.h"
#include "analytics/utilization_windows.h"
#include "model/derived_metrics.h"
#include "model/interface_record.h"
#include "model/sample_time.h"

namespace netif {

struct RestoreOptions;  // analytics_state.h

class InterfaceAnalytics {
 public:
  // A null `settings` means the defaults.
  explicit InterfaceAnalytics(std::shared_ptr<const AnalyticsSettings> settings);

  // What the metrics are before the first sample: the windows and which detectors run.
  DerivedMetrics InitialDerived() const;

  // One new sample of the interface (counters and attributes as merged by the store). A sample
  // less than kMinIntervalSeconds after the previous one (monotonic) is ignored. A sample without
  // any tracked counter is a gap: the per-interval values go absent, the baseline stays.
  // `derived` is updated in place. REQUIRES: it is what the previous OnSample left in it, or
  // InitialDerived() before the first sample (it carries counts and anomaly state forward).
  void OnSample(const InterfaceRecord& record, const SampleTime& time, DerivedMetrics& derived);

  // New settings (a config reload), keeping all the state they leave meaningful: counter
  // baselines, counts and the detectors' learning always; a utilization window whose length is
  // still listed; the health buckets while the health window is unchanged. `derived` (the latest
  // metrics, as OnSample takes them) is updated to match: windows, which detectors run.
  void Reconfigure(std::shared_ptr<const AnalyticsSettings> settings, DerivedMetrics& derived);

  // Warm restart (analytics_state.h has the rules): Save writes every part's state and what of
  // `derived` is carried from sample to sample; Load, on an object fresh from the constructor,
  // restores them and rebuilds `derived` (the windows' and health's values from the restored
  // rings, the anomaly flags and counts; which kinds are enabled from the current settings).
  // False when the bytes are malformed: then discard this object and `derived`.
  void Save(ByteWriter& out, const DerivedMetrics& derived) const;
  bool Load(ByteReader& in, const RestoreOptions& options, DerivedMetrics& derived);

  // Bytes held for this interface: the object and what it allocated at construction.
  std::size_t MemoryBytes() const { return sizeof(*this) + windows_.HeapBytes(); }

 private:
  // Whether the anomaly detector runs on this interface (enabled, and its device class is among
  // anomaly_classes), decided at every sample: the class of a link can change (a driver binds).
  void SelectAnomaly(const InterfaceRecord& record, DerivedMetrics& derived);
  void OnGap(const SampleTime& time, DerivedMetrics& derived);
  void OnInterval(const InterfaceRecord& record, const SampleTime& time,
                  const CounterTracker::Result& step, std::optional<double> capacity_bps,
                  DerivedMetrics& derived);
  void ObserveTraffic(const SampleTime& time, double start, double end, DerivedMetrics& derived);
  void RefreshWindows(double now, DerivedMetrics& derived);
  static void SetAnomaly(AnomalyKind kind, bool active, AnomalyStatus& status);

  std::shared_ptr<const AnalyticsSettings> settings_;
  CounterTracker counters_;
  UtilizationWindows windows_;
  HealthWindow health_;
  AsymmetricDetector asymmetric_;
  AnomalyDetector anomaly_;
  bool anomaly_on_ = false;  // SelectAnomaly's verdict for the latest sample
};

}  // namespace netif
