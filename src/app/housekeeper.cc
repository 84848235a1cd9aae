#include "app/housekeeper.h"

#include <malloc.h>

#include <chrono>

#include "util/chunked_buffer.h"
#include "util/clock.h"

namespace netif {
namespace {

constexpr auto kPeriod = std::chrono::seconds(1);
// The thread stands in for passes only after this long without one (a pass every second or
// more often keeps it idle; a longer collection.interval lets it run in between).
constexpr double kPassGapSeconds = 2.0;

}  // namespace

Housekeeper::~Housekeeper() { Stop(); }

void Housekeeper::Start() {
  if (thread_) return;
  thread_ = std::make_unique<PeriodicThread>(
      kPeriod,
      [this] {
        if (MonotonicSeconds() - last_return_.load() >= kPassGapSeconds) ReturnIdleMemory();
      },
      "netif-housekeep");
}

void Housekeeper::Stop() {
  if (thread_) thread_->Stop();
}

void Housekeeper::AfterPass() { ReturnIdleMemory(); }

void Housekeeper::ReturnIdleMemory() {
  SpareChunks::Shared().ReleaseIfIdle(std::chrono::seconds(1));
  malloc_trim(0);
  last_return_ = MonotonicSeconds();
}

}  // namespace netif
