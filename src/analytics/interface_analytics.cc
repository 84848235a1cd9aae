#include "analytics/interface_analytics.h"

#include <utility>

#include "analytics/rate.h"

namespace netif {
namespace {

std::shared_ptr<const AnalyticsSettings> OrDefaults(
    std::shared_ptr<const AnalyticsSettings> settings) {
  if (!settings) return std::make_shared<const AnalyticsSettings>();
  if (!settings->windows) {
    auto fixed = std::make_shared<AnalyticsSettings>(*settings);
    fixed->windows = DefaultAnalyticsWindows();
    return fixed;
  }
  return settings;
}

}  // namespace

InterfaceAnalytics::InterfaceAnalytics(std::shared_ptr<const AnalyticsSettings> settings)
    : settings_(OrDefaults(std::move(settings))),
      windows_(settings_->windows->utilization),
      health_(settings_->windows->health.seconds),
      anomaly_(std::shared_ptr<const AnomalySettings>(settings_, &settings_->anomaly)) {}

DerivedMetrics InterfaceAnalytics::InitialDerived() const {
  DerivedMetrics derived;
  derived.windows = settings_->windows;
  derived.anomaly.enabled.Set(AnomalyKind::kSpike, settings_->anomaly_enabled);
  derived.anomaly.enabled.Set(AnomalyKind::kDrop, settings_->anomaly_enabled);
  derived.anomaly.enabled.Set(AnomalyKind::kAsymmetric, settings_->asymmetric.enabled);
  return derived;
}

void InterfaceAnalytics::OnSample(const InterfaceRecord& record, const SampleTime& time,
                                  DerivedMetrics& derived) {
  derived.anomaly.started = {};
  derived.anomaly.ended = {};
  SelectAnomaly(record, derived);
  const std::optional<double> capacity =
      CapacityBps(settings_->capacity_bps, record.name, record.attributes);
  const CounterTracker::Result step =
      counters_.Update(record.counters, time.monotonic_seconds, capacity);
  switch (step.outcome) {
    case CounterTracker::Outcome::kTooSoon:
      return;
    case CounterTracker::Outcome::kNoCounters:
      // The source stopped reporting counters: old rates must not linger as if current.
      if (!derived.has_counters) return;
      OnGap(time, derived);
      break;
    case CounterTracker::Outcome::kReset:
      ++derived.counter_resets;
      OnGap(time, derived);
      break;
    case CounterTracker::Outcome::kFirst:
      derived.has_counters = true;
      OnGap(time, derived);
      break;
    case CounterTracker::Outcome::kDeltas:
      OnInterval(record, time, step, capacity, derived);
      break;
  }
  RefreshWindows(time.monotonic_seconds, derived);
}

void InterfaceAnalytics::Reconfigure(std::shared_ptr<const AnalyticsSettings> settings,
                                     DerivedMetrics& derived) {
  const std::shared_ptr<const AnalyticsSettings> old =
      std::exchange(settings_, OrDefaults(std::move(settings)));
  const AnalyticsWindows& was = *old->windows;
  const AnalyticsWindows& now = *settings_->windows;
  if (was.utilization != now.utilization) {
    windows_.Rewindow(was.utilization, now.utilization);
    derived.window_utilization = {};
    for (std::size_t i = 0; i < windows_.size(); ++i)
      derived.window_utilization[i] = windows_.Get(i);
  }
  if (was.health != now.health) health_ = HealthWindow(now.health.seconds);
  // The detector shares its settings with the analytics' (an aliasing pointer); what it learned
  // stays valid only for the same settings.
  if (old->anomaly == settings_->anomaly) {
    anomaly_.Rebind(std::shared_ptr<const AnomalySettings>(settings_, &settings_->anomaly));
  } else {
    anomaly_ =
        AnomalyDetector(std::shared_ptr<const AnomalySettings>(settings_, &settings_->anomaly));
  }
  if (!(old->asymmetric == settings_->asymmetric)) asymmetric_.MarkGap();
  derived.windows = settings_->windows;
  // A detector turned off ends its open anomalies (reported like any other end).
  if (!settings_->anomaly_enabled) {
    SetAnomaly(AnomalyKind::kSpike, false, derived.anomaly);
    SetAnomaly(AnomalyKind::kDrop, false, derived.anomaly);
    derived.anomaly.score = std::nullopt;
  }
  if (!settings_->asymmetric.enabled) SetAnomaly(AnomalyKind::kAsymmetric, false, derived.anomaly);
  // Until the next sample says the class, the detector runs where it ran before.
  anomaly_on_ = anomaly_on_ && settings_->anomaly_enabled;
  derived.anomaly.enabled.Set(AnomalyKind::kSpike, anomaly_on_);
  derived.anomaly.enabled.Set(AnomalyKind::kDrop, anomaly_on_);
  derived.anomaly.enabled.Set(AnomalyKind::kAsymmetric, settings_->asymmetric.enabled);
}

void InterfaceAnalytics::SelectAnomaly(const InterfaceRecord& record, DerivedMetrics& derived) {
  const bool on = settings_->anomaly_enabled &&
                  (settings_->anomaly_classes & MaskOf(ClassifyDevice(record))) != 0;
  if (!on) {
    // Ends open anomalies of a detector that stopped running (reported like any other end).
    derived.anomaly.score = std::nullopt;
    SetAnomaly(AnomalyKind::kSpike, false, derived.anomaly);
    SetAnomaly(AnomalyKind::kDrop, false, derived.anomaly);
  }
  anomaly_on_ = on;
  derived.anomaly.enabled.Set(AnomalyKind::kSpike, on);
  derived.anomaly.enabled.Set(AnomalyKind::kDrop, on);
}

// No interval to measure: the per-interval values go absent and the detectors are told that this
// sample is missing, so neither a reset nor the first sample can look like an anomaly.
void InterfaceAnalytics::OnGap(const SampleTime& time, DerivedMetrics& derived) {
  derived.receive = {};
  derived.transmit = {};
  derived.utilization = std::nullopt;
  derived.receive_utilization = std::nullopt;
  derived.transmit_utilization = std::nullopt;
  if (anomaly_on_) anomaly_.MarkGap(time.unix_seconds);
  asymmetric_.MarkGap();
}

void InterfaceAnalytics::OnInterval(const InterfaceRecord& record, const SampleTime& time,
                                    const CounterTracker::Result& step,
                                    std::optional<double> capacity_bps, DerivedMetrics& derived) {
  const double start = step.start_seconds;
  const double end = step.end_seconds;
  const double seconds = end - start;
  derived.receive = RatesOf(step.deltas, Direction::kReceive, seconds);
  derived.transmit = RatesOf(step.deltas, Direction::kTransmit, seconds);
  const Utilization utilization =
      UtilizationOf(derived.receive.bits_per_second, derived.transmit.bits_per_second, capacity_bps,
                    record.attributes.duplex);
  derived.utilization = utilization.combined;
  derived.receive_utilization = utilization.receive;
  derived.transmit_utilization = utilization.transmit;

  windows_.AdvanceTo(end);
  health_.AdvanceTo(end);
  if (utilization.combined) windows_.Add(start, end, *utilization.combined);
  health_.Add(start, end, step.deltas);
  ObserveTraffic(time, start, end, derived);
}

void InterfaceAnalytics::ObserveTraffic(const SampleTime& time, double start, double end,
                                        DerivedMetrics& derived) {
  const MaybeDouble rx = derived.receive.bits_per_second;
  const MaybeDouble tx = derived.transmit.bits_per_second;
  if (anomaly_on_) {
    if (rx || tx) {
      const AnomalyVerdict verdict =
          anomaly_.Observe(time.unix_seconds, rx.value_or(0) + tx.value_or(0));
      derived.anomaly.score = verdict.score;
      SetAnomaly(AnomalyKind::kSpike, verdict.spike, derived.anomaly);
      SetAnomaly(AnomalyKind::kDrop, verdict.drop, derived.anomaly);
    } else {
      anomaly_.MarkGap(time.unix_seconds);
    }
  }
  if (settings_->asymmetric.enabled) {
    if (rx && tx) {
      SetAnomaly(AnomalyKind::kAsymmetric,
                 asymmetric_.Observe(start, end, *rx, *tx, settings_->asymmetric), derived.anomaly);
    } else {
      asymmetric_.MarkGap();
    }
  }
}

void InterfaceAnalytics::RefreshWindows(double now, DerivedMetrics& derived) {
  windows_.AdvanceTo(now);
  health_.AdvanceTo(now);
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    derived.window_utilization[i] = windows_.Get(i);
  }
  const HealthJudgement health = health_.Judge(settings_->health);
  derived.error_ratio = health.error_ratio;
  derived.drop_ratio = health.drop_ratio;
  derived.error_problem = health.error_problem;
  derived.drop_problem = health.drop_problem;
}

void InterfaceAnalytics::SetAnomaly(AnomalyKind kind, bool active, AnomalyStatus& status) {
  if (status.active.Has(kind) == active) return;
  status.active.Set(kind, active);
  if (active) {
    status.started.Set(kind, true);
    ++status.starts[static_cast<std::size_t>(kind)];
  } else {
    status.ended.Set(kind, true);
  }
}

}  // namespace netif
