// One collector's runs: the one place that sets netif_scrape_collector_success{collector},
// netif_scrape_collector_duration_seconds{collector} and
// netif_scrape_collector_last_success_timestamp_seconds{collector}, and that logs "collector
// failed" and "collector recovered" once per change of state, the way node_exporter's framework
// does it for every collector. A source wraps each unit of work (a pass, a dump, a poll) in
// Time(), or reports one it measured itself with Record(); it never sets those gauges on its own.
//
// Staleness: a collector built with a `stale_after` bound is watched (CollectorWatch, owned by
// SelfMetrics). Every run it records, and every Progress() its thread reports between runs, proves
// the thread is alive; when neither happened for `stale_after`, the watch marks it stuck: success
// 0, one "collector stuck" line, and /-/ready not-ready until it moves again. A thread frozen in a
// read or a lock cannot say so itself, which is why another thread does the checking.
//
// Thread-safety: safe for concurrent use by multiple threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
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
  // `stale_after` of zero leaves the collector unwatched.
  CollectorRuns(SelfMetrics& self_metrics, std::string collector,
                std::chrono::milliseconds stale_after = std::chrono::milliseconds::zero());
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

  // The collector's thread is alive between runs (an event loop's turn, a wait that ended):
  // a source whose runs are rare or event-driven says so at least once per `stale_after`.
  void Progress();

  // Runs that found their interval already gone: the ticks a periodic pass missed.
  void CountOverruns(uint64_t missed);

  // Called by the watch with the current monotonic time: true when the collector made no progress
  // for `stale_after`. The first call that finds it so sets success to 0 and logs once.
  bool CheckStuck(double now_monotonic);

  const std::string& collector() const { return collector_; }

 private:
  void EnsureSeries();  // REQUIRES: mutex_ held

  SelfMetrics& self_metrics_;
  const std::string collector_;
  const double stale_after_seconds_;
  std::atomic<double> last_progress_;  // monotonic seconds
  std::mutex mutex_;                   // guards the members below
  prometheus::Gauge* success_ = nullptr;
  prometheus::Gauge* duration_ = nullptr;
  prometheus::Gauge* last_success_ = nullptr;
  prometheus::Counter* overruns_ = nullptr;
  bool stuck_ = false;
  bool last_ok_ =
      true;  // the last run's outcome, which a stuck collector that moves again gets back
};

}  // namespace netif
