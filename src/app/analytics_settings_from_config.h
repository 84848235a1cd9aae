// The app's glue for the analytics: the validated config's `analytics:` section turned into the
// AnalyticsSettings every interface shares, and the log line for each anomaly start and end the
// store reports (analytics do no I/O themselves).
//
// Thread-safety: AnalyticsSettingsFromConfig is pure; LogAnomalyEvent is safe for concurrent use
// (it only logs).
#pragma once

#include <memory>

#include "analytics/analytics_settings.h"
#include "config/config.h"
#include "store/store.h"

namespace netif {

// Windows are named with FormatDuration(), the config's canonical spelling, so `window` labels
// read "1m", "5m", "1h" whether the file said "60s" or "1m". Anomaly detector tuning keeps the
// AnomalySettings defaults (not configurable).
std::shared_ptr<const AnalyticsSettings> AnalyticsSettingsFromConfig(const AnalyticsConfig& config);

// One structured line per anomaly start (warn) and end (info), e.g.
//   level=warn msg="anomaly started" source=local interface=eth0 kind=spike score=0.93 ...
void LogAnomalyEvent(const AnomalyEvent& event);

}  // namespace netif
