#include "analytics/interface_analytics.h"

#include <utility>

namespace netif {

InterfaceAnalytics::InterfaceAnalytics(std::shared_ptr<const AnalyticsSettings> settings)
    : settings_(std::move(settings)) {}

void InterfaceAnalytics::OnSample(const InterfaceRecord& /*record*/, const SampleTime& /*time*/) {}

}  // namespace netif
