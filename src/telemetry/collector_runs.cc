#include "telemetry/collector_runs.h"

#include <utility>

#include "util/log.h"

namespace netif {

CollectorRuns::CollectorRuns(SelfMetrics& self_metrics, std::string collector)
    : self_metrics_(self_metrics), collector_(std::move(collector)) {}

CollectorRuns::~CollectorRuns() {
  if (success_ == nullptr) return;
  const prometheus::Labels labels{{"collector", collector_}};
  self_metrics_.RemoveGauge("netif_scrape_collector_success", labels);
  self_metrics_.RemoveGauge("netif_scrape_collector_duration_seconds", labels);
}

void CollectorRuns::Record(const Status& status, double duration_seconds,
                           std::optional<std::chrono::milliseconds> retry_in) {
  {
    std::lock_guard lock(mutex_);
    if (!success_) {
      const prometheus::Labels labels{{"collector", collector_}};
      success_ = &self_metrics_.Gauge("netif_scrape_collector_success", labels);
      duration_ = &self_metrics_.Gauge("netif_scrape_collector_duration_seconds", labels);
    }
    success_->Set(status.ok() ? 1 : 0);
    duration_->Set(duration_seconds);
    if (status.ok() == healthy_) return;
    healthy_ = status.ok();
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

}  // namespace netif
