#include "analytics/rate.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

using Capacities = std::map<std::string, uint64_t, std::less<>>;

TEST(RatesOfTest, MatchesHandComputedValues) {
  CounterDeltas deltas;
  deltas.Set(Tracked::kReceiveBytes, 1'250'000);  // over 2 s: 625,000 B/s = 5 Mbit/s
  deltas.Set(Tracked::kReceivePackets, 1000);
  deltas.Set(Tracked::kReceiveErrors, 3);
  deltas.Set(Tracked::kReceiveDrops, 0);
  deltas.Set(Tracked::kTransmitBytes, 10);
  const DirectionRates rx = RatesOf(deltas, Direction::kReceive, 2);
  EXPECT_DOUBLE_EQ(*rx.bits_per_second, 5e6);
  EXPECT_DOUBLE_EQ(*rx.packets_per_second, 500);
  EXPECT_DOUBLE_EQ(*rx.errors_per_second, 1.5);
  EXPECT_DOUBLE_EQ(*rx.drops_per_second, 0);
  const DirectionRates tx = RatesOf(deltas, Direction::kTransmit, 0.5);
  EXPECT_DOUBLE_EQ(*tx.bits_per_second, 160);
  EXPECT_FALSE(tx.packets_per_second.has_value());  // not reported: absent, not zero
  EXPECT_FALSE(tx.errors_per_second.has_value());
}

TEST(CapacityBpsTest, OverrideWinsOverTheReportedSpeed) {
  LinkAttributes attributes;
  attributes.speed_bps = 1'000'000'000;
  const Capacities overrides = {{"eth0", 250'000'000}};
  EXPECT_EQ(CapacityBps(overrides, "eth0", attributes), 250e6);
  EXPECT_EQ(CapacityBps(overrides, "eth1", attributes), 1e9);
  EXPECT_EQ(CapacityBps({}, "eth0", attributes), 1e9);
}

TEST(CapacityBpsTest, UnknownOrZeroSpeedIsUnknown) {
  LinkAttributes attributes;
  EXPECT_EQ(CapacityBps({}, "veth0", attributes), std::nullopt);
  attributes.speed_bps = 0;
  EXPECT_EQ(CapacityBps({}, "veth0", attributes), std::nullopt);
  EXPECT_EQ(CapacityBps({{"veth0", 20'000'000}}, "veth0", attributes), 20e6);
}

TEST(UtilizationOfTest, FullDuplexTakesTheBusierDirection) {
  const Utilization u = UtilizationOf(300e6, 600e6, 1e9, Duplex::kFull);
  EXPECT_DOUBLE_EQ(*u.receive, 0.3);
  EXPECT_DOUBLE_EQ(*u.transmit, 0.6);
  EXPECT_DOUBLE_EQ(*u.combined, 0.6);
}

TEST(UtilizationOfTest, HalfDuplexAddsBothDirections) {
  const Utilization u = UtilizationOf(30e6, 20e6, 100e6, Duplex::kHalf);
  EXPECT_DOUBLE_EQ(*u.receive, 0.3);
  EXPECT_DOUBLE_EQ(*u.transmit, 0.2);
  EXPECT_DOUBLE_EQ(*u.combined, 0.5);
}

TEST(UtilizationOfTest, UnknownDuplexIsTreatedAsFull) {
  EXPECT_DOUBLE_EQ(*UtilizationOf(30e6, 20e6, 100e6, Duplex::kUnknown).combined, 0.3);
  EXPECT_DOUBLE_EQ(*UtilizationOf(30e6, 20e6, 100e6, std::nullopt).combined, 0.3);
}

TEST(UtilizationOfTest, AbsentWithoutCapacityRatherThanAGuess) {
  EXPECT_EQ(UtilizationOf(30e6, 20e6, std::nullopt, Duplex::kFull), Utilization{});
  EXPECT_EQ(UtilizationOf(30e6, 20e6, 0.0, Duplex::kFull), Utilization{});
}

TEST(UtilizationOfTest, CombinedNeedsBothDirectionsAndIsNotClamped) {
  const Utilization u = UtilizationOf(2e9, std::nullopt, 1e9, Duplex::kFull);
  EXPECT_DOUBLE_EQ(*u.receive, 2.0);  // above 1: the nominal capacity is wrong; shown as is
  EXPECT_FALSE(u.transmit.has_value());
  EXPECT_FALSE(u.combined.has_value());
}

}  // namespace
}  // namespace netif
