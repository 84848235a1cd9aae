#include "app/analytics_settings_from_config.h"

#include <gtest/gtest.h>

#include <vector>

namespace netif {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(AnalyticsSettingsFromConfigTest, DefaultsMatchTheAnalyticsDefaults) {
  const auto settings = AnalyticsSettingsFromConfig(AnalyticsConfig{});
  const AnalyticsSettings defaults;
  EXPECT_EQ(*settings->windows, *defaults.windows);
  EXPECT_EQ(settings->health.error_ratio, defaults.health.error_ratio);
  EXPECT_EQ(settings->health.drop_ratio, defaults.health.drop_ratio);
  EXPECT_EQ(settings->anomaly_enabled, defaults.anomaly_enabled);
  EXPECT_EQ(settings->anomaly_classes, defaults.anomaly_classes);
  EXPECT_EQ(settings->anomaly.min_traffic, 100'000);
  EXPECT_EQ(settings->asymmetric.enabled, defaults.asymmetric.enabled);
  EXPECT_EQ(settings->asymmetric.ratio, defaults.asymmetric.ratio);
  EXPECT_EQ(settings->asymmetric.min_bps, defaults.asymmetric.min_bps);
  EXPECT_TRUE(settings->capacity_bps.empty());
}

TEST(AnalyticsSettingsFromConfigTest, MapsEveryKey) {
  AnalyticsConfig config;
  config.windows = {seconds(60), milliseconds(90'500), hours(2)};
  config.capacity_bps = {{"veth0", 20'000'000}};
  config.health.window = minutes(10);
  config.health.error_ratio = 0.01;
  config.health.drop_ratio = 0.02;
  config.anomaly.enabled = false;
  config.anomaly.min_bps = 2'000'000;
  config.anomaly.classes = {"veth", "bridge"};
  config.asymmetric = {.enabled = false, .ratio = 4, .min_bps = 1'000'000};
  const auto settings = AnalyticsSettingsFromConfig(config);
  ASSERT_EQ(settings->windows->utilization.size(), 3u);
  EXPECT_EQ(settings->windows->utilization[0], (AnalyticsWindow{"1m", 60}));
  EXPECT_EQ(settings->windows->utilization[1], (AnalyticsWindow{"1m30s500ms", 90.5}));
  EXPECT_EQ(settings->windows->utilization[2], (AnalyticsWindow{"2h", 7200}));
  EXPECT_EQ(settings->windows->health, (AnalyticsWindow{"10m", 600}));
  EXPECT_EQ(settings->capacity_bps.at("veth0"), 20'000'000u);
  EXPECT_EQ(settings->health.error_ratio, 0.01);
  EXPECT_EQ(settings->health.drop_ratio, 0.02);
  EXPECT_FALSE(settings->anomaly_enabled);
  EXPECT_EQ(settings->anomaly.min_traffic, 2e6);
  EXPECT_EQ(settings->anomaly_classes, MaskOf(DeviceClass::kVeth) | MaskOf(DeviceClass::kBridge));
  EXPECT_FALSE(settings->asymmetric.enabled);
  EXPECT_EQ(settings->asymmetric.ratio, 4);
  EXPECT_EQ(settings->asymmetric.min_bps, 1e6);
}

InterfaceRecord Sample(uint64_t rx_bytes, uint64_t tx_bytes) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), "eth0"};
  record.labels = LocalDeviceLabels("eth0");
  record.name = "eth0";
  record.counters.Set(Counter::kReceiveBytes, rx_bytes);
  record.counters.Set(Counter::kTransmitBytes, tx_bytes);
  return record;
}

// The wiring the exporter uses: the store hands each anomaly start and end to its sink once.
TEST(AnomalyEventSinkTest, TheStoreReportsEachStartAndEndOnce) {
  std::vector<AnomalyEvent> events;
  Store store(AnalyticsSettingsFromConfig(AnalyticsConfig{}), [&events](const AnomalyEvent& event) {
    events.push_back(event);
    LogAnomalyEvent(event);
  });
  uint64_t rx = 0, tx = 0;
  for (int s = 0; s <= 300; ++s) {
    rx += 1'000;
    tx += s <= 150 ? 6'250'000 : 1'000;  // 50 Mbit/s out for 150 s, then quiet
    store.ApplySample(kLocalSource, {Sample(rx, tx)}, {1000.0 + s, 1.7e9 + s});
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, AnomalyKind::kAsymmetric);
  EXPECT_TRUE(events[0].started);
  EXPECT_EQ(events[0].name, "eth0");
  EXPECT_DOUBLE_EQ(events[0].unix_seconds, 1.7e9 + 60);
  EXPECT_DOUBLE_EQ(*events[0].transmit_bits_per_second, 50e6);
  EXPECT_EQ(events[1].kind, AnomalyKind::kAsymmetric);
  EXPECT_FALSE(events[1].started);
  EXPECT_DOUBLE_EQ(events[1].unix_seconds, 1.7e9 + 210);
}

}  // namespace
}  // namespace netif
