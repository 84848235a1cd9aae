// Settings shared by every interface's analytics. The app fills them from the config
// (src/app/analytics_settings_from_config.cc); a default-constructed value is the documented
// default configuration, so tests and tools can use it as is.
//
// Thread-safety: plain value; shared read-only (std::shared_ptr<const AnalyticsSettings>) by every
// InterfaceAnalytics once built.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "analytics/anomaly_detector.h"
#include "model/derived_metrics.h"
#include "model/device_class.h"

namespace netif {

// 1m, 5m, 1h utilization windows and a 5m health window.
std::shared_ptr<const AnalyticsWindows> DefaultAnalyticsWindows();

struct HealthSettings {
  // An interface has an error (drop) problem when errors (drops) / packets over the health window
  // is above this ratio.
  double error_ratio = 0.0001;  // 0.01 %
  double drop_ratio = 0.001;    // 0.1 %
  bool operator==(const HealthSettings&) const = default;
};

// The asymmetric-traffic rule (see asymmetric_detector.h): tx > ratio * rx and tx > min_bps,
// sustained for sustain_seconds before it flags and absent for release_seconds before it clears.
struct AsymmetricSettings {
  bool enabled = true;
  double ratio = 10;
  double min_bps = 10e6;
  double sustain_seconds = 60;
  double release_seconds = 60;
  bool operator==(const AsymmetricSettings&) const = default;
};

struct AnalyticsSettings {
  // Utilization windows and the health window; shared with every DerivedMetrics so the exposition
  // can name them. Never null.
  std::shared_ptr<const AnalyticsWindows> windows = DefaultAnalyticsWindows();
  // Link capacity in bits/s by device name (InterfaceRecord::name); overrides the reported speed.
  std::map<std::string, uint64_t, std::less<>> capacity_bps;
  HealthSettings health;
  bool anomaly_enabled = true;
  // The device classes the anomaly detector runs on (when anomaly_enabled).
  DeviceClassMask anomaly_classes = MaskOf(DeviceClass::kPhysical) | MaskOf(DeviceClass::kSnmp);
  AnomalySettings anomaly;
  AsymmetricSettings asymmetric;
};

}  // namespace netif
