#include "analytics/link_state_tracker.h"

namespace netif {

bool LinkStateTracker::Observe(OperState state, double unix_seconds) {
  if (!last_.has_value()) {
    last_ = state;
    return false;
  }
  const OperState previous = *last_;
  if (previous == state) return false;
  // Only entering and leaving "up" are transitions: down -> lowerlayerdown -> down is still one
  // outage, and counting each intermediate state would inflate flap counts.
  if (state == OperState::kUp) ++history_.transitions_up;
  if (previous == OperState::kUp) ++history_.transitions_down;
  history_.last_change_unix_seconds = unix_seconds;
  last_ = state;
  return true;
}

}  // namespace netif
