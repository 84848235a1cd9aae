// Link-state history the exporter observed itself (from rtnetlink events), as opposed to what the
// device reports: flaps shorter than a scrape interval are counted here.
//
// Thread-safety: plain value; no internal synchronization.
#pragma once

#include <cstdint>
#include <optional>

namespace netif {

struct LinkHistory {
  uint64_t transitions_up = 0;                     // times the link entered oper state "up"
  uint64_t transitions_down = 0;                   // times it left "up"
  std::optional<double> last_change_unix_seconds;  // when the oper state last changed
  bool operator==(const LinkHistory&) const = default;
};

}  // namespace netif
