// A token bucket for one kind of log line (link events, anomaly events): a burst is logged in
// full, a flood is thinned to a steady rate, and the next line that gets through says how many
// were left out, so the log stays readable and bounded while nothing goes unaccounted.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <cstdint>
#include <mutex>

namespace netif {

class LogRateLimit {
 public:
  // `per_second` lines on average, up to `burst` at once. REQUIRES: both > 0.
  LogRateLimit(double per_second, double burst);

  // Whether a line may be logged at `now` (monotonic seconds). When it may, `*suppressed` is the
  // number of lines refused since the last one allowed (0 usually).
  bool Allow(double now, uint64_t* suppressed);

 private:
  const double per_second_;
  const double burst_;
  std::mutex mutex_;  // guards the members below
  double tokens_;
  double last_ = 0;
  bool started_ = false;
  uint64_t suppressed_ = 0;
};

}  // namespace netif
