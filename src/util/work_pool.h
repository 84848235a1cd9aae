// A few threads that take a scrape's CPU-heavy pieces (rendering families, deflating chunks) off
// the one HTTP server thread serving it, so a 5,000-interface scrape uses the machine's cores
// instead of one: its latency drops, its CPU stays the same.
//
// Thread-safety: safe for concurrent use; jobs run in submission order (FIFO), several at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace netif {

class WorkPool {
 public:
  explicit WorkPool(unsigned threads);
  ~WorkPool();  // finishes queued work, then joins
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // One pool per process, one thread per core (at most 4), started on first use. Its threads are
  // named netif-scrape (bench/scale counts their CPU as scrape work).
  static WorkPool& Shared();

  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }
  // `job` must not wait for another job of the pool (all threads could be waiting).
  void Submit(std::function<void()> job);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::vector<std::thread> threads_;
};

// A job's completion, for the thread that submitted it to wait on.
class Completion {
 public:
  void Done() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    finished_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return done_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;  // guarded by mutex_
};

}  // namespace netif
