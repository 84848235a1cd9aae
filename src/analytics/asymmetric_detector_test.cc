#include "analytics/asymmetric_detector.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr double kT0 = 123'456.789;  // not on any round number, as a real monotonic clock

TEST(IsAsymmetricTest, NeedsBothTheRatioAndTheFloor) {
  const AsymmetricSettings settings;  // ratio 10, 10 Mbit/s
  EXPECT_TRUE(IsAsymmetric(1e6, 20e6, settings));
  EXPECT_TRUE(IsAsymmetric(0, 11e6, settings));
  EXPECT_FALSE(IsAsymmetric(2e6, 20e6, settings));  // exactly 10x is not more than 10x
  EXPECT_FALSE(IsAsymmetric(0, 9e6, settings));     // below the floor: noise
  EXPECT_FALSE(IsAsymmetric(100e6, 20e6, settings));
  AsymmetricSettings custom;
  custom.ratio = 2;
  custom.min_bps = 1e6;
  EXPECT_TRUE(IsAsymmetric(1e6, 3e6, custom));
}

// Feeds 1 s intervals (k-1, k] for k in [first, last] with the given rates; returns the flag.
bool Feed(AsymmetricDetector& detector, int first, int last, double rx, double tx) {
  bool active = detector.active();
  for (int k = first; k <= last; ++k) {
    active = detector.Observe(kT0 + k - 1, kT0 + k, rx, tx, AsymmetricSettings{});
  }
  return active;
}

TEST(AsymmetricDetectorTest, FlagsOnlyAfterAMinuteOfSustainedAsymmetry) {
  AsymmetricDetector detector;
  EXPECT_FALSE(Feed(detector, 1, 59, 1e6, 50e6));
  EXPECT_TRUE(Feed(detector, 60, 60, 1e6, 50e6));
}

TEST(AsymmetricDetectorTest, OneLongIntervalThatAveragedAsymmetricIsEnough) {
  AsymmetricDetector detector;
  EXPECT_TRUE(detector.Observe(kT0, kT0 + 60, 1e6, 50e6, AsymmetricSettings{}));
}

TEST(AsymmetricDetectorTest, AnInterruptionStartsTheCountdownOver) {
  AsymmetricDetector detector;
  EXPECT_FALSE(Feed(detector, 1, 40, 1e6, 50e6));
  EXPECT_FALSE(Feed(detector, 41, 41, 50e6, 50e6));
  EXPECT_FALSE(Feed(detector, 42, 100, 1e6, 50e6));  // 59 s since 41
  EXPECT_TRUE(Feed(detector, 101, 101, 1e6, 50e6));
}

TEST(AsymmetricDetectorTest, ClearsAfterAMinuteWithoutAsymmetry) {
  AsymmetricDetector detector;
  ASSERT_TRUE(Feed(detector, 1, 60, 1e6, 50e6));
  EXPECT_TRUE(Feed(detector, 61, 119, 50e6, 50e6));
  EXPECT_TRUE(Feed(detector, 120, 120, 1e6, 50e6));  // back before the minute was up
  EXPECT_TRUE(Feed(detector, 121, 179, 50e6, 50e6));
  EXPECT_FALSE(Feed(detector, 180, 180, 50e6, 50e6));
}

TEST(AsymmetricDetectorTest, AGapStartsTheCountdownOver) {
  AsymmetricDetector detector;
  Feed(detector, 1, 50, 1e6, 50e6);
  detector.MarkGap();
  EXPECT_FALSE(Feed(detector, 52, 110, 1e6, 50e6));  // 59 s since the gap
  EXPECT_TRUE(Feed(detector, 111, 111, 1e6, 50e6));
}

TEST(AsymmetricDetectorTest, IsSmall) { EXPECT_LE(sizeof(AsymmetricDetector), 16u); }

}  // namespace
}  // namespace netif
