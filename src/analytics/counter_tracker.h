// Counter deltas between consecutive samples of one interface, with 32-bit wraps and resets
// told apart.
//
// The rules (src/analytics/README.md has the reasoning):
// - A counter that did not decrease moved by current - previous.
// - A 64-bit counter that decreased was reset (driver reload, interface re-created, device
//   reboot): 2^64 is never reached in practice, so a decrease cannot be a wrap.
// - A 32-bit counter (SNMP Counter32) that decreased either wrapped once, moving by
//   2^32 - previous + current, or was reset. The wrap is accepted only when it is plausible:
//   with a known link capacity, when the implied rate is at most kWrapPlausibilityMargin times the
//   fastest the link can count (capacity/8 bytes/s, or capacity/672 packets/s: minimum Ethernet
//   frames with preamble and gap); with an unknown capacity, when the wrapped delta is less than
//   half the counter range (a wrap needs the previous value near the top; a reset lands near 0
//   from anywhere). More than one wrap per interval cannot be detected by anyone.
// - A counter whose width changed (an agent falling back from HC to 32-bit counters) was reset.
// - A reset of any tracked counter makes the whole sample a reset: a device that reboots resets
//   them all, and one that has grown past its old value would otherwise give a silently wrong
//   delta. Every counter is then re-based on this sample.
// - A sample less than kMinIntervalSeconds after the baseline (out of order, a duplicate, or too
//   close to measure: one 1500-byte frame in 1 ms reads as 12 Mbit/s) is ignored and the baseline
//   kept, so the next sample measures over the longer interval. The exporter's own start takes
//   two samples a millisecond apart; an event source may add one just after a periodic sample.
//
// Thread-safety: REQUIRES external synchronization. No allocation; O(1) per sample.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "model/interface_record.h"
#include "util/byte_codec.h"

namespace netif {

// The counters the analytics read, in a fixed order: receive then transmit, each bytes, packets,
// errors, drops.
enum class Tracked : uint8_t {
  kReceiveBytes,
  kReceivePackets,
  kReceiveErrors,
  kReceiveDrops,
  kTransmitBytes,
  kTransmitPackets,
  kTransmitErrors,
  kTransmitDrops,
};
inline constexpr std::size_t kTrackedCount = 8;
inline constexpr std::array<Counter, kTrackedCount> kTrackedCounters = {
    Counter::kReceiveBytes,   Counter::kReceivePackets, Counter::kReceiveErrors,
    Counter::kReceiveDrop,    Counter::kTransmitBytes,  Counter::kTransmitPackets,
    Counter::kTransmitErrors, Counter::kTransmitDrop};

// A wrap may imply a rate up to this factor above the link's nominal maximum (timestamps jitter,
// and a sample's counters are read a little after its timestamp was taken).
inline constexpr double kWrapPlausibilityMargin = 1.25;
// The shortest interval a rate is measured over (the shortest collection interval is 100 ms).
inline constexpr double kMinIntervalSeconds = 0.05;
// Bits on the wire per minimum-size Ethernet frame: 64 bytes + 8 preamble + 12 inter-frame gap.
inline constexpr double kMinFrameBits = 84 * 8;

enum class StepKind : uint8_t { kIncrease, kWrap, kReset };

struct CounterStep {
  StepKind kind = StepKind::kIncrease;
  uint64_t delta = 0;  // 0 for a reset
  bool operator==(const CounterStep&) const = default;
};

// Classifies one counter's move from `previous` to `current` over `seconds`.
// `max_per_second` is the highest plausible rate of this counter (nullopt: unknown capacity).
CounterStep ClassifyCounterStep(uint64_t previous, uint64_t current, bool wraps_at_32_bits,
                                double seconds, std::optional<double> max_per_second);

// The highest plausible rate of a tracked counter on a link of `capacity_bps` (nullopt when the
// capacity is unknown): bytes count at capacity/8, the others at most one per minimum frame.
std::optional<double> MaxPlausibleRate(Tracked counter, std::optional<double> capacity_bps);

// Deltas of the tracked counters over one interval; a counter is present only when both samples
// reported it.
class CounterDeltas {
 public:
  void Set(Tracked c, uint64_t delta) {
    values_[Index(c)] = delta;
    present_ = static_cast<uint8_t>(present_ | Bit(c));
  }
  bool Has(Tracked c) const { return (present_ & Bit(c)) != 0; }
  std::optional<uint64_t> Get(Tracked c) const {
    return Has(c) ? std::optional<uint64_t>(values_[Index(c)]) : std::nullopt;
  }
  bool Empty() const { return present_ == 0; }

 private:
  static constexpr std::size_t Index(Tracked c) { return static_cast<std::size_t>(c); }
  static constexpr uint8_t Bit(Tracked c) { return static_cast<uint8_t>(1u << Index(c)); }
  std::array<uint64_t, kTrackedCount> values_{};
  uint8_t present_ = 0;
};

class CounterTracker {
 public:
  enum class Outcome : uint8_t {
    kNoCounters,  // the record carries none of the tracked counters: nothing changed
    kTooSoon,     // less than kMinIntervalSeconds after the baseline: ignored
    kFirst,       // the first sample with counters: baseline only
    kReset,       // a counter was reset: re-based, no deltas
    kDeltas,      // deltas over (start_seconds, end_seconds]
  };
  struct Result {
    Outcome outcome = Outcome::kNoCounters;
    double start_seconds = 0;  // monotonic time of the previous sample (kDeltas only)
    double end_seconds = 0;
    CounterDeltas deltas;
    int wraps = 0;  // 32-bit wraps accepted in this interval
  };

  // `capacity_bps` (nullopt: unknown) bounds the rate a 32-bit wrap may imply.
  Result Update(const CounterSet& counters, double monotonic_seconds,
                std::optional<double> capacity_bps);

  // Warm restart (analytics_state.cc): the baseline; Load adds `monotonic_shift` to its time.
  void Save(ByteWriter& out) const;
  bool Load(ByteReader& in, double monotonic_shift);

 private:
  void Rebase(const CounterSet& counters, double monotonic_seconds);

  std::array<uint64_t, kTrackedCount> previous_{};
  double previous_seconds_ = 0;
  uint8_t present_ = 0;  // bit i: kTrackedCounters[i] was in the previous sample
  uint8_t wraps32_ = 0;  // bit i: ... and was a 32-bit counter
  bool started_ = false;
};

}  // namespace netif
