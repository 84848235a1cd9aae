#include "analytics/counter_tracker.h"

namespace netif {
namespace {

constexpr uint64_t kCounter32Range = uint64_t{1} << 32;
constexpr uint64_t kCounter32Max = kCounter32Range - 1;

constexpr uint8_t Bit(std::size_t i) { return static_cast<uint8_t>(1u << i); }

bool IsBytes(Tracked counter) {
  return counter == Tracked::kReceiveBytes || counter == Tracked::kTransmitBytes;
}

}  // namespace

CounterStep ClassifyCounterStep(uint64_t previous, uint64_t current, bool wraps_at_32_bits,
                                double seconds, std::optional<double> max_per_second) {
  if (current >= previous) return {StepKind::kIncrease, current - previous};
  // A value above 2^32 - 1 cannot come from a 32-bit counter: whatever happened, it was no wrap.
  if (!wraps_at_32_bits || previous > kCounter32Max) return {StepKind::kReset, 0};
  const uint64_t wrapped = (kCounter32Range - previous) + current;
  const bool plausible = max_per_second ? static_cast<double>(wrapped) <= *max_per_second * seconds
                                        : wrapped < kCounter32Range / 2;
  if (!plausible) return {StepKind::kReset, 0};
  return {StepKind::kWrap, wrapped};
}

std::optional<double> MaxPlausibleRate(Tracked counter, std::optional<double> capacity_bps) {
  if (!capacity_bps) return std::nullopt;
  const double per_second = IsBytes(counter) ? *capacity_bps / 8 : *capacity_bps / kMinFrameBits;
  return per_second * kWrapPlausibilityMargin;
}

void CounterTracker::Rebase(const CounterSet& counters, double monotonic_seconds) {
  present_ = 0;
  wraps32_ = 0;
  for (std::size_t i = 0; i < kTrackedCount; ++i) {
    const Counter c = kTrackedCounters[i];
    if (!counters.Has(c)) continue;
    previous_[i] = *counters.Get(c);
    present_ |= Bit(i);
    if (counters.WrapsAt32Bits(c)) wraps32_ |= Bit(i);
  }
  previous_seconds_ = monotonic_seconds;
  started_ = true;
}

CounterTracker::Result CounterTracker::Update(const CounterSet& counters, double monotonic_seconds,
                                              std::optional<double> capacity_bps) {
  Result result;
  result.end_seconds = monotonic_seconds;
  bool any_present = false;
  for (const Counter c : kTrackedCounters) any_present = any_present || counters.Has(c);
  if (!any_present) {
    result.outcome = Outcome::kNoCounters;
    return result;
  }
  if (!started_) {
    Rebase(counters, monotonic_seconds);
    result.outcome = Outcome::kFirst;
    return result;
  }
  if (!(monotonic_seconds - previous_seconds_ >= kMinIntervalSeconds)) {
    result.outcome = Outcome::kTooSoon;
    return result;
  }

  const double seconds = monotonic_seconds - previous_seconds_;
  bool reset = false;
  for (std::size_t i = 0; i < kTrackedCount && !reset; ++i) {
    const Counter c = kTrackedCounters[i];
    if (!counters.Has(c) || (present_ & Bit(i)) == 0) continue;  // appeared or vanished: no delta
    const bool wraps32 = counters.WrapsAt32Bits(c);
    if (wraps32 != ((wraps32_ & Bit(i)) != 0)) {
      reset = true;
      break;
    }
    const auto tracked = static_cast<Tracked>(i);
    const CounterStep step = ClassifyCounterStep(previous_[i], *counters.Get(c), wraps32, seconds,
                                                 MaxPlausibleRate(tracked, capacity_bps));
    if (step.kind == StepKind::kReset) {
      reset = true;
      break;
    }
    if (step.kind == StepKind::kWrap) ++result.wraps;
    result.deltas.Set(tracked, step.delta);
  }

  result.start_seconds = previous_seconds_;
  Rebase(counters, monotonic_seconds);
  if (reset) {
    result.outcome = Outcome::kReset;
    result.deltas = CounterDeltas();
    result.wraps = 0;
    result.start_seconds = 0;
    return result;
  }
  result.outcome = Outcome::kDeltas;
  return result;
}

}  // namespace netif
