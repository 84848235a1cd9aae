#include "app/family_filter_from_config.h"

namespace netif {

std::shared_ptr<const FamilyFilter> FamilyFilterFromConfig(const MetricsConfig& metrics) {
  return std::make_shared<const FamilyFilter>([metrics](std::string_view family) {
    DeviceClassMask classes = 0;
    for (const DeviceClass device_class : kDeviceClasses) {
      if (metrics.Serves(DeviceClassName(device_class), family)) classes |= MaskOf(device_class);
    }
    return classes;
  });
}

}  // namespace netif
