#include "util/periodic_thread.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "util/thread_name.h"

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

std::string ThisThreadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// Operators and bench/scale tell collection from scrape work by the threads' names.
TEST(PeriodicThreadTest, RunsTheTaskOnAThreadOfTheGivenName) {
  std::mutex mutex;
  std::string seen;
  {
    PeriodicThread thread(
        std::chrono::milliseconds(1),
        [&] {
          std::lock_guard lock(mutex);
          seen = ThisThreadName();
        },
        "netif-test");
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex);
        if (!seen.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_EQ(seen, "netif-test");
}

TEST(PeriodicThreadTest, ARunLongerThanTheIntervalReportsTheTicksItMissed) {
  std::atomic<uint64_t> missed{0};
  std::atomic<int> runs{0};
  {
    PeriodicThread thread(
        std::chrono::milliseconds(5),
        [&] {
          // The first run takes four intervals and more: the next ticks are gone.
          if (runs.fetch_add(1) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(30));
        },
        "netif-test", [&](uint64_t count) { missed += count; });
    for (int i = 0; i < 500 && runs.load() < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_GE(runs.load(), 3);
  EXPECT_GE(missed.load(), 4u);
}

TEST(ThreadNameTest, KeepsTheFirst15Bytes) {
  std::string seen;
  std::thread([&] {
    NameThisThread("netif-a-much-too-long-name");
    seen = ThisThreadName();
  }).join();
  EXPECT_EQ(seen, "netif-a-much-to");
}

}  // namespace
}  // namespace netif
