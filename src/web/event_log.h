// The recent link and anomaly events the page lists: a bounded ring, newest last. The store's
// writers add to it (under the store's lock, so Add only copies under its own short mutex); the
// API reads a copy.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "model/interface_record.h"

namespace netif {

struct PageEvent {
  uint64_t sequence = 0;  // set by EventLog::Add: increasing, so a client can tell new ones
  double unix_seconds = 0;
  InterfaceKey key;
  std::string name;
  std::string kind;  // "link" (oper state) or "anomaly"
  std::string from;  // "up", "down", ... for a link; "" or the anomaly kind for an anomaly
  std::string to;    // for an anomaly: its kind when it starts, "" when it ends
  bool operator==(const PageEvent&) const = default;
};

class EventLog {
 public:
  static constexpr std::size_t kDefaultCapacity = 500;
  explicit EventLog(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Keeps `event` (its sequence replaced by the next one); the oldest goes beyond the capacity.
  void Add(PageEvent event);
  // Every event kept, oldest first.
  std::vector<PageEvent> Events() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<PageEvent> events_;
  uint64_t next_sequence_ = 1;
};

}  // namespace netif
