#include "util/clock.h"

#include <chrono>

namespace netif {

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

SampleTime NowSampleTime() {
  return SampleTime{
      MonotonicSeconds(),
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()};
}

}  // namespace netif
