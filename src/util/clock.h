// Clocks: monotonic seconds for elapsed time, wall seconds for display and time of day.
#pragma once

namespace netif {

double MonotonicSeconds();
double UnixSeconds();

}  // namespace netif
