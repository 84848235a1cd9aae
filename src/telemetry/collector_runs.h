// One collector's runs: the one place that sets netif_scrape_collector_success{collector} and
// netif_scrape_collector_duration_seconds{collector}, and that logs "collector failed" and
// "collector recovered" once per change of state, the way node_exporter's framework does it for
// every collector. A source wraps each unit of work (a pass, a dump, a poll) in Time(), or
// reports one it measured itself with Record(); it never sets those gauges on its own.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/self_metrics.h"
#include "util/status.h"

namespace netif {

class CollectorRuns {
 public:
  // `collector` is the label value ("procfs", "netlink", ...). Its series appear with the first
  // run recorded: a collector that has not run yet says nothing rather than "failed".
  CollectorRuns(SelfMetrics& self_metrics, std::string collector);
  // Removes the collector's series: a source that a reload stopped for good must not leave its
  // last outcome behind (a rebuilt one shows its own with its first run).
  ~CollectorRuns();
  CollectorRuns(const CollectorRuns&) = delete;
  CollectorRuns& operator=(const CollectorRuns&) = delete;

  // Runs `run` (returning a Status) and records its outcome and duration.
  template <typename Run>
  Status Time(Run&& run) {
    const auto start = std::chrono::steady_clock::now();
    Status status = run();
    Record(status, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return status;
  }

  // A run measured elsewhere (a netlink dump ends on a later datagram than the one that asked
  // for it), or a failure outside any run (duration 0). `retry_in`, when the source will try
  // again after a backoff, is added to the failure line.
  void Record(const Status& status, double duration_seconds,
              std::optional<std::chrono::milliseconds> retry_in = std::nullopt);

  const std::string& collector() const { return collector_; }

 private:
  SelfMetrics& self_metrics_;
  const std::string collector_;
  std::mutex mutex_;  // guards the members below
  prometheus::Gauge* success_ = nullptr;
  prometheus::Gauge* duration_ = nullptr;
  bool healthy_ = true;  // logs only changes: a collector that stays down is logged once
};

}  // namespace netif
