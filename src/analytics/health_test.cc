#include "analytics/health.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr double kT0 = 360'000;

TEST(JudgeHealthTest, ThresholdsAreExclusive) {
  const HealthSettings settings;  // 0.0001 errors, 0.001 drops
  HealthJudgement at = JudgeHealth(1'000'000, 100, 1000, settings);
  EXPECT_DOUBLE_EQ(*at.error_ratio, 0.0001);
  EXPECT_DOUBLE_EQ(*at.drop_ratio, 0.001);
  EXPECT_FALSE(at.error_problem);
  EXPECT_FALSE(at.drop_problem);
  HealthJudgement above = JudgeHealth(1'000'000, 101, 1001, settings);
  EXPECT_TRUE(above.error_problem);
  EXPECT_TRUE(above.drop_problem);
}

TEST(JudgeHealthTest, ThresholdsComeFromTheSettings) {
  HealthSettings strict;
  strict.error_ratio = 0;
  strict.drop_ratio = 0.5;
  const HealthJudgement judgement = JudgeHealth(100, 1, 40, strict);
  EXPECT_TRUE(judgement.error_problem);
  EXPECT_FALSE(judgement.drop_problem);
}

TEST(JudgeHealthTest, NoPacketsMeansNoRatio) {
  const HealthSettings settings;
  // Idle: nothing to judge, healthy.
  EXPECT_EQ(JudgeHealth(0, 0, 0, settings),
            (HealthJudgement{std::nullopt, std::nullopt, false, false}));
  // Only failures: no ratio, but certainly a problem.
  EXPECT_EQ(JudgeHealth(0, 5, 0, settings),
            (HealthJudgement{std::nullopt, std::nullopt, true, false}));
}

TEST(JudgeHealthTest, UnreportedKindsGiveNothing) {
  EXPECT_EQ(JudgeHealth(1000, std::nullopt, 50, HealthSettings{}),
            (HealthJudgement{std::nullopt, 0.05, false, true}));
}

CounterDeltas Deltas(uint64_t rx_packets, uint64_t tx_packets, uint64_t errors, uint64_t drops) {
  CounterDeltas deltas;
  deltas.Set(Tracked::kReceivePackets, rx_packets);
  deltas.Set(Tracked::kTransmitPackets, tx_packets);
  deltas.Set(Tracked::kReceiveErrors, errors);
  deltas.Set(Tracked::kTransmitErrors, 0);
  deltas.Set(Tracked::kReceiveDrops, drops);
  deltas.Set(Tracked::kTransmitDrops, 0);
  return deltas;
}

TEST(HealthWindowTest, RatioIsOverTheWindowNotSinceBoot) {
  HealthWindow window(300);
  // A burst of errors in the first minute: 50 errors in 10,000 packets.
  window.AdvanceTo(kT0 + 60);
  window.Add(kT0, kT0 + 60, Deltas(5000, 5000, 50, 0));
  HealthJudgement early = window.Judge(HealthSettings{});
  EXPECT_NEAR(*early.error_ratio, 0.005, 1e-9);
  EXPECT_TRUE(early.error_problem);
  // Then clean traffic, 1 s samples, for 6 minutes: the burst has left the 5m window.
  for (int k = 61; k <= 420; ++k) {
    window.AdvanceTo(kT0 + k);
    window.Add(kT0 + k - 1, kT0 + k, Deltas(100, 100, 0, 0));
  }
  HealthJudgement late = window.Judge(HealthSettings{});
  EXPECT_DOUBLE_EQ(*late.error_ratio, 0);
  EXPECT_FALSE(late.error_problem);
  EXPECT_DOUBLE_EQ(*late.drop_ratio, 0);
}

TEST(HealthWindowTest, CountsAddUpAcrossDirectionsAndIntervals) {
  HealthWindow window(300);
  for (int k = 1; k <= 100; ++k) {
    window.AdvanceTo(kT0 + k);
    window.Add(kT0 + k - 1, kT0 + k, Deltas(600, 400, k == 50 ? 30 : 0, 1));
  }
  // 100,000 packets, 30 errors, 100 drops.
  const HealthJudgement judgement = window.Judge(HealthSettings{});
  EXPECT_NEAR(*judgement.error_ratio, 0.0003, 1e-9);
  EXPECT_NEAR(*judgement.drop_ratio, 0.001, 1e-9);
  EXPECT_TRUE(judgement.error_problem);
  EXPECT_FALSE(judgement.drop_problem);
}

TEST(HealthWindowTest, NothingBeforeTheFirstInterval) {
  HealthWindow window(300);
  window.AdvanceTo(kT0);
  EXPECT_EQ(window.Judge(HealthSettings{}), HealthJudgement{});
}

}  // namespace
}  // namespace netif
