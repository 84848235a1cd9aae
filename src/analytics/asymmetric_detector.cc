#include "analytics/asymmetric_detector.h"

namespace netif {
namespace {

// Durations compare with this slack, so 60 intervals of "1 s" whose float timestamps sum to
// 59.9999999 s still make a minute.
constexpr double kTimeSlackSeconds = 1e-6;

}  // namespace

bool IsAsymmetric(double receive_bps, double transmit_bps, const AsymmetricSettings& settings) {
  return transmit_bps > settings.min_bps && transmit_bps > settings.ratio * receive_bps;
}

bool AsymmetricDetector::Observe(double start, double end, double receive_bps, double transmit_bps,
                                 const AsymmetricSettings& settings) {
  const bool condition = IsAsymmetric(receive_bps, transmit_bps, settings);
  if (condition == active_) {
    pending_since_ = kNone;
    return active_;
  }
  if (pending_since_ == kNone) pending_since_ = start;
  const double needed = active_ ? settings.release_seconds : settings.sustain_seconds;
  if (end - pending_since_ >= needed - kTimeSlackSeconds) {
    active_ = condition;
    pending_since_ = kNone;
  }
  return active_;
}

}  // namespace netif
