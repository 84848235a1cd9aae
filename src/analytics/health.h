// Interface health over a sliding window (5m by default): the error ratio and the drop ratio,
//   error_ratio = (rx_errors + tx_errors) / (rx_packets + tx_packets)
//   drop_ratio  = (rx_drops  + tx_drops)  / (rx_packets + tx_packets)
// counted over the window only (deltas, never totals since boot, so an old burst of errors ages
// out), and a problem flag per kind when the ratio is above its threshold.
//
// With no packets in the window the ratio is undefined and absent; the problem flag is then 1 if
// errors (drops) did occur (a link that only fails is the worst case, not a healthy one) and 0
// otherwise (an idle link is healthy). A kind whose counters the source does not report gives no
// ratio and no problem. The window has the resolution of time_buckets.h: window / 12.
//
// Thread-safety: REQUIRES external synchronization. No allocation.
#pragma once

#include <optional>

#include "analytics/analytics_settings.h"
#include "analytics/counter_tracker.h"
#include "analytics/time_buckets.h"
#include "model/derived_metrics.h"

namespace netif {

inline constexpr int kHealthBuckets = 12;

struct HealthJudgement {
  MaybeDouble error_ratio;
  MaybeDouble drop_ratio;
  bool error_problem = false;
  bool drop_problem = false;
  bool operator==(const HealthJudgement&) const = default;
};

// Judges counts over one window; `errors` / `drops` are nullopt when not reported.
HealthJudgement JudgeHealth(double packets, std::optional<double> errors,
                            std::optional<double> drops, const HealthSettings& settings);

class HealthWindow {
 public:
  // REQUIRES: window_seconds > 0.
  explicit HealthWindow(double window_seconds) : ring_(window_seconds) {}

  void AdvanceTo(double now) { ring_.AdvanceTo(now); }
  // The deltas measured over (start, end]. REQUIRES: AdvanceTo(end) was called.
  void Add(double start, double end, const CounterDeltas& deltas);
  // Over the window ending at the latest AdvanceTo; which kinds are reported follows the latest
  // Add.
  HealthJudgement Judge(const HealthSettings& settings) const;

  // Warm restart (analytics_state.cc): a saved window of another length is dropped (empty).
  void Save(ByteWriter& out) const;
  bool Load(ByteReader& in, double monotonic_shift);

 private:
  // float: ratios need a few digits, and 12 bytes per bucket keep the window at 160 bytes.
  struct Bucket {
    float packets = 0;
    float errors = 0;
    float drops = 0;
  };

  TimeBuckets<Bucket, kHealthBuckets> ring_;
  bool packets_reported_ = false;
  bool errors_reported_ = false;
  bool drops_reported_ = false;
};

}  // namespace netif
