#include "web/rate_history.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

namespace netif {
namespace {

TEST(QuantizeTest, RatesComeBackWithinATenthOfAPercent) {
  for (const double rate : {1.0, 999.0, 1e6, 123456789.0, 4e10, 1e12}) {
    const auto back = DequantizeRate(QuantizeRate(rate));
    ASSERT_TRUE(back.has_value());
    EXPECT_NEAR(*back, rate, rate * 0.001) << rate;
  }
  EXPECT_EQ(DequantizeRate(QuantizeRate(0.0)), 0.0);
  EXPECT_EQ(QuantizeRate(std::nullopt), kAbsentPoint);
  EXPECT_EQ(QuantizeRate(NAN), kAbsentPoint);
  EXPECT_FALSE(DequantizeRate(kAbsentPoint).has_value());
  EXPECT_LT(QuantizeRate(1e30), kAbsentPoint);  // clamped, never mistaken for absent
}

TEST(QuantizeTest, UtilizationInTenThousandths) {
  EXPECT_DOUBLE_EQ(*DequantizeUtilization(QuantizeUtilization(0.4567)), 0.4567);
  EXPECT_DOUBLE_EQ(*DequantizeUtilization(QuantizeUtilization(1.5)), 1.5);
  EXPECT_EQ(QuantizeUtilization(std::nullopt), kAbsentPoint);
  EXPECT_LT(QuantizeUtilization(100.0), kAbsentPoint);
}

TEST(RateHistoryTest, KeepsThePeakOfEachMinuteAndSixtyMinutes) {
  RateHistory history;
  history.Observe(1000, {10, 20, 30, 0});
  history.Observe(1000, {15, 5, kAbsentPoint, 1});
  history.Observe(1002, {7, 7, 7, 2});
  const auto points = history.Points(1002);
  EXPECT_EQ(points[59], (HistoryPoint{7, 7, 7, 2}));
  EXPECT_EQ(points[58], HistoryPoint{});  // no observation in minute 1001
  EXPECT_EQ(points[57], (HistoryPoint{15, 20, 30, 1}));
  EXPECT_EQ(points[0], HistoryPoint{});
  // An hour on, minute 1000 has left the window; minute 1002 is the oldest point.
  EXPECT_EQ(history.Points(1061)[0], (HistoryPoint{7, 7, 7, 2}));
  EXPECT_EQ(history.Points(1062)[0], HistoryPoint{});
  // Older than the newest: ignored.
  history.Observe(999, {1, 1, 1, 1});
  EXPECT_EQ(history.Points(1002)[57], (HistoryPoint{15, 20, 30, 1}));
  // Much later: every old point is cleared.
  history.Observe(5000, {1, 2, 3, 0});
  const auto later = history.Points(5000);
  EXPECT_EQ(later[59], (HistoryPoint{1, 2, 3, 0}));
  for (int i = 0; i < 59; ++i) EXPECT_EQ(later[i], HistoryPoint{}) << i;
}

std::shared_ptr<const InterfaceView> View(std::string name, double rx_bps, uint64_t downs) {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {"local", name};
  view->record.name = name;
  view->derived.receive.bits_per_second = rx_bps;
  view->link.transitions_down = downs;
  return view;
}

TEST(HistoryBookTest, CountsLinkDownsBetweenSnapshotsAndForgetsRemovedInterfaces) {
  HistoryBook book;
  Snapshot first;
  first.interfaces = {View("a", 1000, 4), View("b", 10, 0)};
  book.Record(first, 60000);
  Snapshot second;
  second.interfaces = {View("a", 3000, 6)};
  book.Record(second, 60010);
  const auto a = book.Find({"local", "a"}, 60010);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->link_downs, 2u);  // the 4 before the exporter's first record are not this hour's
  EXPECT_NEAR(*DequantizeRate(a->points[59].receive), 3000, 3);
  EXPECT_FALSE(DequantizeRate(a->points[59].transmit).has_value());
  EXPECT_FALSE(book.Find({"local", "b"}, 60010).has_value());
  EXPECT_EQ(book.size(), 1u);
}

TEST(HistoryBookTest, StaysWithinAFewHundredBytesPerInterface) {
  EXPECT_LE(sizeof(RateHistory), 500u);
}

}  // namespace
}  // namespace netif
