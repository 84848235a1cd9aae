#include "analytics/link_state_tracker.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(LinkStateTrackerTest, FirstObservationIsABaselineNotATransition) {
  LinkStateTracker tracker;
  EXPECT_FALSE(tracker.Observe(OperState::kUp, 10));
  EXPECT_EQ(tracker.history().transitions_up, 0u);
  EXPECT_EQ(tracker.history().transitions_down, 0u);
  EXPECT_FALSE(tracker.history().last_change_unix_seconds.has_value());
}

TEST(LinkStateTrackerTest, CountsEachFlap) {
  LinkStateTracker tracker;
  tracker.Observe(OperState::kUp, 1);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(tracker.Observe(OperState::kDown, 2 + i));
    EXPECT_TRUE(tracker.Observe(OperState::kUp, 2.5 + i));
  }
  EXPECT_EQ(tracker.history().transitions_up, 5u);
  EXPECT_EQ(tracker.history().transitions_down, 5u);
  EXPECT_DOUBLE_EQ(*tracker.history().last_change_unix_seconds, 6.5);
}

TEST(LinkStateTrackerTest, IntermediateNonUpStatesAreOneOutage) {
  LinkStateTracker tracker;
  tracker.Observe(OperState::kUp, 1);
  tracker.Observe(OperState::kLowerLayerDown, 2);
  tracker.Observe(OperState::kDown, 3);
  EXPECT_FALSE(tracker.Observe(OperState::kDown, 4));
  tracker.Observe(OperState::kUp, 5);
  EXPECT_EQ(tracker.history().transitions_down, 1u);
  EXPECT_EQ(tracker.history().transitions_up, 1u);
  EXPECT_DOUBLE_EQ(*tracker.history().last_change_unix_seconds, 5);
}

}  // namespace
}  // namespace netif
