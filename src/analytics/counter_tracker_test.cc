#include "analytics/counter_tracker.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr uint64_t k2To32 = uint64_t{1} << 32;

using Outcome = CounterTracker::Outcome;

CounterSet Bytes(uint64_t rx, uint64_t tx, bool wraps32 = false) {
  CounterSet set;
  set.Set(Counter::kReceiveBytes, rx, wraps32);
  set.Set(Counter::kTransmitBytes, tx, wraps32);
  return set;
}

TEST(ClassifyCounterStepTest, IncreaseIsTheDifference) {
  EXPECT_EQ(ClassifyCounterStep(100, 350, false, 1, std::nullopt),
            (CounterStep{StepKind::kIncrease, 250}));
  EXPECT_EQ(ClassifyCounterStep(7, 7, true, 1, std::nullopt),
            (CounterStep{StepKind::kIncrease, 0}));
}

TEST(ClassifyCounterStepTest, ADecreaseOfA64BitCounterIsAlwaysAReset) {
  // Even one just below the top of the range: 2^64 is never reached in practice.
  EXPECT_EQ(ClassifyCounterStep(UINT64_MAX - 5, 10, false, 1, std::nullopt).kind, StepKind::kReset);
  EXPECT_EQ(ClassifyCounterStep(1000, 999, false, 1, 1e12).kind, StepKind::kReset);
}

TEST(ClassifyCounterStepTest, A32BitWrapNearTheTopIsAcceptedWithUnknownCapacity) {
  // 2^32 - 1000 -> 500: moved 1000 + 500.
  EXPECT_EQ(ClassifyCounterStep(k2To32 - 1000, 500, true, 1, std::nullopt),
            (CounterStep{StepKind::kWrap, 1500}));
}

TEST(ClassifyCounterStepTest, A32BitDecreaseFarFromTheTopIsAResetWithUnknownCapacity) {
  // A wrap from 10^9 to 10 would mean 3.29e9 units moved: more than half the range.
  EXPECT_EQ(ClassifyCounterStep(1'000'000'000, 10, true, 1, std::nullopt).kind, StepKind::kReset);
  // Exactly half the range is not less than half: a reset.
  EXPECT_EQ(ClassifyCounterStep(k2To32 / 2, 0, true, 1, std::nullopt).kind, StepKind::kReset);
  EXPECT_EQ(ClassifyCounterStep(k2To32 / 2 + 1, 0, true, 1, std::nullopt).kind, StepKind::kWrap);
}

TEST(ClassifyCounterStepTest, A32BitWrapIsJudgedByTheRateItImpliesWhenCapacityIsKnown) {
  // 1 Gbit/s link, bytes: at most 125e6 B/s * 1.25 margin. Over 30 s: 4.6875e9 bytes.
  const auto max_bytes = MaxPlausibleRate(Tracked::kReceiveBytes, 1e9);
  ASSERT_TRUE(max_bytes.has_value());
  EXPECT_DOUBLE_EQ(*max_bytes, 125e6 * kWrapPlausibilityMargin);
  // A wrap moving 3e9 bytes in 30 s (800 Mbit/s) is plausible, although beyond half the range.
  const uint64_t previous = k2To32 - 1'000'000'000;
  EXPECT_EQ(ClassifyCounterStep(previous, 2'000'000'000, true, 30, max_bytes),
            (CounterStep{StepKind::kWrap, 3'000'000'000}));
  // The same move in 10 s would be 2.4 Gbit/s on a 1 Gbit/s link: a reset.
  EXPECT_EQ(ClassifyCounterStep(previous, 2'000'000'000, true, 10, max_bytes).kind,
            StepKind::kReset);
  // A small wrap on a slow link is fine; the same wrap on a 1 Mbit/s link in 1 s is not.
  EXPECT_EQ(
      ClassifyCounterStep(k2To32 - 100, 100, true, 1, MaxPlausibleRate(Tracked::kReceiveBytes, 1e6))
          .kind,
      StepKind::kWrap);
  EXPECT_EQ(ClassifyCounterStep(k2To32 - 1'000'000, 100, true, 1,
                                MaxPlausibleRate(Tracked::kReceiveBytes, 1e6))
                .kind,
            StepKind::kReset);
}

TEST(ClassifyCounterStepTest, PacketCountersAreBoundedByMinimumFrames) {
  // 10 Gbit/s: 14.88 Mpps of 84-byte wire frames.
  EXPECT_DOUBLE_EQ(*MaxPlausibleRate(Tracked::kTransmitPackets, 10e9),
                   10e9 / 672 * kWrapPlausibilityMargin);
  EXPECT_DOUBLE_EQ(*MaxPlausibleRate(Tracked::kReceiveErrors, 10e9),
                   10e9 / 672 * kWrapPlausibilityMargin);
  EXPECT_FALSE(MaxPlausibleRate(Tracked::kReceiveBytes, std::nullopt).has_value());
}

TEST(ClassifyCounterStepTest, AValueBeyond32BitsOnA32BitCounterIsNoWrap) {
  EXPECT_EQ(ClassifyCounterStep(k2To32 + 5, 3, true, 1, std::nullopt).kind, StepKind::kReset);
}

TEST(CounterTrackerTest, FirstSampleIsABaselineThenDeltasFollow) {
  CounterTracker tracker;
  EXPECT_EQ(tracker.Update(Bytes(1000, 2000), 10, std::nullopt).outcome, Outcome::kFirst);
  const auto result = tracker.Update(Bytes(1500, 2600), 12, std::nullopt);
  ASSERT_EQ(result.outcome, Outcome::kDeltas);
  EXPECT_DOUBLE_EQ(result.start_seconds, 10);
  EXPECT_DOUBLE_EQ(result.end_seconds, 12);
  EXPECT_EQ(result.deltas.Get(Tracked::kReceiveBytes), 500u);
  EXPECT_EQ(result.deltas.Get(Tracked::kTransmitBytes), 600u);
  EXPECT_FALSE(result.deltas.Has(Tracked::kReceivePackets));
  EXPECT_EQ(result.wraps, 0);
}

TEST(CounterTrackerTest, A64BitDecreaseResetsAndRebasesEveryCounter) {
  CounterTracker tracker;
  tracker.Update(Bytes(1'000'000, 5'000'000), 1, std::nullopt);
  // Only rx went down (a driver reload resets both, but tx already grew past its old value).
  const auto reset = tracker.Update(Bytes(200, 5'000'100), 2, std::nullopt);
  EXPECT_EQ(reset.outcome, Outcome::kReset);
  EXPECT_TRUE(reset.deltas.Empty());
  // The next interval is measured from the reset sample, for both counters.
  const auto next = tracker.Update(Bytes(1200, 5'000'600), 3, std::nullopt);
  ASSERT_EQ(next.outcome, Outcome::kDeltas);
  EXPECT_EQ(next.deltas.Get(Tracked::kReceiveBytes), 1000u);
  EXPECT_EQ(next.deltas.Get(Tracked::kTransmitBytes), 500u);
  EXPECT_DOUBLE_EQ(next.start_seconds, 2);
}

TEST(CounterTrackerTest, A32BitWrapGivesTheWrappedDelta) {
  CounterTracker tracker;
  tracker.Update(Bytes(k2To32 - 100, 10, true), 0, std::nullopt);
  const auto result = tracker.Update(Bytes(50, 20, true), 60, std::nullopt);
  ASSERT_EQ(result.outcome, Outcome::kDeltas);
  EXPECT_EQ(result.deltas.Get(Tracked::kReceiveBytes), 150u);
  EXPECT_EQ(result.deltas.Get(Tracked::kTransmitBytes), 10u);
  EXPECT_EQ(result.wraps, 1);
}

TEST(CounterTrackerTest, AnImplausible32BitWrapIsAReset) {
  CounterTracker tracker;
  // 100 Mbit/s link: a "wrap" from 2^32 - 10^9 to 10^9 in 1 s would be 16 Gbit/s.
  tracker.Update(Bytes(k2To32 - 1'000'000'000, 0, true), 0, 100e6);
  EXPECT_EQ(tracker.Update(Bytes(1'000'000'000, 0, true), 1, 100e6).outcome, Outcome::kReset);
}

TEST(CounterTrackerTest, AChangeOfCounterWidthIsAReset) {
  CounterTracker tracker;
  tracker.Update(Bytes(5'000'000'000, 0, false), 0, std::nullopt);
  EXPECT_EQ(tracker.Update(Bytes(5'000'000'100 % k2To32, 0, true), 1, std::nullopt).outcome,
            Outcome::kReset);
}

TEST(CounterTrackerTest, SamplesTooSoonAfterTheBaselineAreIgnored) {
  CounterTracker tracker;
  tracker.Update(Bytes(100, 100), 10, std::nullopt);
  EXPECT_EQ(tracker.Update(Bytes(50, 50), 10, std::nullopt).outcome, Outcome::kTooSoon);
  EXPECT_EQ(tracker.Update(Bytes(50, 50), 9, std::nullopt).outcome, Outcome::kTooSoon);
  EXPECT_EQ(tracker.Update(Bytes(150, 100), 10.001, std::nullopt).outcome, Outcome::kTooSoon);
  // The baseline is still the sample at t=10.
  const auto result = tracker.Update(Bytes(300, 100), 11, std::nullopt);
  ASSERT_EQ(result.outcome, Outcome::kDeltas);
  EXPECT_EQ(result.deltas.Get(Tracked::kReceiveBytes), 200u);
}

TEST(CounterTrackerTest, ACounterThatAppearsHasNoDeltaYet) {
  CounterTracker tracker;
  tracker.Update(Bytes(100, 100), 0, std::nullopt);
  CounterSet more = Bytes(200, 200);
  more.Set(Counter::kReceivePackets, 7);
  const auto result = tracker.Update(more, 1, std::nullopt);
  ASSERT_EQ(result.outcome, Outcome::kDeltas);
  EXPECT_EQ(result.deltas.Get(Tracked::kReceiveBytes), 100u);
  EXPECT_FALSE(result.deltas.Has(Tracked::kReceivePackets));
  more.Set(Counter::kReceivePackets, 10);
  EXPECT_EQ(tracker.Update(more, 2, std::nullopt).deltas.Get(Tracked::kReceivePackets), 3u);
}

TEST(CounterTrackerTest, RecordsWithoutTrackedCountersChangeNothing) {
  CounterTracker tracker;
  CounterSet other;
  other.Set(Counter::kReceiveFifo, 3);
  EXPECT_EQ(tracker.Update(other, 0, std::nullopt).outcome, Outcome::kNoCounters);
  EXPECT_EQ(tracker.Update(Bytes(1, 1), 1, std::nullopt).outcome, Outcome::kFirst);
  EXPECT_EQ(tracker.Update(CounterSet(), 2, std::nullopt).outcome, Outcome::kNoCounters);
  EXPECT_EQ(tracker.Update(Bytes(5, 1), 3, std::nullopt).deltas.Get(Tracked::kReceiveBytes), 4u);
}

}  // namespace
}  // namespace netif
