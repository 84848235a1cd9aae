#include "app/shutdown_deadline.h"

#include <unistd.h>

#include <utility>

#include "util/log.h"
#include "util/thread_name.h"

namespace netif {

ShutdownDeadline::ShutdownDeadline(std::chrono::milliseconds limit,
                                   std::function<std::string()> waiting_for)
    : waiting_for_(std::move(waiting_for)), thread_([this, limit] { Run(limit); }) {}

ShutdownDeadline::~ShutdownDeadline() { Disarm(); }

void ShutdownDeadline::Disarm() {
  {
    std::lock_guard lock(mutex_);
    disarmed_ = true;
  }
  done_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ShutdownDeadline::Run(std::chrono::milliseconds limit) {
  NameThisThread("netif-deadline");
  {
    std::unique_lock lock(mutex_);
    if (done_.wait_for(lock, limit, [this] { return disarmed_; })) return;
  }
  LogError("shutdown did not finish in time; exiting without waiting",
           {{"limit_ms", static_cast<int64_t>(limit.count())}, {"waiting_for", waiting_for_()}});
  FlushLogs(std::chrono::milliseconds(200));
  // Not exit(): static destructors and atexit handlers would wait on the very threads that are
  // stuck.
  _exit(1);
}

}  // namespace netif
