#include "analytics/rate.h"

#include <algorithm>

namespace netif {
namespace {

MaybeDouble PerSecond(std::optional<uint64_t> delta, double scale, double seconds) {
  if (!delta) return std::nullopt;
  return static_cast<double>(*delta) * scale / seconds;
}

}  // namespace

DirectionRates RatesOf(const CounterDeltas& deltas, Direction direction, double seconds) {
  const bool rx = direction == Direction::kReceive;
  DirectionRates rates;
  rates.bits_per_second =
      PerSecond(deltas.Get(rx ? Tracked::kReceiveBytes : Tracked::kTransmitBytes), 8, seconds);
  rates.packets_per_second =
      PerSecond(deltas.Get(rx ? Tracked::kReceivePackets : Tracked::kTransmitPackets), 1, seconds);
  rates.errors_per_second =
      PerSecond(deltas.Get(rx ? Tracked::kReceiveErrors : Tracked::kTransmitErrors), 1, seconds);
  rates.drops_per_second =
      PerSecond(deltas.Get(rx ? Tracked::kReceiveDrops : Tracked::kTransmitDrops), 1, seconds);
  return rates;
}

std::optional<double> CapacityBps(const std::map<std::string, uint64_t, std::less<>>& overrides,
                                  std::string_view name, const LinkAttributes& attributes) {
  // Usually empty: then no lookup at all. Otherwise O(log overrides), never O(interfaces).
  if (!overrides.empty()) {
    if (auto it = overrides.find(name); it != overrides.end() && it->second > 0) {
      return static_cast<double>(it->second);
    }
  }
  if (attributes.speed_bps && *attributes.speed_bps > 0) {
    return static_cast<double>(*attributes.speed_bps);
  }
  return std::nullopt;
}

Utilization UtilizationOf(MaybeDouble receive_bps, MaybeDouble transmit_bps,
                          std::optional<double> capacity_bps, std::optional<Duplex> duplex) {
  Utilization u;
  if (!capacity_bps || !(*capacity_bps > 0)) return u;
  if (receive_bps) u.receive = *receive_bps / *capacity_bps;
  if (transmit_bps) u.transmit = *transmit_bps / *capacity_bps;
  if (u.receive && u.transmit) {
    u.combined =
        duplex == Duplex::kHalf ? *u.receive + *u.transmit : std::max(*u.receive, *u.transmit);
  }
  return u;
}

}  // namespace netif
