#include "analytics/utilization_windows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace netif {
namespace {

// A realistic monotonic clock (the host has been up for a while), on a bucket boundary of every
// window below.
constexpr double kT0 = 360'000;

const std::vector<AnalyticsWindow> kWindows = {{"1m", 60}, {"5m", 300}, {"1h", 3600}};

// The utilization of the 1 s interval ending at kT0 + k: a repeating, uneven pattern.
double U(int k) { return (k * 7 % 11) / 10.0; }

// Feeds 1 s samples for the intervals ending at kT0 + 1 .. kT0 + last.
void Feed(UtilizationWindows& windows, int last) {
  for (int k = 1; k <= last; ++k) {
    windows.AdvanceTo(kT0 + k);
    windows.Add(kT0 + k - 1, kT0 + k, U(k));
  }
}

double MeanOf(int first, int last) {
  double sum = 0;
  for (int k = first; k <= last; ++k) sum += U(k);
  return sum / (last - first + 1);
}

double MaxOf(int first, int last) {
  double peak = 0;
  for (int k = first; k <= last; ++k) peak = std::max(peak, U(k));
  return peak;
}

TEST(UtilizationWindowsTest, EmptyWindowsAreAbsent) {
  UtilizationWindows windows(kWindows);
  ASSERT_EQ(windows.size(), 3u);
  windows.AdvanceTo(kT0);
  EXPECT_EQ(windows.Get(0), WindowUtilization{});
}

TEST(UtilizationWindowsTest, AverageAndPeakAreExactOnAKnownSequenceWhenTheWindowIsFull) {
  UtilizationWindows windows(kWindows);
  Feed(windows, 600);
  // On a bucket boundary (5 s for 1m, 25 s for 5m) the 1m window is exactly the last 60
  // intervals and the 5m window the last 300.
  EXPECT_NEAR(*windows.Get(0).average, MeanOf(541, 600), 1e-6);
  EXPECT_FLOAT_EQ(static_cast<float>(*windows.Get(0).peak), static_cast<float>(MaxOf(541, 600)));
  EXPECT_NEAR(*windows.Get(1).average, MeanOf(301, 600), 1e-6);
  EXPECT_FLOAT_EQ(static_cast<float>(*windows.Get(1).peak), static_cast<float>(MaxOf(301, 600)));
  // The 1h window is not full yet: it averages the 600 s it has seen.
  EXPECT_NEAR(*windows.Get(2).average, MeanOf(1, 600), 1e-6);
}

TEST(UtilizationWindowsTest, BetweenBucketBoundariesTheWindowIsShortByLessThanOneBucket) {
  UtilizationWindows windows(kWindows);
  Feed(windows, 422);
  // 1m window, 5 s buckets: the current bucket (420, 425] and the 11 before: (365, 422].
  EXPECT_NEAR(*windows.Get(0).average, MeanOf(366, 422), 1e-6);
}

TEST(UtilizationWindowsTest, AverageIsWeightedByTheTimeEachIntervalCovers) {
  UtilizationWindows windows(kWindows);
  windows.AdvanceTo(kT0 + 10);
  windows.Add(kT0, kT0 + 10, 0.2);
  windows.AdvanceTo(kT0 + 11);
  windows.Add(kT0 + 10, kT0 + 11, 1.0);
  EXPECT_NEAR(*windows.Get(0).average, (0.2 * 10 + 1.0 * 1) / 11, 1e-7);
  EXPECT_DOUBLE_EQ(*windows.Get(0).peak, 1.0);
}

TEST(UtilizationWindowsTest, OldIntervalsLeaveTheWindow) {
  UtilizationWindows windows(kWindows);
  windows.AdvanceTo(kT0 + 10);
  windows.Add(kT0, kT0 + 10, 0.9);
  for (int k = 11; k <= 100; ++k) {
    windows.AdvanceTo(kT0 + k);
    windows.Add(kT0 + k - 1, kT0 + k, 0.1);
  }
  EXPECT_NEAR(*windows.Get(0).average, 0.1, 1e-6);
  EXPECT_NEAR(*windows.Get(0).peak, 0.1, 1e-6);
  EXPECT_NEAR(*windows.Get(1).peak, 0.9, 1e-6);  // still inside 5m
}

TEST(UtilizationWindowsTest, AnIntervalLongerThanTheWindowKeepsOnlyItsRecentPart) {
  UtilizationWindows windows(kWindows);
  windows.AdvanceTo(kT0 + 300);
  windows.Add(kT0, kT0 + 300, 0.5);  // e.g. one 5-minute SNMP poll
  EXPECT_NEAR(*windows.Get(0).average, 0.5, 1e-7);
  EXPECT_NEAR(*windows.Get(1).average, 0.5, 1e-7);
  EXPECT_NEAR(*windows.Get(0).peak, 0.5, 1e-7);
}

TEST(UtilizationWindowsTest, TimeWithoutUtilizationIsLeftOut) {
  UtilizationWindows windows(kWindows);
  windows.AdvanceTo(kT0 + 10);
  windows.Add(kT0, kT0 + 10, 0.4);
  windows.AdvanceTo(kT0 + 40);  // 30 s with no known utilization (a reset, unknown speed)
  EXPECT_NEAR(*windows.Get(0).average, 0.4, 1e-7);
  windows.AdvanceTo(kT0 + 200);  // long after: the 1m window is empty again
  EXPECT_EQ(windows.Get(0), WindowUtilization{});
  EXPECT_NEAR(*windows.Get(1).average, 0.4, 1e-7);
}

TEST(UtilizationWindowsTest, MemoryIsConstantInTheWindowLength) {
  const std::vector<AnalyticsWindow> one_minute = {{"1m", 60}};
  const std::vector<AnalyticsWindow> one_day = {{"1d", 86400}};
  EXPECT_EQ(UtilizationWindows(one_minute).HeapBytes(), UtilizationWindows(one_day).HeapBytes());
  // 12 buckets of 12 bytes plus the ring's bookkeeping.
  EXPECT_LE(UtilizationWindows(kWindows).HeapBytes(), 3u * 170u);
}

TEST(UtilizationWindowsTest, KeepsAtMostEightWindows) {
  std::vector<AnalyticsWindow> many;
  for (int i = 1; i <= 10; ++i) many.push_back({"w", 60.0 * i});
  EXPECT_EQ(UtilizationWindows(many).size(), kMaxUtilizationWindows);
}

}  // namespace
}  // namespace netif
