// Streaming anomaly detector for one scalar series (one per interface: total rx+tx bits/s).
//
// Each sample is moved to a signed log scale and compared with three forecasts:
//   - recent: a fast, robust level of the deseasonalized series plus the time-of-day offset;
//   - daily:  what this time of day (30 min slots) has looked like over the last few days;
//   - weekly: what this slot of the week (2 h slots) has looked like over the last few weeks.
// Each forecast measures its miss in its own noise units (mean absolute miss). A sample is
// surprising only by as much as the LEAST surprised forecast says, and only if they all miss in the
// same direction: a daily ramp is explained by the daily profile, a Saturday night by the weekly
// one, a slow drift by the recent level; what none of them explains is an anomaly.
//
// The decision: a surprise larger than `alarm_surprise` AND larger than every surprise of the
// last two to four days (routine bursts raise their own bar) alarms at once; a value beyond the
// range seen so far needs only `extreme_surprise`; a moderate surprise alarms when it persists for
// `sustained_seconds`. An alarm holds while the surprise stays above `release_surprise`
// (hysteresis); one that outlives `max_alarm_seconds` is taken as the new normal (the recent
// level jumps to it). Every constant is a duration or a number of noise units, never a number of
// samples, so the same defaults serve 10 s exporter samples and 5-60 min benchmark series.
// Measured quality and cost: bench/nab/README.md.
#ifndef NETIF_ANALYTICS_ANOMALY_DETECTOR_H_
#define NETIF_ANALYTICS_ANOMALY_DETECTOR_H_

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "util/byte_codec.h"

namespace netif {

struct AnomalySettings {
  // --- Value transform ---
  // Work on sign(v) * log(1 + |v|): rates span decades and a x2 jump should weigh the same at
  // 1 Mb/s and 1 Gb/s. The signed form is defined for any real (benchmark data can be negative)
  // and is close to linear near zero. Set false for series that are not magnitudes.
  bool log_transform = true;
  // Smallest noise unit, in transformed units (0.01 ~ a 1% change): keeps a flat line from
  // turning every rounding step into an infinite surprise.
  double min_noise = 0.01;
  // Minimum-traffic floor, in the series' own unit (the exporter: bits/s): a value below it is
  // judged and learned as the floor itself, so a near-idle interface (a veth carrying a few
  // packets of ARP and keepalives) is a flat line, not a series of x10 "spikes". A drop from well
  // above the floor to zero still shows as a drop to the floor. 0 = no floor (benchmark series
  // may be negative).
  double min_traffic = 0;

  // --- Learning time constants (seconds) ---
  // The recent level forgets in about an hour: slow enough to see a step as a step, fast
  // enough that a gradual drift is followed rather than flagged.
  double level_seconds = 60 * 60;
  // Noise units (mean absolute misses of each forecast) are averaged over about this long.
  double noise_seconds = 24 * 3600;
  // The daily profile remembers about three days, the weekly one about three weeks: enough to
  // outvote one odd day (or week), short enough to follow a slowly changing shape.
  double daily_profile_seconds = 3 * 24 * 3600;
  double weekly_profile_seconds = 21 * 24 * 3600;
  // The range of values seen so far shrinks back towards the middle with this time constant:
  // slowly, so that re-reaching a level seen weeks ago is not a "new" extreme.
  double range_seconds = 60 * 24 * 3600;
  // No verdict before this much time has been observed (the daily profile needs one full day).
  double warmup_seconds = 24 * 3600;

  // --- Decision (surprises in noise units, durations in seconds) ---
  double alarm_surprise = 6.0;      // raises an alarm on its own, in one sample
  double extreme_surprise = 2.5;    // enough, in one sample, for a value beyond the seen range
  double sustained_surprise = 3.5;  // raises an alarm once it has lasted `sustained_seconds`
  double sustained_seconds = 15 * 60;
  double release_surprise = 2.0;  // an alarm holds while the surprise stays above this
  // A surprise no larger than the largest one of the last one to two periods of this length is
  // not news: a series with routine bursts raises its own bar, and one incident alarms once.
  double surprise_memory_seconds = 2 * 24 * 3600;
  // An alarm that lasts this long is accepted as the new normal: the recent level jumps to the
  // current value and the alarm ends, so a level shift gives one bounded alarm.
  double max_alarm_seconds = 30 * 60;
  // Misses are clipped at this many noise units before they move a baseline (recent level,
  // profile slots), so an outlier moves it by a bounded amount. Noise units themselves learn the
  // full miss: a series with routine bursts gets wider units instead of endless alarms.
  double update_clip = 3.0;

  bool operator==(const AnomalySettings&) const = default;
};

struct AnomalyVerdict {
  double score = 0;    // 0..1; 0.5 is the single-sample alarm threshold
  bool spike = false;  // value abnormally high (ongoing anomaly, after persistence/hysteresis)
  bool drop = false;   // value abnormally low (e.g. traffic went quiet)
  bool anomalous() const { return spike || drop; }
};

namespace anomaly_internal {

inline constexpr int kDaySeconds = 24 * 3600;
inline constexpr int kWeekSeconds = 7 * kDaySeconds;

// The usual value of a series per slot of a repeating period (a day, a week): one exponentially
// weighted mean per slot, plus one mean absolute miss shared by all slots. A slot holds nothing
// until it is first visited. Memory is counted in time spent inside the slot, so "three periods"
// means the same at any sampling interval.
// The period is a template argument rather than a member: it is the same for every detector, and
// a member cost 8 bytes in each profile of each of 5,000 interfaces.
template <int kSlots, int kPeriodSeconds>
class SeasonalProfile {
 public:
  static constexpr double kPeriod = kPeriodSeconds;

  int SlotOf(double t) const;
  bool Has(int slot) const { return visited_[slot]; }
  double Value(int slot) const { return values_[slot]; }
  // Slot value minus the mean over visited slots: the shape, without the level.
  double Offset(int slot) const;
  double Mean() const {
    const std::size_t count = visited_.count();
    return count ? sum_ / static_cast<int>(count) : 0;
  }
  double noise() const { return noise_; }
  // Warm restart (analytics_state.cc): the visited slots' values only.
  void Save(ByteWriter& out) const;
  void Load(ByteReader& in);
  // Learns sample x that arrived dt seconds after the previous one.
  void Learn(int slot, double dt, double x, double memory_seconds, double noise_alpha, double clip,
             double min_noise);

 private:
  std::array<float, kSlots> values_{};
  std::bitset<kSlots> visited_;  // its count() is the number of visited slots
  double sum_ = 0;               // of values_ over visited slots
  double noise_ = 0;             // mean |x - slot value|
};

// The largest value seen over the last one to two periods, in O(1) memory: the maximum of the
// current period and of the one before it.
class SlidingPeak {
 public:
  double Get() const { return std::max(current_, previous_); }
  void Add(double t, double value, double period_seconds);
  void Save(ByteWriter& out) const;
  void Load(ByteReader& in);

 private:
  double current_ = 0, previous_ = 0;
  double period_start_ = 0;
  bool started_ = false;
};

}  // namespace anomaly_internal

// Thread-safety: REQUIRES external synchronization (one instance per interface).
// Deterministic: no clock reads, no randomness; sizeof < 1 KB (small fields are grouped so that
// padding is not paid again for every interface). The settings are shared, not copied (a copy
// per interface held the same bytes thousands of times); no other heap.
class AnomalyDetector {
 public:
  // The default settings (one immutable copy shared by every such detector).
  AnomalyDetector();
  // Allocates one shared copy of `settings`.
  explicit AnomalyDetector(const AnomalySettings& settings);
  // REQUIRES: settings is not null.
  explicit AnomalyDetector(std::shared_ptr<const AnomalySettings> settings);

  // One sample: `timestamp_seconds` is the sample time (monotonic or unix; only differences and
  // time-of-day are used: for time-of-day pass unix time), `value` is the observed quantity
  // (the exporter passes bits per second; NAB passes its values).
  AnomalyVerdict Observe(double timestamp_seconds, double value);

  // A sample is missing (counter reset/wrap or collection failure): never an anomaly.
  void MarkGap(double timestamp_seconds);

  // Shares another copy of the same settings (a config reload rebuilt them), keeping what the
  // detector learned. REQUIRES: *settings equals the current settings.
  void Rebind(std::shared_ptr<const AnomalySettings> settings) { settings_ = std::move(settings); }

  // Warm restart (analytics_state.cc): everything learned (all of it in unix time, so no shift).
  // The settings are not saved; the caller drops the state when they changed (`apply` false reads
  // and discards it).
  void Save(ByteWriter& out) const;
  bool Load(ByteReader& in, bool apply);

 private:
  enum class Direction : int8_t { kNone = 0, kUp = 1, kDown = -1 };

  // What the forecasts say about one transformed sample, before any state changes.
  struct Surprise {
    double combined = 0;        // signed; 0 unless every available forecast misses the same way
    bool has_profile = false;   // the daily profile knows this time of day
    bool beyond_range = false;  // outside the (slowly shrinking) range seen so far
  };

  double Transform(double value) const;
  Surprise Assess(double t, double x) const;
  // Runs the alarm state machine; sets *accept_new_normal when an alarm has outlived
  // max_alarm_seconds and the recent level should jump to the current value.
  Direction Decide(double t, const Surprise& s, double sustained, bool* accept_new_normal);
  void Learn(double t, double dt, double x, bool accept_new_normal);
  // Tracks the run of same-direction surprises above sustained_surprise; returns the run's
  // smallest surprise once it has lasted sustained_seconds, else 0.
  double SustainedSurprise(double t, double combined);
  static double ScoreOf(double surprise, double threshold);

  std::shared_ptr<const AnomalySettings> settings_;                               // never null
  anomaly_internal::SeasonalProfile<48, anomaly_internal::kDaySeconds> daily_;    // 30 min slots
  anomaly_internal::SeasonalProfile<84, anomaly_internal::kWeekSeconds> weekly_;  // 2 h slots

  // The one-byte fields together (the alarm state machine's directions below).
  bool started_ = false;
  Direction alarm_ = Direction::kNone;
  Direction run_ = Direction::kNone;  // the current run of surprises above sustained_surprise

  double first_time_ = 0;
  double last_time_ = 0;
  double level_ = 0;         // recent level of the deseasonalized (daily) series
  double recent_noise_ = 0;  // mean |miss| of the recent forecast
  double range_low_ = 0, range_high_ = 0;
  // The largest surprises of the last one to two memory periods: single samples, and runs that
  // lasted sustained_seconds (a run counts by its smallest surprise).
  anomaly_internal::SlidingPeak instant_peak_;
  anomaly_internal::SlidingPeak sustained_peak_;

  // Alarm state machine (its directions alarm_ and run_ are with the one-byte fields above).
  double alarm_since_ = 0;
  double run_since_ = 0;
  double run_min_ = 0;  // smallest |surprise| in the run so far
};

}  // namespace netif

#endif  // NETIF_ANALYTICS_ANOMALY_DETECTOR_H_
