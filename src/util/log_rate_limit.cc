#include "util/log_rate_limit.h"

#include <algorithm>

namespace netif {

LogRateLimit::LogRateLimit(double per_second, double burst)
    : per_second_(per_second), burst_(burst), tokens_(burst) {}

bool LogRateLimit::Allow(double now, uint64_t* suppressed) {
  std::lock_guard lock(mutex_);
  if (started_ && now > last_) tokens_ = std::min(burst_, tokens_ + (now - last_) * per_second_);
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ < 1) {
    ++suppressed_;
    return false;
  }
  tokens_ -= 1;
  *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace netif
