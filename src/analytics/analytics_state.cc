// Warm-restart state of every analytics class (the Save/Load members declared in each header) and
// the per-interface record of analytics_state.h. The layout is the storage file's (its version,
// src/storage/state_file.h, changes with it): fixed-width little-endian fields, no padding.
#include "analytics/analytics_state.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace netif {
namespace {

void SaveMaybe(ByteWriter& out, MaybeDouble v) {
  out.F64(v.has_value() ? *v : std::numeric_limits<double>::quiet_NaN());
}
MaybeDouble LoadMaybe(ByteReader& in) {
  const double v = in.F64();
  return std::isnan(v) ? MaybeDouble() : MaybeDouble(v);
}

void SaveRates(ByteWriter& out, const DirectionRates& rates) {
  SaveMaybe(out, rates.bits_per_second);
  SaveMaybe(out, rates.packets_per_second);
  SaveMaybe(out, rates.errors_per_second);
  SaveMaybe(out, rates.drops_per_second);
}
DirectionRates LoadRates(ByteReader& in) {
  DirectionRates rates;
  rates.bits_per_second = LoadMaybe(in);
  rates.packets_per_second = LoadMaybe(in);
  rates.errors_per_second = LoadMaybe(in);
  rates.drops_per_second = LoadMaybe(in);
  return rates;
}

uint8_t KindBits(AnomalyKindSet set) {
  uint8_t bits = 0;
  for (const AnomalyKind kind : kAnomalyKinds) {
    if (set.Has(kind)) bits = static_cast<uint8_t>(bits | (1u << static_cast<unsigned>(kind)));
  }
  return bits;
}
AnomalyKindSet KindSet(uint8_t bits) {
  AnomalyKindSet set;
  for (const AnomalyKind kind : kAnomalyKinds) {
    set.Set(kind, (bits & (1u << static_cast<unsigned>(kind))) != 0);
  }
  return set;
}

bool Finite(double v) { return std::isfinite(v); }

}  // namespace

// --- CounterTracker ---

void CounterTracker::Save(ByteWriter& out) const {
  for (const uint64_t v : previous_) out.U64(v);
  out.F64(previous_seconds_);
  out.U8(present_);
  out.U8(wraps32_);
  out.Bool(started_);
}

bool CounterTracker::Load(ByteReader& in, double monotonic_shift) {
  for (uint64_t& v : previous_) v = in.U64();
  previous_seconds_ = in.F64();
  present_ = in.U8();
  wraps32_ = in.U8();
  started_ = in.Bool();
  if (!Finite(previous_seconds_)) in.Fail();
  if (started_) previous_seconds_ += monotonic_shift;
  return in.ok();
}

// --- UtilizationWindows, HealthWindow ---

void UtilizationWindows::Save(ByteWriter& out) const {
  out.U8(static_cast<uint8_t>(windows_.size()));
  for (const Ring& ring : windows_) {
    ring.SaveState(out, [](ByteWriter& w, const Bucket& b) {
      w.F32(b.weighted_sum);
      w.F32(b.seconds);
      w.F32(b.peak);
    });
  }
}

bool UtilizationWindows::Load(ByteReader& in, double monotonic_shift) {
  const uint8_t count = in.U8();
  if (count > kMaxUtilizationWindows) in.Fail();
  std::array<bool, kMaxUtilizationWindows> restored{};
  const auto load_bucket = [](ByteReader& r) {
    Bucket b;
    b.weighted_sum = r.F32();
    b.seconds = r.F32();
    b.peak = r.F32();
    return b;
  };
  for (uint8_t i = 0; i < count && in.ok(); ++i) {
    const double width = Ring::ReadWidth(in);
    if (!(width > 0) || !Finite(width)) in.Fail();
    Ring* target = nullptr;
    for (std::size_t j = 0; j < windows_.size(); ++j) {
      if (!restored[j] && windows_[j].resolution_seconds() == width) {
        restored[j] = true;
        target = &windows_[j];
        break;
      }
    }
    if (target != nullptr) {
      target->LoadBody(in, monotonic_shift, load_bucket);
    } else {
      Ring scratch(1);  // a window no longer configured: read and dropped
      scratch.LoadBody(in, monotonic_shift, load_bucket);
    }
  }
  return in.ok();
}

void HealthWindow::Save(ByteWriter& out) const {
  ring_.SaveState(out, [](ByteWriter& w, const Bucket& b) {
    w.F32(b.packets);
    w.F32(b.errors);
    w.F32(b.drops);
  });
  out.Bool(packets_reported_);
  out.Bool(errors_reported_);
  out.Bool(drops_reported_);
}

bool HealthWindow::Load(ByteReader& in, double monotonic_shift) {
  const auto load_bucket = [](ByteReader& r) {
    Bucket b;
    b.packets = r.F32();
    b.errors = r.F32();
    b.drops = r.F32();
    return b;
  };
  const double width = decltype(ring_)::ReadWidth(in);
  if (width == ring_.resolution_seconds()) {
    ring_.LoadBody(in, monotonic_shift, load_bucket);
  } else {
    decltype(ring_) scratch(1);  // another health window: dropped, this one starts empty
    scratch.LoadBody(in, monotonic_shift, load_bucket);
  }
  packets_reported_ = in.Bool();
  errors_reported_ = in.Bool();
  drops_reported_ = in.Bool();
  return in.ok();
}

// --- AsymmetricDetector ---

void AsymmetricDetector::Save(ByteWriter& out) const {
  out.F64(pending_since_);
  out.Bool(active_);
}

bool AsymmetricDetector::Load(ByteReader& in, double monotonic_shift, bool apply) {
  const double pending_since = in.F64();
  const bool active = in.Bool();
  if (!Finite(pending_since)) in.Fail();
  if (!in.ok() || !apply) return in.ok();
  pending_since_ = pending_since == kNone ? kNone : pending_since + monotonic_shift;
  active_ = active;
  return true;
}

// --- AnomalyDetector ---

namespace anomaly_internal {

template <int kSlots, int kPeriodSeconds>
void SeasonalProfile<kSlots, kPeriodSeconds>::Save(ByteWriter& out) const {
  for (int word = 0; word * 64 < kSlots; ++word) {
    uint64_t bits = 0;
    for (int i = 0; i < 64 && word * 64 + i < kSlots; ++i) {
      if (visited_[word * 64 + i]) bits |= uint64_t{1} << i;
    }
    out.U64(bits);
  }
  for (int slot = 0; slot < kSlots; ++slot) {
    if (visited_[slot]) out.F32(values_[slot]);
  }
  out.F64(sum_);
  out.F64(noise_);
}

template <int kSlots, int kPeriodSeconds>
void SeasonalProfile<kSlots, kPeriodSeconds>::Load(ByteReader& in) {
  visited_.reset();
  for (int word = 0; word * 64 < kSlots; ++word) {
    const uint64_t bits = in.U64();
    for (int i = 0; i < 64; ++i) {
      if ((bits & (uint64_t{1} << i)) == 0) continue;
      if (word * 64 + i >= kSlots) {
        in.Fail();  // a slot this profile does not have
        break;
      }
      visited_[word * 64 + i] = true;
    }
  }
  values_ = {};
  for (int slot = 0; slot < kSlots; ++slot) {
    if (visited_[slot]) values_[slot] = in.F32();
  }
  sum_ = in.F64();
  noise_ = in.F64();
}

void SlidingPeak::Save(ByteWriter& out) const {
  out.F64(current_);
  out.F64(previous_);
  out.F64(period_start_);
  out.Bool(started_);
}

void SlidingPeak::Load(ByteReader& in) {
  current_ = in.F64();
  previous_ = in.F64();
  period_start_ = in.F64();
  started_ = in.Bool();
}

}  // namespace anomaly_internal

void AnomalyDetector::Save(ByteWriter& out) const {
  daily_.Save(out);
  weekly_.Save(out);
  out.Bool(started_);
  out.U8(static_cast<uint8_t>(alarm_));
  out.U8(static_cast<uint8_t>(run_));
  for (const double v : {first_time_, last_time_, level_, recent_noise_, range_low_, range_high_,
                         alarm_since_, run_since_, run_min_}) {
    out.F64(v);
  }
  instant_peak_.Save(out);
  sustained_peak_.Save(out);
}

bool AnomalyDetector::Load(ByteReader& in, bool apply) {
  AnomalyDetector loaded(settings_);  // shares the settings: no allocation
  loaded.daily_.Load(in);
  loaded.weekly_.Load(in);
  loaded.started_ = in.Bool();
  const auto direction = [&in](uint8_t byte) {
    const auto value = static_cast<int8_t>(byte);
    if (value < -1 || value > 1) in.Fail();
    return static_cast<Direction>(value);
  };
  loaded.alarm_ = direction(in.U8());
  loaded.run_ = direction(in.U8());
  for (double* v : {&loaded.first_time_, &loaded.last_time_, &loaded.level_, &loaded.recent_noise_,
                    &loaded.range_low_, &loaded.range_high_, &loaded.alarm_since_,
                    &loaded.run_since_, &loaded.run_min_}) {
    *v = in.F64();
  }
  loaded.instant_peak_.Load(in);
  loaded.sustained_peak_.Load(in);
  if (in.ok() && apply) *this = loaded;
  return in.ok();
}

// --- LinkStateTracker ---

void LinkStateTracker::Save(ByteWriter& out) const {
  out.Bool(last_.has_value());
  out.U8(last_ ? static_cast<uint8_t>(*last_) : 0);
  out.U64(history_.transitions_up);
  out.U64(history_.transitions_down);
  out.Bool(history_.last_change_unix_seconds.has_value());
  out.F64(history_.last_change_unix_seconds.value_or(0));
}

bool LinkStateTracker::Load(ByteReader& in) {
  const bool has_last = in.Bool();
  const uint8_t last = in.U8();
  if (last > static_cast<uint8_t>(OperState::kUp)) in.Fail();
  LinkHistory history;
  history.transitions_up = in.U64();
  history.transitions_down = in.U64();
  const bool has_change = in.Bool();
  const double change = in.F64();
  if (!in.ok()) return false;
  last_ = has_last ? std::optional<OperState>(static_cast<OperState>(last)) : std::nullopt;
  if (has_change) history.last_change_unix_seconds = change;
  history_ = history;
  return true;
}

// --- InterfaceAnalytics ---

void InterfaceAnalytics::Save(ByteWriter& out, const DerivedMetrics& derived) const {
  counters_.Save(out);
  windows_.Save(out);
  health_.Save(out);
  asymmetric_.Save(out);
  anomaly_.Save(out);
  // What of the derived metrics each sample carries forward (the rest is rebuilt on Load).
  out.Bool(derived.has_counters);
  out.U64(derived.counter_resets);
  SaveRates(out, derived.receive);
  SaveRates(out, derived.transmit);
  SaveMaybe(out, derived.utilization);
  SaveMaybe(out, derived.receive_utilization);
  SaveMaybe(out, derived.transmit_utilization);
  out.U8(KindBits(derived.anomaly.active));
  for (const uint64_t starts : derived.anomaly.starts) out.U64(starts);
  SaveMaybe(out, derived.anomaly.score);
}

bool InterfaceAnalytics::Load(ByteReader& in, const RestoreOptions& options,
                              DerivedMetrics& derived) {
  counters_.Load(in, options.monotonic_shift);
  windows_.Load(in, options.monotonic_shift);
  health_.Load(in, options.monotonic_shift);
  asymmetric_.Load(in, options.monotonic_shift, options.asymmetric);
  anomaly_.Load(in, options.anomaly);
  derived = InitialDerived();
  derived.has_counters = in.Bool();
  derived.counter_resets = in.U64();
  derived.receive = LoadRates(in);
  derived.transmit = LoadRates(in);
  derived.utilization = LoadMaybe(in);
  derived.receive_utilization = LoadMaybe(in);
  derived.transmit_utilization = LoadMaybe(in);
  const AnomalyKindSet active = KindSet(in.U8());
  for (uint64_t& starts : derived.anomaly.starts) starts = in.U64();
  const MaybeDouble score = LoadMaybe(in);
  if (!in.ok()) return false;
  // Flags only for the kinds that run now, and only from a detector that was restored (a fresh one
  // raises its own); the counts of starts are history and stay.
  for (const AnomalyKind kind : kAnomalyKinds) {
    const bool restored = kind == AnomalyKind::kAsymmetric ? options.asymmetric : options.anomaly;
    derived.anomaly.active.Set(kind,
                               active.Has(kind) && restored && derived.anomaly.enabled.Has(kind));
  }
  if (settings_->anomaly_enabled && options.anomaly) derived.anomaly.score = score;
  // The windows' and health's values over the restored rings, as the last sample left them.
  for (std::size_t i = 0; i < windows_.size(); ++i) derived.window_utilization[i] = windows_.Get(i);
  const HealthJudgement health = health_.Judge(settings_->health);
  derived.error_ratio = health.error_ratio;
  derived.drop_ratio = health.drop_ratio;
  derived.error_problem = health.error_problem;
  derived.drop_problem = health.drop_problem;
  return true;
}

// --- The per-interface record and the settings ---

double MonotonicShift(double saved_unix, double saved_monotonic, double now_unix,
                      double now_monotonic) {
  const double shift = (now_monotonic - now_unix) - (saved_monotonic - saved_unix);
  // Saved times past `now` would stall the counters (samples "before" their baseline).
  return std::min(shift, now_monotonic - saved_monotonic);
}

std::string EncodeAnalyticsSettings(const AnalyticsSettings& settings) {
  std::string anomaly;
  ByteWriter a(anomaly);
  const AnomalySettings& s = settings.anomaly;
  a.Bool(s.log_transform);
  for (const double v :
       {s.min_noise, s.level_seconds, s.noise_seconds, s.daily_profile_seconds,
        s.weekly_profile_seconds, s.range_seconds, s.warmup_seconds, s.alarm_surprise,
        s.extreme_surprise, s.sustained_surprise, s.sustained_seconds, s.release_surprise,
        s.surprise_memory_seconds, s.max_alarm_seconds, s.update_clip, s.min_traffic}) {
    a.F64(v);
  }
  std::string asymmetric;
  ByteWriter b(asymmetric);
  const AsymmetricSettings& t = settings.asymmetric;
  for (const double v : {t.ratio, t.min_bps, t.sustain_seconds, t.release_seconds}) b.F64(v);
  std::string out;
  ByteWriter w(out);
  w.String(anomaly);
  w.String(asymmetric);
  return out;
}

RestoreOptions CompareAnalyticsSettings(std::string_view saved, const AnalyticsSettings& current,
                                        double monotonic_shift) {
  const std::string now = EncodeAnalyticsSettings(current);
  ByteReader saved_reader(saved);
  ByteReader now_reader(now);
  const std::string_view saved_anomaly = saved_reader.String();
  const std::string_view saved_asymmetric = saved_reader.String();
  const bool ok = saved_reader.ok() && saved_reader.remaining() == 0;
  RestoreOptions options;
  options.monotonic_shift = monotonic_shift;
  options.anomaly = ok && saved_anomaly == now_reader.String();
  options.asymmetric = ok && saved_asymmetric == now_reader.String();
  return options;
}

void EncodeInterfaceState(const InterfaceAnalytics& analytics, const DerivedMetrics& derived,
                          const LinkStateTracker& link, std::string& out) {
  ByteWriter writer(out);
  analytics.Save(writer, derived);
  link.Save(writer);
}

bool DecodeInterfaceState(std::string_view bytes, const RestoreOptions& options,
                          InterfaceAnalytics& analytics, DerivedMetrics& derived,
                          LinkStateTracker& link) {
  ByteReader reader(bytes);
  if (!analytics.Load(reader, options, derived)) return false;
  if (!link.Load(reader)) return false;
  return reader.remaining() == 0;
}

}  // namespace netif
