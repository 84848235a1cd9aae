// The two clocks a sample carries: monotonic for elapsed time, wall for display and time of day.
#pragma once

#include "model/sample_time.h"

namespace netif {

SampleTime NowSampleTime();
double MonotonicSeconds();

}  // namespace netif
