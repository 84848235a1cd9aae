#include "web/event_log.h"

#include <utility>

namespace netif {

void EventLog::Add(PageEvent event) {
  std::lock_guard lock(mutex_);
  event.sequence = next_sequence_++;
  events_.push_back(std::move(event));
  while (events_.size() > capacity_) events_.pop_front();
}

std::vector<PageEvent> EventLog::Events() const {
  std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

}  // namespace netif
