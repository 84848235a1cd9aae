#include "telemetry/collector_watch.h"

#include <algorithm>

#include "telemetry/collector_runs.h"
#include "util/clock.h"

namespace netif {

void CollectorWatch::Add(CollectorRuns* runs) {
  std::lock_guard lock(mutex_);
  watched_.push_back(runs);
}

void CollectorWatch::Remove(CollectorRuns* runs) {
  std::lock_guard lock(mutex_);
  watched_.erase(std::remove(watched_.begin(), watched_.end(), runs), watched_.end());
}

std::vector<std::string> CollectorWatch::CheckStuck() {
  const double now = MonotonicSeconds();
  std::vector<std::string> stuck;
  std::lock_guard lock(mutex_);
  for (CollectorRuns* runs : watched_) {
    if (runs->CheckStuck(now)) stuck.push_back(runs->collector());
  }
  return stuck;
}

}  // namespace netif
