#include "util/periodic_thread.h"

#include "util/thread_name.h"

namespace netif {

PeriodicThread::PeriodicThread(std::chrono::milliseconds interval, std::function<void()> task,
                               std::string thread_name,
                               std::function<void(uint64_t missed)> on_missed)
    : interval_(interval),
      task_(std::move(task)),
      thread_name_(std::move(thread_name)),
      on_missed_(std::move(on_missed)),
      thread_([this] { Run(); }) {}

PeriodicThread::~PeriodicThread() { Stop(); }

void PeriodicThread::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicThread::Run() {
  NameThisThread(thread_name_);
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    next += interval_;
    if (next < now) {
      const auto missed = (now - next) / interval_ + 1;
      next += missed * interval_;
      if (on_missed_) on_missed_(static_cast<uint64_t>(missed));
    }
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
    }
    task_();
  }
}

}  // namespace netif
