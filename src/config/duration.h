// Prometheus-style durations ("500ms", "1s", "1m30s", "2d"), so a Prometheus user writes the same
// spellings here as in prometheus.yml.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/values.h"

namespace netif {

// One or more <digits><unit> terms, units in strictly decreasing order, each at most once:
// y (365d), w (7d), d, h, m, s, ms. Examples: "1s", "500ms", "1m30s", "1h", "2d", "0s".
// A bare number ("5") is refused with a hint, since nobody can tell whether it meant seconds or
// milliseconds.
OrError<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The canonical spelling ParseDuration reads back as the same value: "1m30s", "500ms", "0s".
// Uses d, h, m, s, ms only (never y or w, which read ambiguously in a config file).
std::string FormatDuration(std::chrono::milliseconds duration);

// nullopt when min <= duration <= max, else the reason ("10ms is below the minimum 100ms").
std::optional<std::string> CheckDurationRange(std::chrono::milliseconds duration,
                                              std::chrono::milliseconds min,
                                              std::chrono::milliseconds max);

}  // namespace netif
