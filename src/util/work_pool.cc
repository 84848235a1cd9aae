#include "util/work_pool.h"

#include <algorithm>
#include <utility>

#include "util/thread_name.h"

namespace netif {
namespace {
constexpr unsigned kMaxThreads = 4;
}  // namespace

WorkPool::WorkPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { Run(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

WorkPool& WorkPool::Shared() {
  static WorkPool pool(std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads));
  return pool;
}

void WorkPool::Submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WorkPool::Run() {
  NameThisThread("netif-scrape");
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace netif
