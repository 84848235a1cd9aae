// Rates and utilization over one sample interval.
//
// Rates: delta / seconds (bits: bytes * 8). Utilization, like sar's %ifutil: each direction's
// bits/s over the link capacity; the interface's utilization is max(rx, tx) on a full-duplex link
// (each direction has the whole capacity) and rx + tx on a half-duplex one (both share it). An
// unknown duplex is taken as full: every modern link and every SNMP port whose duplex is not
// reported is full duplex, and max() never overstates a full-duplex link. Ratios are not clamped
// at 1: a value above 1 says the configured or reported capacity is wrong.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/counter_tracker.h"
#include "model/derived_metrics.h"
#include "model/interface_record.h"

namespace netif {

enum class Direction : uint8_t { kReceive, kTransmit };

// Per-second rates of one direction from the deltas over `seconds` (> 0).
DirectionRates RatesOf(const CounterDeltas& deltas, Direction direction, double seconds);

// The link capacity in bits/s the analytics divide by: the configured override for this device
// name, else the reported speed; nullopt when neither is known (a speed of 0 is unknown).
std::optional<double> CapacityBps(const std::map<std::string, uint64_t, std::less<>>& overrides,
                                  std::string_view name, const LinkAttributes& attributes);

struct Utilization {
  MaybeDouble combined;
  MaybeDouble receive;
  MaybeDouble transmit;
  bool operator==(const Utilization&) const = default;
};

// Everything absent when the capacity is unknown; `combined` absent unless both directions are.
Utilization UtilizationOf(MaybeDouble receive_bps, MaybeDouble transmit_bps,
                          std::optional<double> capacity_bps, std::optional<Duplex> duplex);

}  // namespace netif
