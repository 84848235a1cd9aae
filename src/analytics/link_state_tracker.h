// Counts link transitions from successive oper-state observations, so that a flap shorter than a
// scrape interval still shows in netif_link_transitions_total.
//
// Thread-safety: REQUIRES external synchronization (the store owns one per interface).
#pragma once

#include <optional>

#include "model/interface_record.h"
#include "model/link_history.h"
#include "util/byte_codec.h"

namespace netif {

class LinkStateTracker {
 public:
  // Records the oper state seen at `unix_seconds`. The first observation sets the baseline without
  // counting a transition: the exporter did not see the link change, it just started watching.
  // Returns true when the state changed.
  bool Observe(OperState state, double unix_seconds);
  const LinkHistory& history() const { return history_; }

  // Warm restart (analytics_state.cc): the last state and the counts (unix time, no shift).
  void Save(ByteWriter& out) const;
  bool Load(ByteReader& in);

 private:
  std::optional<OperState> last_;
  LinkHistory history_;
};

}  // namespace netif
