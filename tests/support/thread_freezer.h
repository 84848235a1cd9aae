// Freezes one thread of another process, found by its name (/proc/PID/task/*/comm), with ptrace:
// the thread stops where it is, as it would in a read the kernel never answers, while the rest of
// the process runs on. It is frozen only while blocked in a futex wait (a condition variable's, a
// lock's), retried otherwise, so that it holds no allocator or store lock the others need.
//
// ptrace ties the thread to the tracing thread: construct, thaw and destroy it on one thread.
// While the thread is traced its exit must be reaped here (WaitForExit) before the process' own
// exit status can be collected.
//
// Needs root (or CAP_SYS_PTRACE). Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace netif::testing_support {

class ThreadFreezer {
 public:
  // Throws std::runtime_error when the thread is not found or cannot be frozen within `timeout`.
  ThreadFreezer(pid_t pid, const std::string& thread_name,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~ThreadFreezer();  // thaws it if still frozen
  ThreadFreezer(const ThreadFreezer&) = delete;
  ThreadFreezer& operator=(const ThreadFreezer&) = delete;

  pid_t tid() const { return tid_; }
  // Lets the thread run again (detaches).
  void Thaw();
  // After the process was told to exit: reaps the frozen thread's exit (the process cannot
  // finish exiting before). False when it did not exit within `timeout`.
  bool WaitForExit(std::chrono::milliseconds timeout);

 private:
  pid_t tid_ = -1;
  bool attached_ = false;
};

// The thread id of the thread named `thread_name` in process `pid`; -1 when there is none.
pid_t FindThread(pid_t pid, const std::string& thread_name);

}  // namespace netif::testing_support
