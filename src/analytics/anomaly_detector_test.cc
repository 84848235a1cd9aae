#include "analytics/anomaly_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

namespace netif {
namespace {

constexpr double kStep = 10;  // the exporter's sampling interval in these tests, seconds
constexpr double kDay = 24 * 3600;
constexpr double kStart = 19675 * kDay;  // a unix midnight (2023-11-14): time of day matters

// Total rx+tx bits/s of a busy interface: a daily swing of +-50% around 100 Mb/s (peak in the
// afternoon), with mild multiplicative noise from a fixed-seed PRNG.
class Traffic {
 public:
  explicit Traffic(double noise = 0.02) : noise_(0, noise) {}
  double At(double t) {
    const double phase = 2 * std::numbers::pi * std::fmod(t, kDay) / kDay;
    return 1e8 * (1 + 0.5 * std::sin(phase - std::numbers::pi / 2)) * (1 + noise_(rng_));
  }

 private:
  std::mt19937_64 rng_{12345};
  std::normal_distribution<double> noise_;
};

struct Counts {
  int anomalous = 0;
  int spikes = 0;
  int drops = 0;
};

// Feeds samples every kStep seconds in [from, to) and counts the verdicts.
template <typename ValueAt>
Counts Feed(AnomalyDetector& detector, double from, double to, ValueAt value_at) {
  Counts counts;
  for (double t = from; t < to; t += kStep) {
    const AnomalyVerdict v = detector.Observe(t, value_at(t));
    EXPECT_GE(v.score, 0.0);
    EXPECT_LE(v.score, 1.0);
    counts.anomalous += v.anomalous();
    counts.spikes += v.spike;
    counts.drops += v.drop;
  }
  return counts;
}

// A detector that has seen `days` of clean traffic, and the time of its next sample.
class WarmedUp : public ::testing::Test {
 protected:
  void SetUp() override {
    const Counts warmup = Feed(detector_, kStart, now_, [&](double t) { return traffic_.At(t); });
    ASSERT_EQ(warmup.anomalous, 0) << "clean warm-up traffic raised an alarm";
  }

  Traffic traffic_;
  AnomalyDetector detector_;
  double now_ = kStart + 3 * kDay + 14 * 3600;  // three days of warm-up, then mid-afternoon
};

TEST(AnomalyDetectorTest, FitsInOneKilobyteWithoutHeap) {
  static_assert(sizeof(AnomalyDetector) < 1024);
  EXPECT_LT(sizeof(AnomalyDetector), 1024u);
}

TEST_F(WarmedUp, TenfoldSpikeIsFlaggedOnItsFirstSample) {
  const AnomalyVerdict v = detector_.Observe(now_, 10 * traffic_.At(now_));
  EXPECT_TRUE(v.spike);
  EXPECT_FALSE(v.drop);
  EXPECT_GT(v.score, 0.5);
}

TEST_F(WarmedUp, DropToZeroIsFlaggedWithinTwoSamples) {
  const AnomalyVerdict first = detector_.Observe(now_, 0);
  const AnomalyVerdict second = detector_.Observe(now_ + kStep, 0);
  EXPECT_TRUE(first.drop || second.drop);
  EXPECT_FALSE(first.spike || second.spike);
}

TEST_F(WarmedUp, SustainedFiftyPercentLevelShiftIsFlaggedWithinThirtyMinutes) {
  double flagged_after = -1;
  for (double t = now_; t < now_ + 1800; t += kStep) {
    if (detector_.Observe(t, 1.5 * traffic_.At(t)).spike) {
      flagged_after = t - now_;
      break;
    }
  }
  EXPECT_GE(flagged_after, 0) << "a +50% shift was not flagged within 30 minutes";
}

TEST_F(WarmedUp, ShiftedLevelIsEventuallyAcceptedAsNormal) {
  // One incident, one alarm: a lasting +50% shift must not alarm for ever.
  Feed(detector_, now_, now_ + 3600, [&](double t) { return 1.5 * traffic_.At(t); });
  const Counts later =
      Feed(detector_, now_ + 3600, now_ + 3 * 3600, [&](double t) { return 1.5 * traffic_.At(t); });
  EXPECT_EQ(later.anomalous, 0);
}

TEST_F(WarmedUp, CounterWrapsAndResetsReportedAsGapsRaiseNothing) {
  // The exporter calls MarkGap instead of Observe when a counter wrapped or reset: the rate for
  // that interval is unknown. Single gaps, and a five-minute stretch of them, every hour.
  Counts counts;
  for (double t = now_; t < now_ + 12 * 3600; t += kStep) {
    const double into_hour = std::fmod(t - now_, 3600);
    if (into_hour == 0 || into_hour == 1200 || (into_hour >= 2400 && into_hour < 2700)) {
      detector_.MarkGap(t);
      continue;
    }
    const AnomalyVerdict v = detector_.Observe(t, traffic_.At(t));
    counts.anomalous += v.anomalous();
  }
  EXPECT_EQ(counts.anomalous, 0);
  // And the detector still works afterwards.
  EXPECT_TRUE(detector_.Observe(now_ + 12 * 3600, 10 * traffic_.At(now_)).spike);
}

TEST_F(WarmedUp, NonFiniteValueIsAGapNotAnAnomaly) {
  EXPECT_FALSE(detector_.Observe(now_, std::numeric_limits<double>::quiet_NaN()).anomalous());
  EXPECT_FALSE(
      detector_.Observe(now_ + kStep, std::numeric_limits<double>::infinity()).anomalous());
  EXPECT_FALSE(detector_.Observe(now_ + 2 * kStep, traffic_.At(now_ + 2 * kStep)).anomalous());
}

TEST(AnomalyDetectorTest, FlatLineRaisesNothingOverDays) {
  AnomalyDetector detector;
  const Counts counts = Feed(detector, kStart, kStart + 5 * kDay, [](double) { return 4.2e7; });
  EXPECT_EQ(counts.anomalous, 0);
  // The flat line was learned, not ignored: leaving it is noticed.
  EXPECT_TRUE(detector.Observe(kStart + 5 * kDay, 4.2e8).spike);
}

TEST(AnomalyDetectorTest, CleanDailyPatternRaisesNothingOverAWeek) {
  AnomalyDetector detector;
  Traffic traffic;
  const Counts counts =
      Feed(detector, kStart, kStart + 7 * kDay, [&](double t) { return traffic.At(t); });
  EXPECT_EQ(counts.anomalous, 0);
  // The pattern was learned: the usual evening trough is fine, but an afternoon at trough
  // level is a drop.
  const double afternoon = kStart + 7 * kDay + 14 * 3600;
  Feed(detector, kStart + 7 * kDay, afternoon, [&](double t) { return traffic.At(t); });
  bool dropped = false;
  for (double t = afternoon; t < afternoon + 1800; t += kStep)
    dropped |= detector.Observe(t, 5e7).drop;
  EXPECT_TRUE(dropped);
}

TEST(AnomalyDetectorTest, NothingIsFlaggedDuringWarmUp) {
  AnomalyDetector detector;
  Traffic traffic;
  // Wild swings in the first hours: no baseline yet, so no verdict.
  const Counts counts = Feed(detector, kStart, kStart + 6 * 3600, [&](double t) {
    return std::fmod(t, 600) < 300 ? traffic.At(t) : 20 * traffic.At(t);
  });
  EXPECT_EQ(counts.anomalous, 0);
}

TEST(AnomalyDetectorTest, IsDeterministic) {
  AnomalyDetector a, b;
  Traffic ta, tb;
  for (double t = kStart; t < kStart + 2 * kDay; t += kStep) {
    const double va = ta.At(t), vb = tb.At(t);
    const double spike = std::fmod(t, 7919) < kStep ? 8 : 1;  // occasional bursts
    const AnomalyVerdict x = a.Observe(t, va * spike), y = b.Observe(t, vb * spike);
    ASSERT_EQ(x.score, y.score);
    ASSERT_EQ(x.spike, y.spike);
    ASSERT_EQ(x.drop, y.drop);
  }
}

TEST(AnomalyDetectorTest, WorksOnNegativeValuesWithoutLogTransform) {
  AnomalySettings settings;
  settings.log_transform = false;
  settings.min_noise = 0.1;
  AnomalyDetector detector(settings);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  const double step = 300;  // 5-minute samples, like the NAB benchmark
  int anomalous = 0;
  for (double t = kStart; t < kStart + 4 * kDay; t += step) {
    anomalous += detector.Observe(t, -20 + noise(rng)).anomalous();
  }
  EXPECT_EQ(anomalous, 0);
  EXPECT_TRUE(detector.Observe(kStart + 4 * kDay, -60).drop);
}

// --- One test per incident kind of bench/nab/synth_traffic.py, on the warmed-up busy interface:
// how many samples (of 10 s) until the first flag, or -1 when none within `limit` samples.
template <typename ValueAt>
int SamplesToFlag(AnomalyDetector& detector, double from, int limit, ValueAt value_at,
                  bool want_spike) {
  for (int i = 0; i < limit; ++i) {
    const double t = from + i * kStep;
    const AnomalyVerdict v = detector.Observe(t, value_at(t));
    if (want_spike ? v.spike : v.drop) return i;
  }
  return -1;
}

TEST_F(WarmedUp, SaturationIsFlaggedAtOnce) {
  // The link fills up: flat at 8x the usual afternoon traffic.
  const double capacity = 8 * 1.5e8;
  const int after = SamplesToFlag(
      detector_, now_, 30, [&](double) { return capacity; }, true);
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 2);
}

TEST_F(WarmedUp, TrafficLossToAFewPercentIsFlaggedWithinTwoSamples) {
  const int after = SamplesToFlag(
      detector_, now_, 30, [&](double t) { return 0.03 * traffic_.At(t); }, false);
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 2);
}

TEST_F(WarmedUp, StepUpIsFlaggedWithinTwoSamples) {
  const int after = SamplesToFlag(
      detector_, now_, 30, [&](double t) { return 3 * traffic_.At(t); }, true);
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 2);
}

TEST_F(WarmedUp, StepDownIsFlaggedWithinTwoSamples) {
  const int after = SamplesToFlag(
      detector_, now_, 30, [&](double t) { return 0.3 * traffic_.At(t); }, false);
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 2);
}

TEST_F(WarmedUp, SlowLeakIsFlaggedBeforeItsRampEnds) {
  // Traffic grows steadily to 4x over six hours (a leak, a runaway retry loop).
  const double ramp = 6 * 3600;
  const int after = SamplesToFlag(
      detector_, now_, static_cast<int>(ramp / kStep),
      [&](double t) { return traffic_.At(t) * (1 + 3 * (t - now_) / ramp); }, true);
  EXPECT_GE(after, 0) << "a x4 ramp over six hours was not flagged";
}

TEST_F(WarmedUp, FlappingLinkIsFlaggedAsADrop) {
  // Down for 30 s (ramping down over one sample and up over four) every two minutes.
  const int after = SamplesToFlag(
      detector_, now_, 60,
      [&](double t) {
        const double into = std::fmod(t - now_, 120);
        const double factor = into < 60 ? 1 : into < 70 ? 0.3 : into < 100 ? 0 : (into - 90) / 50;
        return factor * traffic_.At(t);
      },
      false);
  EXPECT_GE(after, 0);
  EXPECT_LE(after, 9);  // the first down sample is the 7th
}

// --- Quiet cases.
TEST(AnomalyDetectorTest, NearIdleLinkBelowTheTrafficFloorRaisesNothing) {
  // A veth with a few ARP and keepalive packets: 0 to a few kbit/s, now and then a short burst of
  // 50 kbit/s, always under the 100 kbit/s floor the exporter sets.
  AnomalySettings settings;
  settings.min_traffic = 1e5;
  AnomalyDetector detector(settings);
  std::mt19937_64 rng(3);
  std::poisson_distribution<int> packets(0.5);
  std::bernoulli_distribution burst(0.001);
  const Counts counts = Feed(detector, kStart, kStart + 5 * kDay, [&](double) {
    return burst(rng) ? 5e4 : packets(rng) * 800.0 / kStep;
  });
  EXPECT_EQ(counts.anomalous, 0);
  // Traffic well above the floor is still news.
  EXPECT_TRUE(detector.Observe(kStart + 5 * kDay, 1e8).spike);
}

TEST(AnomalyDetectorTest, FirstPacketsOnAnIdleLinkAlarmOnlyWithoutAFloor) {
  // Days of nothing, then one ARP exchange (a few hundred bits/s): news to a detector without a
  // floor (zero is its whole range), noise to one with the exporter's floor.
  AnomalySettings floored;
  floored.min_traffic = 1e5;
  AnomalyDetector with_floor(floored), without_floor;
  Feed(with_floor, kStart, kStart + 3 * kDay, [](double) { return 0.0; });
  Feed(without_floor, kStart, kStart + 3 * kDay, [](double) { return 0.0; });
  const double t = kStart + 3 * kDay;
  EXPECT_FALSE(with_floor.Observe(t, 300).anomalous());
  EXPECT_TRUE(without_floor.Observe(t, 300).spike);
}

TEST(AnomalyDetectorTest, NoisyWeekWithGapsRaisesNothing) {
  // A week of 10 s samples with 5% noise and a missed collection every few hours.
  AnomalyDetector detector;
  Traffic traffic(0.05);
  Counts counts;
  int n = 0;
  for (double t = kStart; t < kStart + 7 * kDay; t += kStep, ++n) {
    if (n % 1500 == 0) {
      detector.MarkGap(t);
      continue;
    }
    counts.anomalous += detector.Observe(t, traffic.At(t)).anomalous();
  }
  EXPECT_EQ(counts.anomalous, 0);
}

}  // namespace
}  // namespace netif
