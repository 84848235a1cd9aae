#include "util/periodic_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace netif {
namespace {

TEST(PeriodicThreadTest, RunsRepeatedlyAfterTheFirstIntervalUntilStopped) {
  std::atomic<int> runs{0};
  PeriodicThread thread(std::chrono::milliseconds(10), [&] { ++runs; });
  EXPECT_EQ(runs.load(), 0);  // nothing at construction: callers run the first pass themselves
  for (int i = 0; i < 500 && runs.load() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  thread.Stop();
  const int after_stop = runs.load();
  EXPECT_GE(after_stop, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(runs.load(), after_stop);
}

TEST(PeriodicThreadTest, StopWakesALongWait) {
  std::atomic<int> runs{0};
  PeriodicThread thread(std::chrono::hours(1), [&] { ++runs; });
  thread.Stop();  // returns instead of waiting an hour; the test would time out otherwise
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace netif
