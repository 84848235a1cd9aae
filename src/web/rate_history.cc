#include "web/rate_history.h"

#include <algorithm>
#include <cmath>

namespace netif {
namespace {

constexpr double kRateStepsPerOctave = 1024;
constexpr double kUtilizationSteps = 10000;

int64_t MinuteOf(double unix_seconds) {
  return static_cast<int64_t>(std::floor(unix_seconds / 60));
}

uint16_t Peak(uint16_t a, uint16_t b) {
  if (a == kAbsentPoint) return b;
  if (b == kAbsentPoint) return a;
  return std::max(a, b);
}

std::size_t Slot(int64_t minute) { return static_cast<std::size_t>(minute % RateHistory::kPoints); }

}  // namespace

uint16_t QuantizeRate(std::optional<double> bits_per_second) {
  if (!bits_per_second || !std::isfinite(*bits_per_second)) return kAbsentPoint;
  const double steps =
      std::round(std::log2(1 + std::max(0.0, *bits_per_second)) * kRateStepsPerOctave);
  return static_cast<uint16_t>(std::min(steps, double{kAbsentPoint - 1}));
}

std::optional<double> DequantizeRate(uint16_t quantized) {
  if (quantized == kAbsentPoint) return std::nullopt;
  return std::exp2(quantized / kRateStepsPerOctave) - 1;
}

uint16_t QuantizeUtilization(std::optional<double> ratio) {
  if (!ratio || !std::isfinite(*ratio)) return kAbsentPoint;
  const double steps = std::round(std::max(0.0, *ratio) * kUtilizationSteps);
  return static_cast<uint16_t>(std::min(steps, double{kAbsentPoint - 1}));
}

std::optional<double> DequantizeUtilization(uint16_t quantized) {
  if (quantized == kAbsentPoint) return std::nullopt;
  return quantized / kUtilizationSteps;
}

void RateHistory::Observe(int64_t minute, const HistoryPoint& observation) {
  if (minute < newest_minute_ || minute < 0) return;
  if (minute > newest_minute_) {
    // Minutes skipped since the newest are cleared (all of them after an hour or more).
    const int64_t first_new = std::max(newest_minute_ + 1, minute - kPoints + 1);
    for (int64_t m = first_new; m <= minute; ++m) ring_[Slot(m)] = HistoryPoint{};
    newest_minute_ = minute;
  }
  HistoryPoint& point = ring_[Slot(minute)];
  point.receive = Peak(point.receive, observation.receive);
  point.transmit = Peak(point.transmit, observation.transmit);
  point.utilization = Peak(point.utilization, observation.utilization);
  point.link_downs = static_cast<uint16_t>(
      std::min<uint32_t>(uint32_t{point.link_downs} + observation.link_downs, 0xFFFF));
}

std::array<HistoryPoint, RateHistory::kPoints> RateHistory::Points(int64_t now_minute) const {
  std::array<HistoryPoint, kPoints> points{};
  for (int i = 0; i < kPoints; ++i) {
    const int64_t minute = now_minute - (kPoints - 1) + i;
    if (minute >= 0 && minute <= newest_minute_ && minute > newest_minute_ - kPoints) {
      points[static_cast<std::size_t>(i)] = ring_[Slot(minute)];
    }
  }
  return points;
}

void HistoryBook::Record(const Snapshot& snapshot, double unix_seconds) {
  const int64_t minute = MinuteOf(unix_seconds);
  std::lock_guard lock(mutex_);
  std::map<InterfaceKey, Tracked> next;
  for (const auto& view : snapshot.interfaces) {
    auto node = tracked_.extract(view->record.key);
    Tracked tracked =
        node.empty() ? Tracked{{}, view->link.transitions_down} : std::move(node.mapped());
    const DerivedMetrics& derived = view->derived;
    const uint64_t downs = view->link.transitions_down -
                           std::min(view->link.transitions_down, tracked.transitions_down);
    tracked.transitions_down = view->link.transitions_down;
    tracked.history.Observe(minute,
                            HistoryPoint{QuantizeRate(derived.receive.bits_per_second.get()),
                                         QuantizeRate(derived.transmit.bits_per_second.get()),
                                         QuantizeUtilization(derived.utilization.get()),
                                         static_cast<uint16_t>(std::min<uint64_t>(downs, 0xFFFF))});
    next.emplace_hint(next.end(), view->record.key, std::move(tracked));
  }
  tracked_ = std::move(next);
}

std::optional<HistoryBook::Entry> HistoryBook::Find(const InterfaceKey& key,
                                                    double unix_seconds) const {
  const int64_t minute = MinuteOf(unix_seconds);
  std::lock_guard lock(mutex_);
  const auto it = tracked_.find(key);
  if (it == tracked_.end()) return std::nullopt;
  Entry entry{it->second.history.Points(minute), 0};
  for (const HistoryPoint& point : entry.points) entry.link_downs += point.link_downs;
  return entry;
}

std::size_t HistoryBook::size() const {
  std::lock_guard lock(mutex_);
  return tracked_.size();
}

}  // namespace netif
