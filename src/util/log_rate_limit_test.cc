#include "util/log_rate_limit.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(LogRateLimitTest, BurstPassesFloodIsThinnedAndCounted) {
  LogRateLimit limit(/*per_second=*/2, /*burst=*/5);
  uint64_t suppressed = 99;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limit.Allow(10.0, &suppressed) ? 1 : 0;
  EXPECT_EQ(allowed, 5);  // the burst, then nothing in the same instant
  EXPECT_EQ(suppressed, 0u);
  // One second later two tokens are back; the first line reports the 95 left out.
  ASSERT_TRUE(limit.Allow(11.0, &suppressed));
  EXPECT_EQ(suppressed, 95u);
  ASSERT_TRUE(limit.Allow(11.0, &suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(limit.Allow(11.0, &suppressed));
}

TEST(LogRateLimitTest, RefillStopsAtTheBurst) {
  LogRateLimit limit(1, 3);
  uint64_t suppressed = 0;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limit.Allow(0, &suppressed));
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limit.Allow(1000, &suppressed) ? 1 : 0;
  EXPECT_EQ(allowed, 3);
}

TEST(LogRateLimitTest, TimeGoingBackwardsGrantsNothing) {
  LogRateLimit limit(1, 1);
  uint64_t suppressed = 0;
  ASSERT_TRUE(limit.Allow(100, &suppressed));
  EXPECT_FALSE(limit.Allow(50, &suppressed));
  EXPECT_FALSE(limit.Allow(100.5, &suppressed));
  EXPECT_TRUE(limit.Allow(101, &suppressed));
  EXPECT_EQ(suppressed, 2u);
}

}  // namespace
}  // namespace netif
