// The asymmetric-traffic rule: an interface that transmits far more than it receives, e.g. a host
// uploading a large amount of data (a possible exfiltration signal), or a one-way stream.
//
// Condition on one sample interval: tx_bps > ratio * rx_bps AND tx_bps > min_bps (defaults 10 and
// 10 Mbit/s; the floor keeps an idle link's few packets from counting). The flag is debounced in
// time, not in samples, so it means the same at any sampling interval:
// - it rises once the condition has held without interruption for sustain_seconds (60 s),
//   measured from the start of the first interval where it held (one 60 s SNMP poll interval
//   that averaged asymmetric qualifies; with 1 s samples it takes 60 consecutive ones);
// - it falls once the condition has failed without interruption for release_seconds (60 s), so
//   traffic hovering at the threshold is one long anomaly rather than many short ones.
// A gap (first sample, counter reset) interrupts both countdowns but keeps the flag.
//
// Thread-safety: REQUIRES external synchronization. 16 bytes, no allocation; the settings are
// passed in (shared by every interface) rather than copied.
#pragma once

#include "analytics/analytics_settings.h"
#include "util/byte_codec.h"

namespace netif {

// True when one interval's rates meet the asymmetric condition.
bool IsAsymmetric(double receive_bps, double transmit_bps, const AsymmetricSettings& settings);

class AsymmetricDetector {
 public:
  // One interval (start, end] with its rates; returns whether the flag is up after it.
  bool Observe(double start, double end, double receive_bps, double transmit_bps,
               const AsymmetricSettings& settings);
  // No rates for an interval: the countdowns start over.
  void MarkGap() { pending_since_ = kNone; }
  bool active() const { return active_; }

  // Warm restart (analytics_state.cc); `apply` false reads and drops it (settings changed).
  void Save(ByteWriter& out) const;
  bool Load(ByteReader& in, double monotonic_shift, bool apply);

 private:
  static constexpr double kNone = -1e300;

  double pending_since_ = kNone;  // start of the run of intervals disagreeing with active_
  bool active_ = false;
};

}  // namespace netif
