#include "analytics/anomaly_detector.h"

#include <cmath>
#include <utility>

namespace netif {
namespace {

// Weight of a new sample in an exponentially weighted average that forgets with time constant
// `tau`, when `dt` seconds have passed since the previous sample: the same memory in time
// whatever the sampling interval.
double Alpha(double dt, double tau) {
  if (dt <= 0) return 0;
  if (tau <= 0) return 1;
  return -std::expm1(-dt / tau);
}

double Clamp(double v, double limit) { return std::clamp(v, -limit, limit); }

int Sign(double v) { return (v > 0) - (v < 0); }

// Folds one forecast's signed surprise into the running "least surprised" one: the result keeps
// a direction only while every forecast so far misses in that direction.
double LeastSurprise(double so_far, double next) {
  if (Sign(so_far) != Sign(next)) return 0;
  return std::fabs(next) < std::fabs(so_far) ? next : so_far;
}

}  // namespace

namespace anomaly_internal {

template <int kSlots, int kPeriodSeconds>
int SeasonalProfile<kSlots, kPeriodSeconds>::SlotOf(double t) const {
  double phase = std::fmod(t, kPeriod);
  if (phase < 0) phase += kPeriod;
  return std::clamp(static_cast<int>(phase / kPeriod * kSlots), 0, kSlots - 1);
}

template <int kSlots, int kPeriodSeconds>
double SeasonalProfile<kSlots, kPeriodSeconds>::Offset(int slot) const {
  return visited_[slot] ? values_[slot] - Mean() : 0;
}

template <int kSlots, int kPeriodSeconds>
void SeasonalProfile<kSlots, kPeriodSeconds>::Learn(int slot, double dt, double x,
                                                    double memory_seconds, double noise_alpha,
                                                    double clip, double min_noise) {
  if (!visited_[slot]) {
    visited_[slot] = true;
    values_[slot] = static_cast<float>(x);
    sum_ += values_[slot];
    return;
  }
  // A slot sees only its share of each period, so both the time credited to this sample and
  // the time constant are scaled to the slot: `memory_seconds` of calendar time.
  const double slot_seconds = kPeriod / kSlots;
  const double credited = std::min(dt, slot_seconds);
  const double slot_tau = memory_seconds / kPeriod * slot_seconds;
  const double noise = std::max(noise_, min_noise);
  const double miss = x - values_[slot];
  const float old = values_[slot];
  values_[slot] = static_cast<float>(old + Alpha(credited, slot_tau) * Clamp(miss, clip * noise));
  sum_ += values_[slot] - old;
  noise_ += noise_alpha * (std::fabs(miss) - noise_);
}

}  // namespace anomaly_internal

AnomalyDetector::AnomalyDetector()
    : AnomalyDetector([] {
        static const auto* const kDefaults =
            new std::shared_ptr<const AnomalySettings>(std::make_shared<const AnomalySettings>());
        return *kDefaults;
      }()) {}

AnomalyDetector::AnomalyDetector(const AnomalySettings& settings)
    : AnomalyDetector(std::make_shared<const AnomalySettings>(settings)) {}

AnomalyDetector::AnomalyDetector(std::shared_ptr<const AnomalySettings> settings)
    : settings_(std::move(settings)) {}

double AnomalyDetector::Transform(double value) const {
  if (!settings_->log_transform) return value;
  return std::copysign(std::log1p(std::fabs(value)), value);
}

double AnomalyDetector::ScoreOf(double surprise, double threshold) {
  // 0.5 exactly at the threshold, approaching 1 for much larger surprises.
  const double s2 = surprise * surprise;
  return s2 / (s2 + threshold * threshold);
}

AnomalyDetector::Surprise AnomalyDetector::Assess(double t, double x) const {
  const double floor = settings_->min_noise;
  Surprise s;
  const int day_slot = daily_.SlotOf(t);
  const double recent_forecast = level_ + daily_.Offset(day_slot);
  s.combined = (x - recent_forecast) / std::max(recent_noise_, floor);
  s.has_profile = daily_.Has(day_slot);
  if (s.has_profile) {
    // The usual value is whichever profile explains the sample better (a Saturday night may be
    // odd for the daily profile but ordinary for the weekly one).
    double usual = (x - daily_.Value(day_slot)) / std::max(daily_.noise(), floor);
    const int week_slot = weekly_.SlotOf(t);
    if (weekly_.Has(week_slot)) {
      const double weekly = (x - weekly_.Value(week_slot)) / std::max(weekly_.noise(), floor);
      usual = std::fabs(weekly) < std::fabs(usual) ? weekly : usual;
    }
    s.combined = LeastSurprise(s.combined, usual);
  }
  // A new extreme must clear the seen range by a tenth of its width (at least min_noise), so
  // the slow narrowing of the range alone does not make ordinary peaks look new.
  const double margin = std::max(floor, 0.1 * (range_high_ - range_low_));
  s.beyond_range = x > range_high_ + margin || x < range_low_ - margin;
  return s;
}

double AnomalyDetector::SustainedSurprise(double t, double combined) {
  const auto dir = static_cast<Direction>(Sign(combined));
  const double magnitude = std::fabs(combined);
  if (dir == Direction::kNone || magnitude < settings_->sustained_surprise) {
    run_ = Direction::kNone;
    return 0;
  }
  if (dir != run_) {
    run_ = dir;
    run_since_ = t;
    run_min_ = magnitude;
  }
  run_min_ = std::min(run_min_, magnitude);
  return t - run_since_ >= settings_->sustained_seconds ? run_min_ : 0;
}

AnomalyDetector::Direction AnomalyDetector::Decide(double t, const Surprise& s, double sustained,
                                                   bool* accept_new_normal) {
  *accept_new_normal = false;
  if (t - first_time_ < settings_->warmup_seconds) {
    alarm_ = Direction::kNone;
    return Direction::kNone;
  }
  const auto dir = static_cast<Direction>(Sign(s.combined));
  const double magnitude = std::fabs(s.combined);

  // Hysteresis: an ongoing alarm holds while the surprise keeps its direction and stays above
  // the (lower) release level, for at most max_alarm_seconds.
  if (alarm_ != Direction::kNone) {
    if (dir == alarm_ && magnitude >= settings_->release_surprise) {
      if (t - alarm_since_ < settings_->max_alarm_seconds) return alarm_;
      *accept_new_normal = true;
    }
    alarm_ = Direction::kNone;
    if (*accept_new_normal) return Direction::kNone;
  }
  if (dir == Direction::kNone) return Direction::kNone;

  // A new alarm needs a surprise above its fixed threshold and above the recent routine: the
  // largest comparable surprise of the last two to four days.
  const double instant_threshold = s.beyond_range
                                       ? settings_->extreme_surprise
                                       : std::max(settings_->alarm_surprise, instant_peak_.Get());
  const bool sustained_alarm = sustained > 0 && sustained > sustained_peak_.Get();
  if (magnitude >= instant_threshold || sustained_alarm) {
    alarm_ = dir;
    alarm_since_ = t;
  }
  return alarm_;
}

void AnomalyDetector::Learn(double t, double dt, double x, bool accept_new_normal) {
  const AnomalySettings& st = *settings_;
  const double clip = st.update_clip;
  // Until a time constant's worth of data has been seen, average over what has been seen, so
  // noise estimates settle within the warm-up instead of creeping up from zero.
  const double noise_alpha = Alpha(dt, std::min(st.noise_seconds, std::max(t - first_time_, dt)));

  // Recent level of the deseasonalized series.
  const int day_slot = daily_.SlotOf(t);
  const double offset = daily_.Offset(day_slot);
  const double recent_noise = std::max(recent_noise_, st.min_noise);
  const double miss = x - (level_ + offset);
  if (accept_new_normal) {
    level_ = x - offset;
  } else {
    level_ += Alpha(dt, st.level_seconds) * Clamp(miss, clip * recent_noise);
  }
  recent_noise_ += noise_alpha * (std::fabs(miss) - recent_noise_);

  daily_.Learn(day_slot, dt, x, st.daily_profile_seconds, noise_alpha, clip, st.min_noise);
  weekly_.Learn(weekly_.SlotOf(t), dt, x, st.weekly_profile_seconds, noise_alpha, clip,
                st.min_noise);

  // Range seen so far: widened at once by a new extreme, narrowed slowly towards the middle.
  const double middle = daily_.Mean();
  const double shrink = Alpha(dt, st.range_seconds);
  range_high_ = std::max(range_high_ - shrink * (range_high_ - middle), x);
  range_low_ = std::min(range_low_ - shrink * (range_low_ - middle), x);
}

namespace anomaly_internal {

void SlidingPeak::Add(double t, double value, double period_seconds) {
  if (!started_ || t - period_start_ >= period_seconds) {
    // A new period: the current one becomes the previous one, unless a whole period went by
    // without any value, in which case it is too old to keep.
    previous_ = started_ && t - period_start_ < 2 * period_seconds ? current_ : 0;
    current_ = 0;
    period_start_ = t;
    started_ = true;
  }
  current_ = std::max(current_, value);
}

}  // namespace anomaly_internal

AnomalyVerdict AnomalyDetector::Observe(double timestamp_seconds, double value) {
  if (!std::isfinite(timestamp_seconds) || !std::isfinite(value)) {
    MarkGap(timestamp_seconds);
    return {};
  }
  if (settings_->min_traffic > 0) value = std::max(value, settings_->min_traffic);
  const double x = Transform(value);
  if (!started_) {
    started_ = true;
    first_time_ = last_time_ = timestamp_seconds;
    level_ = range_low_ = range_high_ = x;
    Learn(timestamp_seconds, 0, x, false);
    return {};
  }
  // Out-of-order or repeated timestamps are judged but teach nothing (dt = 0).
  const double dt = std::max(timestamp_seconds - last_time_, 0.0);
  const double t = std::max(timestamp_seconds, last_time_);
  last_time_ = t;

  const Surprise s = Assess(t, x);
  const double sustained = SustainedSurprise(t, s.combined);
  bool accept_new_normal = false;
  const Direction alarm = Decide(t, s, sustained, &accept_new_normal);
  Learn(t, dt, x, accept_new_normal);
  if (s.has_profile) {
    // Surprises of the first day, before the profile knows the time of day, are not routine.
    instant_peak_.Add(t, std::fabs(s.combined), settings_->surprise_memory_seconds);
    sustained_peak_.Add(t, sustained, settings_->surprise_memory_seconds);
  }

  AnomalyVerdict verdict;
  if (t - first_time_ >= settings_->warmup_seconds) {
    verdict.score = ScoreOf(std::fabs(s.combined), s.beyond_range ? settings_->extreme_surprise
                                                                  : settings_->alarm_surprise);
  }
  verdict.spike = alarm == Direction::kUp;
  verdict.drop = alarm == Direction::kDown;
  return verdict;
}

void AnomalyDetector::MarkGap(double timestamp_seconds) {
  // The missing sample teaches nothing and judges nothing; only the clock moves on, so the next
  // sample is weighted for one interval, not for the whole time since the last good one.
  if (started_ && std::isfinite(timestamp_seconds)) {
    last_time_ = std::max(last_time_, timestamp_seconds);
  }
}

}  // namespace netif
