// When a sample was taken: monotonic time for elapsed-time math (rates never see a wall-clock
// step), wall time for what is shown to people (timestamps, time-of-day seasonality).
#pragma once

#include "util/clock.h"

namespace netif {

struct SampleTime {
  double monotonic_seconds = 0;
  double unix_seconds = 0;
};

inline SampleTime NowSampleTime() { return SampleTime{MonotonicSeconds(), UnixSeconds()}; }

}  // namespace netif
