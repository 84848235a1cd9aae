#include "telemetry/collector_runs.h"

#include <utility>

#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {

constexpr std::string_view kSuccess = "netif_scrape_collector_success";
constexpr std::string_view kDuration = "netif_scrape_collector_duration_seconds";
constexpr std::string_view kLastSuccess = "netif_scrape_collector_last_success_timestamp_seconds";
constexpr std::string_view kOverruns = "netif_scrape_collector_overruns_total";

}  // namespace

CollectorRuns::CollectorRuns(SelfMetrics& self_metrics, std::string collector,
                             std::chrono::milliseconds stale_after)
    : self_metrics_(self_metrics),
      collector_(std::move(collector)),
      stale_after_seconds_(std::chrono::duration<double>(stale_after).count()),
      last_progress_(MonotonicSeconds()) {
  if (stale_after_seconds_ > 0) self_metrics_.collectors().Add(this);
}

CollectorRuns::~CollectorRuns() {
  if (stale_after_seconds_ > 0) self_metrics_.collectors().Remove(this);
  std::lock_guard lock(mutex_);
  if (success_ == nullptr) return;
  const prometheus::Labels labels{{"collector", collector_}};
  self_metrics_.RemoveGauge(kSuccess, labels);
  self_metrics_.RemoveGauge(kDuration, labels);
  self_metrics_.RemoveGauge(kLastSuccess, labels);
  self_metrics_.RemoveCounter(kOverruns, labels);
}

void CollectorRuns::EnsureSeries() {
  if (success_ != nullptr) return;
  const prometheus::Labels labels{{"collector", collector_}};
  success_ = &self_metrics_.Gauge(kSuccess, labels);
  duration_ = &self_metrics_.Gauge(kDuration, labels);
  last_success_ = &self_metrics_.Gauge(kLastSuccess, labels);
  overruns_ = &self_metrics_.Counter(kOverruns, labels);
}

void CollectorRuns::Record(const Status& status, double duration_seconds,
                           std::optional<std::chrono::milliseconds> retry_in) {
  last_progress_ = MonotonicSeconds();
  {
    std::lock_guard lock(mutex_);
    EnsureSeries();
    const bool was_healthy = last_ok_ && !stuck_;
    stuck_ = false;
    last_ok_ = status.ok();
    success_->Set(status.ok() ? 1 : 0);
    duration_->Set(duration_seconds);
    if (status.ok()) last_success_->Set(UnixSeconds());
    if (status.ok() == was_healthy) return;  // logs only changes
  }
  if (status.ok()) {
    LogInfo("collector recovered", {{"collector", collector_}});
  } else if (retry_in) {
    LogError("collector failed", {{"collector", collector_},
                                  {"error", status.message()},
                                  {"retry_in_ms", static_cast<int64_t>(retry_in->count())}});
  } else {
    LogError("collector failed", {{"collector", collector_}, {"error", status.message()}});
  }
}

void CollectorRuns::Progress() {
  last_progress_ = MonotonicSeconds();
  {
    std::lock_guard lock(mutex_);
    if (!stuck_) return;
    // Moving again: back to what its last run said (an event-driven source may not run again
    // for a long time).
    stuck_ = false;
    success_->Set(last_ok_ ? 1 : 0);
    if (!last_ok_) return;  // still failed: nothing recovered
  }
  LogInfo("collector recovered", {{"collector", collector_}});
}

void CollectorRuns::CountOverruns(uint64_t missed) {
  if (missed == 0) return;
  std::lock_guard lock(mutex_);
  EnsureSeries();
  overruns_->Increment(static_cast<double>(missed));
}

bool CollectorRuns::CheckStuck(double now_monotonic) {
  if (stale_after_seconds_ <= 0) return false;
  const double idle = now_monotonic - last_progress_.load();
  if (idle < stale_after_seconds_) return false;
  {
    std::lock_guard lock(mutex_);
    if (stuck_) return true;
    stuck_ = true;  // the run or progress that ends it logs "collector recovered"
    EnsureSeries();
    success_->Set(0);
  }
  LogError("collector stuck", {{"collector", collector_},
                               {"seconds_without_progress", idle},
                               {"stale_after_seconds", stale_after_seconds_}});
  return true;
}

}  // namespace netif
