// SIGTERM ends the process within a bound whatever a source is stuck in (a read the kernel never
// answers, a thread frozen by a debugger): armed when shutdown begins, it waits for the orderly
// stop, and when that takes longer than `limit` it logs what the stop was waiting for and ends
// the process at once (exit status 1, without the final state save: the state file keeps what
// the last periodic save wrote).
//
// Thread-safety: Disarm() from the thread that armed it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace netif {

class ShutdownDeadline {
 public:
  // `waiting_for` names what the stop is doing (Exporter::StopStage), for the log line.
  ShutdownDeadline(std::chrono::milliseconds limit, std::function<std::string()> waiting_for);
  ~ShutdownDeadline();  // disarms
  ShutdownDeadline(const ShutdownDeadline&) = delete;
  ShutdownDeadline& operator=(const ShutdownDeadline&) = delete;

  // The stop finished in time.
  void Disarm();

 private:
  void Run(std::chrono::milliseconds limit);

  const std::function<std::string()> waiting_for_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace netif
