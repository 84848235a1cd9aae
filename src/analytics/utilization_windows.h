// Average and peak utilization over sliding windows (1m, 5m, 1h by default), in memory that does
// not grow with the window: kUtilizationBuckets buckets per window (see time_buckets.h), each
// holding the sum of utilization * seconds, the seconds covered and the highest utilization.
//
// Average: the time-weighted mean, sum(u_i * dt_i) / sum(dt_i) over the sample intervals in the
// window, so a long interval weighs as much as the time it covers. Peak: the highest single-
// interval utilization in the window (a rate is only known per interval, so a burst shorter than
// the sampling interval is averaged into its interval). Time without a known utilization (first
// sample, counter reset, unknown capacity) is left out of both; an empty window is absent.
// Resolution: window / 12 (5 s for 1m, 25 s for 5m, 5 min for 1h).
//
// Thread-safety: REQUIRES external synchronization. Allocates once, in the constructor.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "analytics/time_buckets.h"
#include "model/derived_metrics.h"

namespace netif {

inline constexpr int kUtilizationBuckets = 12;

class UtilizationWindows {
 public:
  // At most kMaxUtilizationWindows windows are kept; each REQUIRES seconds > 0.
  explicit UtilizationWindows(std::span<const AnalyticsWindow> windows);

  // Changes the window list (a config reload): a window whose length is in both lists keeps its
  // buckets, in its new position; a new length starts empty.
  void Rewindow(std::span<const AnalyticsWindow> old_windows,
                std::span<const AnalyticsWindow> windows);

  // Moves every window to end at `now` (monotonic seconds).
  void AdvanceTo(double now);
  // The utilization measured over (start, end]. REQUIRES: AdvanceTo(end) was called.
  void Add(double start, double end, double utilization);

  std::size_t size() const { return windows_.size(); }
  WindowUtilization Get(std::size_t i) const;

  // Heap bytes held (the per-window rings).
  std::size_t HeapBytes() const { return windows_.capacity() * sizeof(Ring); }

 private:
  // float: a ratio needs no more than 7 digits, and 12 bytes per bucket instead of 24 halves
  // what every interface's windows cost.
  struct Bucket {
    float weighted_sum = 0;  // sum of utilization * seconds
    float seconds = 0;       // seconds covered by a known utilization
    float peak = 0;
  };
  using Ring = TimeBuckets<Bucket, kUtilizationBuckets>;

  std::vector<Ring> windows_;
};

}  // namespace netif
