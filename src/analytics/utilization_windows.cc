#include "analytics/utilization_windows.h"

#include <algorithm>

namespace netif {

UtilizationWindows::UtilizationWindows(std::span<const AnalyticsWindow> windows) {
  const std::size_t count = std::min(windows.size(), kMaxUtilizationWindows);
  windows_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) windows_.emplace_back(windows[i].seconds);
}

void UtilizationWindows::Rewindow(std::span<const AnalyticsWindow> old_windows,
                                  std::span<const AnalyticsWindow> windows) {
  const std::size_t count = std::min(windows.size(), kMaxUtilizationWindows);
  std::vector<Ring> rings;
  rings.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t old = 0;
    while (old < windows_.size() && old < old_windows.size() &&
           old_windows[old].seconds != windows[i].seconds) {
      ++old;
    }
    if (old < windows_.size() && old < old_windows.size()) {
      rings.push_back(windows_[old]);
    } else {
      rings.emplace_back(windows[i].seconds);
    }
  }
  windows_ = std::move(rings);
}

void UtilizationWindows::AdvanceTo(double now) {
  for (Ring& ring : windows_) ring.AdvanceTo(now);
}

void UtilizationWindows::Add(double start, double end, double utilization) {
  const auto u = static_cast<float>(utilization);
  for (Ring& ring : windows_) {
    ring.Spread(start, end, [u](Bucket& bucket, double seconds) {
      bucket.weighted_sum += u * static_cast<float>(seconds);
      bucket.seconds += static_cast<float>(seconds);
      bucket.peak = std::max(bucket.peak, u);
    });
  }
}

WindowUtilization UtilizationWindows::Get(std::size_t i) const {
  double weighted_sum = 0;
  double seconds = 0;
  double peak = 0;
  windows_[i].ForEach([&](const Bucket& bucket) {
    if (bucket.seconds <= 0) return;
    weighted_sum += bucket.weighted_sum;
    seconds += bucket.seconds;
    peak = std::max<double>(peak, bucket.peak);
  });
  WindowUtilization result;
  if (seconds > 0) {
    result.average = weighted_sum / seconds;
    result.peak = peak;
  }
  return result;
}

}  // namespace netif
