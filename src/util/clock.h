// Clocks: monotonic seconds for elapsed time, wall seconds for display and time of day.
#pragma once

#include <chrono>

namespace netif {

double MonotonicSeconds();
double UnixSeconds();

// A duration as the seconds the clocks above count in.
template <typename Rep, typename Period>
constexpr double ToSeconds(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace netif
