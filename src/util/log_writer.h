// Writes log lines to a file descriptor from a thread of its own, through a bounded queue, so
// that logging never blocks the thread that logs: a stalled reader of stderr (a journald or
// container runtime that stopped reading the pipe) costs dropped lines, counted, never a frozen
// collector. The writer itself waits for the descriptor with a timeout, so Stop() is bounded too.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace netif {

class LogWriter {
 public:
  // Far above any burst the exporter logs (a link event line is ~150 bytes), small next to its
  // memory budget.
  static constexpr std::size_t kDefaultQueueBytes = 1 << 20;

  // Writes to `fd` (not owned). The thread starts with the first line.
  explicit LogWriter(int fd, std::size_t queue_bytes = kDefaultQueueBytes);
  // Stop() with a one-second bound.
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues `line` and a newline; false, and the line counted as dropped, when the queue is full
  // or the writer has stopped. Never blocks on the descriptor.
  bool Push(std::string_view line);
  // Writes what is queued, waiting at most `timeout` in all for the descriptor; what is still
  // queued then is counted as dropped. Lines pushed afterwards are dropped. Idempotent.
  void Stop(std::chrono::milliseconds timeout);

  uint64_t dropped() const;

 private:
  void Run();
  // Writes `text` in pieces the descriptor takes without blocking; returns the bytes written
  // (fewer when `deadline` passed first or the descriptor failed).
  std::size_t WriteAll(std::string_view text, std::chrono::steady_clock::time_point deadline);

  const int fd_;
  const std::size_t queue_bytes_;
  bool is_socket_ = false;
  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  std::string queue_;  // whole lines, each ending in '\n'
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  std::thread thread_;
};

}  // namespace netif
