#include "app/analytics_settings_from_config.h"

#include <chrono>
#include <string>
#include <utility>

#include "model/device_class.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/log_rate_limit.h"

namespace netif {
namespace {

AnalyticsWindow WindowOf(std::chrono::milliseconds duration) {
  return {FormatDuration(duration), std::chrono::duration<double>(duration).count()};
}

// A missing value is logged as an empty string rather than as a made-up number.
LogField Field(std::string_view key, MaybeDouble value) {
  return value ? LogField(key, *value) : LogField(key, "");
}

}  // namespace

std::shared_ptr<const AnalyticsSettings> AnalyticsSettingsFromConfig(
    const AnalyticsConfig& config) {
  auto windows = std::make_shared<AnalyticsWindows>();
  for (const auto window : config.windows) {
    if (windows->utilization.size() == kMaxUtilizationWindows) break;  // the config caps it too
    windows->utilization.push_back(WindowOf(window));
  }
  windows->health = WindowOf(config.health.window);

  auto settings = std::make_shared<AnalyticsSettings>();
  settings->windows = std::move(windows);
  settings->capacity_bps = config.capacity_bps;
  settings->health.error_ratio = config.health.error_ratio;
  settings->health.drop_ratio = config.health.drop_ratio;
  settings->anomaly_enabled = config.anomaly.enabled;
  settings->anomaly.min_traffic = static_cast<double>(config.anomaly.min_bps);
  settings->anomaly_classes = 0;
  for (const std::string& name : config.anomaly.classes) {
    if (const auto device_class = DeviceClassFromName(name)) {
      settings->anomaly_classes |= MaskOf(*device_class);
    }
  }
  settings->asymmetric.enabled = config.asymmetric.enabled;
  settings->asymmetric.ratio = config.asymmetric.ratio;
  settings->asymmetric.min_bps = static_cast<double>(config.asymmetric.min_bps);
  return settings;
}

void LogAnomalyEvent(const AnomalyEvent& event) {
  // Thousands of interfaces can start or end anomalies in the same sample: a burst is logged in
  // full, a flood thinned (the metrics carry every one).
  static LogRateLimit limit(/*per_second=*/10, /*burst=*/200);
  uint64_t suppressed = 0;
  if (!limit.Allow(MonotonicSeconds(), &suppressed)) return;
  if (suppressed > 0) LogInfo("anomaly event lines suppressed", {{"count", suppressed}});
  // A start is worth a warning; its end is ordinary news.
  const auto log = event.started ? &LogWarn : &LogInfo;
  log(event.started ? "anomaly started" : "anomaly ended",
      {{"source", event.key.source},
       {"interface", event.name},
       {"kind", AnomalyKindName(event.kind)},
       Field("score", event.score),
       Field("receive_bps", event.receive_bits_per_second),
       Field("transmit_bps", event.transmit_bits_per_second)});
}

}  // namespace netif
