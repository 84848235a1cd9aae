#include "analytics/analytics_settings.h"

namespace netif {

std::shared_ptr<const AnalyticsWindows> DefaultAnalyticsWindows() {
  // One shared instance: default settings are built by every test and tool, and the names must
  // match what the config's FormatDuration() writes for the same defaults.
  static const std::shared_ptr<const AnalyticsWindows> defaults =
      std::make_shared<const AnalyticsWindows>(AnalyticsWindows{
          .utilization = {{"1m", 60}, {"5m", 300}, {"1h", 3600}},
          .health = {"5m", 300},
      });
  return defaults;
}

}  // namespace netif
