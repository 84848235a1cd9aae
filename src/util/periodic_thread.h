// Runs a task every `interval` on its own thread until stopped, the first time one interval after
// construction (callers that want a sample at once run it themselves first). Ticks are on a fixed
// grid (start + k * interval), so a slow run does not drift the schedule; a run longer than the
// interval skips the missed ticks rather than bursting to catch up, and tells `on_missed` how
// many it skipped (the owner counts its overruns).
//
// Thread-safety: Stop() may be called from any thread; the task runs on the internal thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace netif {

class PeriodicThread {
 public:
  // `thread_name`: see NameThisThread (util/thread_name.h).
  PeriodicThread(std::chrono::milliseconds interval, std::function<void()> task,
                 std::string thread_name = "netif-periodic",
                 std::function<void(uint64_t missed)> on_missed = {});
  ~PeriodicThread();  // stops and joins
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  void Stop();

 private:
  void Run();

  const std::chrono::milliseconds interval_;
  const std::function<void()> task_;
  const std::string thread_name_;
  const std::function<void(uint64_t missed)> on_missed_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace netif
