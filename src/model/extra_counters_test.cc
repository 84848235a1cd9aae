#include "model/extra_counters.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr ExtraCounterDefinition kCrc{"netif_test_crc_errors_total", "CRC errors."};
constexpr ExtraCounterDefinition kMissed{"netif_test_missed_errors_total", "Missed."};

TEST(ExtraCountersTest, SetGetAndReplace) {
  ExtraCounters counters;
  EXPECT_TRUE(counters.Empty());
  EXPECT_FALSE(counters.Get(kCrc).has_value());
  counters.Set(kCrc, 7);
  counters.Set(kMissed, 1);
  counters.Set(kCrc, 9);
  EXPECT_FALSE(counters.Empty());
  EXPECT_EQ(counters.Get(kCrc), 9u);
  EXPECT_EQ(counters.Get(kMissed), 1u);
  EXPECT_EQ(counters.values().size(), 2u);
}

TEST(ExtraCountersTest, MergeKeepsWhatTheNewerLacks) {
  ExtraCounters older;
  older.Set(kCrc, 1);
  older.Set(kMissed, 2);
  ExtraCounters newer;
  newer.Set(kMissed, 5);
  older.MergeFrom(newer);
  EXPECT_EQ(older.Get(kCrc), 1u);
  EXPECT_EQ(older.Get(kMissed), 5u);
}

TEST(ExtraCountersTest, DefinitionsWithTheSameNameAreStillDistinct) {
  // Keyed by definition, not by name: a lookup never finds another source's counter.
  static constexpr ExtraCounterDefinition kOtherCrc{"netif_test_crc_errors_total", "Other."};
  ExtraCounters counters;
  counters.Set(kCrc, 3);
  EXPECT_FALSE(counters.Get(kOtherCrc).has_value());
}

}  // namespace
}  // namespace netif
