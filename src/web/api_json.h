// The page's JSON API, version 1 (docs/api.md): each body rendered from an immutable snapshot or
// a copy, never from collection state.
//
// Thread-safety: pure functions over their arguments (HistoryBook locks itself).
#pragma once

#include <prometheus/metric_family.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/snapshot.h"
#include "web/event_log.h"
#include "web/rate_history.h"

namespace netif {

inline constexpr int kApiVersion = 1;

// GET /api/v1/interfaces: one object per interface of `snapshot`, in its order. `history` (may be
// null) gives the flaps of the last hour.
std::string RenderInterfacesJson(const Snapshot& snapshot, const HistoryBook* history,
                                 double now_unix_seconds);

// GET /api/v1/history: each interface's last hour, a point a minute, oldest first.
std::string RenderHistoryJson(const Snapshot& snapshot, const HistoryBook& history,
                              double now_unix_seconds);

// GET /api/v1/events: the events kept, oldest first.
std::string RenderEventsJson(const std::vector<PageEvent>& events, double now_unix_seconds);

// One SNMP target's health, as its self-metrics say.
struct TargetStatus {
  std::string name;
  std::optional<bool> up;
  std::optional<double> last_success_unix_seconds;
  std::optional<double> poll_duration_seconds;
  std::optional<double> interfaces;
  std::map<std::string, double> errors;  // by kind
  bool operator==(const TargetStatus&) const = default;
};

// The targets the netif_snmp_* self-metric families describe, sorted by name.
std::vector<TargetStatus> TargetsFromSelfMetrics(
    const std::vector<prometheus::MetricFamily>& families);

// GET /api/v1/targets.
std::string RenderTargetsJson(const std::vector<TargetStatus>& targets, double now_unix_seconds);

// GET /api/v1/status: build information and the configuration summary, each a list of name and
// value pairs (the caller leaves every secret out).
using NamedValues = std::vector<std::pair<std::string, std::string>>;
std::string RenderStatusJson(const NamedValues& build, const NamedValues& config,
                             double now_unix_seconds);

}  // namespace netif
