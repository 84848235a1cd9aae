#include "analytics/health.h"

namespace netif {
namespace {

// One kind (errors or drops): the ratio when there were packets, and whether it is a problem.
void JudgeKind(double packets, std::optional<double> failures, double threshold, MaybeDouble& ratio,
               bool& problem) {
  if (!failures) return;
  if (packets > 0) {
    ratio = *failures / packets;
    problem = *ratio > threshold;
  } else {
    problem = *failures > 0;
  }
}

// The sum of the two directions' deltas of one kind; nullopt when neither is reported.
std::optional<double> SumOf(const CounterDeltas& deltas, Tracked rx, Tracked tx) {
  const auto a = deltas.Get(rx);
  const auto b = deltas.Get(tx);
  if (!a && !b) return std::nullopt;
  return static_cast<double>(a.value_or(0)) + static_cast<double>(b.value_or(0));
}

}  // namespace

HealthJudgement JudgeHealth(double packets, std::optional<double> errors,
                            std::optional<double> drops, const HealthSettings& settings) {
  HealthJudgement judgement;
  JudgeKind(packets, errors, settings.error_ratio, judgement.error_ratio, judgement.error_problem);
  JudgeKind(packets, drops, settings.drop_ratio, judgement.drop_ratio, judgement.drop_problem);
  return judgement;
}

void HealthWindow::Add(double start, double end, const CounterDeltas& deltas) {
  const auto packets = SumOf(deltas, Tracked::kReceivePackets, Tracked::kTransmitPackets);
  const auto errors = SumOf(deltas, Tracked::kReceiveErrors, Tracked::kTransmitErrors);
  const auto drops = SumOf(deltas, Tracked::kReceiveDrops, Tracked::kTransmitDrops);
  packets_reported_ = packets.has_value();
  errors_reported_ = errors.has_value();
  drops_reported_ = drops.has_value();
  const double seconds = end - start;
  ring_.Spread(start, end, [&](Bucket& bucket, double overlap) {
    const double share = overlap / seconds;
    bucket.packets += static_cast<float>(packets.value_or(0) * share);
    bucket.errors += static_cast<float>(errors.value_or(0) * share);
    bucket.drops += static_cast<float>(drops.value_or(0) * share);
  });
}

HealthJudgement HealthWindow::Judge(const HealthSettings& settings) const {
  if (!packets_reported_) return {};
  double packets = 0, errors = 0, drops = 0;
  ring_.ForEach([&](const Bucket& bucket) {
    packets += bucket.packets;
    errors += bucket.errors;
    drops += bucket.drops;
  });
  return JudgeHealth(packets, errors_reported_ ? std::optional<double>(errors) : std::nullopt,
                     drops_reported_ ? std::optional<double>(drops) : std::nullopt, settings);
}

}  // namespace netif
