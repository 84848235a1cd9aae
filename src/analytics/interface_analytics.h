// Per-interface analytics: turns consecutive samples of one interface into DerivedMetrics.
// The store owns one per interface and calls it with each sample's own timestamp, so the live
// exporter and offline replays run exactly the same code.
//
// Thread-safety: REQUIRES external synchronization (the store's lock).
#pragma once

#include <memory>

#include "model/derived_metrics.h"
#include "model/interface_record.h"
#include "model/sample_time.h"

namespace netif {

// Settings shared by every interface's analytics (filled from the config by the app).
struct AnalyticsSettings {};

class InterfaceAnalytics {
 public:
  explicit InterfaceAnalytics(std::shared_ptr<const AnalyticsSettings> settings);
  // One new sample of the interface (counters and attributes as merged by the store).
  void OnSample(const InterfaceRecord& record, const SampleTime& time);
  const DerivedMetrics& derived() const { return derived_; }

 private:
  std::shared_ptr<const AnalyticsSettings> settings_;
  DerivedMetrics derived_;
};

}  // namespace netif
