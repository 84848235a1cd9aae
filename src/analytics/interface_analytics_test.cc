#include "analytics/interface_analytics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>

namespace netif {
namespace {

constexpr double kMono0 = 360'000;        // monotonic seconds at the first sample
constexpr double kUnix0 = 1'764'000'000;  // unix seconds at the first sample (a midnight UTC)
constexpr uint64_t k2To32 = uint64_t{1} << 32;

SampleTime At(double seconds) { return {kMono0 + seconds, kUnix0 + seconds}; }

struct Traffic {
  uint64_t rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_packets = 0, tx_packets = 0;
  uint64_t rx_errors = 0, tx_errors = 0;
  uint64_t rx_drops = 0, tx_drops = 0;
};

InterfaceRecord Record(const Traffic& t, std::optional<uint64_t> speed_bps = std::nullopt,
                       bool wraps32 = false, std::string name = "eth0") {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.labels = LocalDeviceLabels(name);
  record.name = name;
  record.attributes.speed_bps = speed_bps;
  record.attributes.is_virtual = false;  // a physical port: the anomaly detector runs by default
  // A 32-bit counter shows the true count modulo 2^32.
  auto set = [&](Counter c, uint64_t value) {
    record.counters.Set(c, wraps32 ? value % k2To32 : value, wraps32);
  };
  set(Counter::kReceiveBytes, t.rx_bytes);
  set(Counter::kTransmitBytes, t.tx_bytes);
  set(Counter::kReceivePackets, t.rx_packets);
  set(Counter::kTransmitPackets, t.tx_packets);
  set(Counter::kReceiveErrors, t.rx_errors);
  set(Counter::kTransmitErrors, t.tx_errors);
  set(Counter::kReceiveDrop, t.rx_drops);
  set(Counter::kTransmitDrop, t.tx_drops);
  return record;
}

std::shared_ptr<const AnalyticsSettings> Settings(
    const std::function<void(AnalyticsSettings&)>& change = nullptr) {
  auto settings = std::make_shared<AnalyticsSettings>();
  if (change) change(*settings);
  return settings;
}

// One interface's analytics with the DerivedMetrics they update, held together as the store does.
class Analyzed {
 public:
  explicit Analyzed(std::shared_ptr<const AnalyticsSettings> settings)
      : analytics_(std::move(settings)), derived_(analytics_.InitialDerived()) {}
  void OnSample(const InterfaceRecord& record, const SampleTime& time) {
    analytics_.OnSample(record, time, derived_);
  }
  const DerivedMetrics& derived() const { return derived_; }

 private:
  InterfaceAnalytics analytics_;
  DerivedMetrics derived_;
};

TEST(InterfaceAnalyticsTest, FirstSampleIsOnlyABaseline) {
  Analyzed analytics(Settings());
  analytics.OnSample(Record({.rx_bytes = 1000}, 1'000'000'000), At(0));
  const DerivedMetrics& d = analytics.derived();
  EXPECT_TRUE(d.has_counters);
  EXPECT_EQ(d.counter_resets, 0u);
  EXPECT_FALSE(d.receive.bits_per_second.has_value());
  EXPECT_FALSE(d.utilization.has_value());
  EXPECT_FALSE(d.window_utilization[0].average.has_value());
  EXPECT_FALSE(d.error_ratio.has_value());
  EXPECT_FALSE(d.error_problem);
  ASSERT_NE(d.windows, nullptr);
  EXPECT_EQ(d.windows->utilization.size(), 3u);
  EXPECT_EQ(d.windows->health.name, "5m");
}

TEST(InterfaceAnalyticsTest, RatesAndUtilizationOverTheLastInterval) {
  Analyzed analytics(Settings());
  Traffic t;
  analytics.OnSample(Record(t, 100'000'000), At(0));
  // Over 2 s: 5,000,000 bytes in (20 Mbit/s), 2,500,000 out (10 Mbit/s), 4000 / 2000 packets.
  t = {.rx_bytes = 5'000'000,
       .tx_bytes = 2'500'000,
       .rx_packets = 4000,
       .tx_packets = 2000,
       .rx_errors = 2,
       .tx_drops = 6};
  analytics.OnSample(Record(t, 100'000'000), At(2));
  const DerivedMetrics& d = analytics.derived();
  EXPECT_DOUBLE_EQ(*d.receive.bits_per_second, 20e6);
  EXPECT_DOUBLE_EQ(*d.transmit.bits_per_second, 10e6);
  EXPECT_DOUBLE_EQ(*d.receive.packets_per_second, 2000);
  EXPECT_DOUBLE_EQ(*d.transmit.packets_per_second, 1000);
  EXPECT_DOUBLE_EQ(*d.receive.errors_per_second, 1);
  EXPECT_DOUBLE_EQ(*d.transmit.drops_per_second, 3);
  EXPECT_DOUBLE_EQ(*d.receive_utilization, 0.2);
  EXPECT_DOUBLE_EQ(*d.transmit_utilization, 0.1);
  EXPECT_DOUBLE_EQ(*d.utilization, 0.2);  // duplex unknown: treated as full, max(rx, tx)
  EXPECT_NEAR(*d.window_utilization[0].average, 0.2, 1e-7);
  EXPECT_NEAR(*d.window_utilization[2].peak, 0.2, 1e-7);
  EXPECT_NEAR(*d.error_ratio, 2.0 / 6000, 1e-9);
  EXPECT_NEAR(*d.drop_ratio, 6.0 / 6000, 1e-9);
  EXPECT_TRUE(d.error_problem);  // 0.033 % > 0.01 %
  EXPECT_FALSE(d.drop_problem);  // 0.1 % is not above 0.1 %
}

TEST(InterfaceAnalyticsTest, HalfDuplexAddsDirections) {
  Analyzed analytics(Settings());
  auto record = Record({}, 100'000'000);
  record.attributes.duplex = Duplex::kHalf;
  analytics.OnSample(record, At(0));
  record = Record({.rx_bytes = 2'500'000, .tx_bytes = 1'250'000}, 100'000'000);
  record.attributes.duplex = Duplex::kHalf;
  analytics.OnSample(record, At(1));
  EXPECT_DOUBLE_EQ(*analytics.derived().utilization, 0.3);
}

TEST(InterfaceAnalyticsTest, CapacityOverrideByDeviceNameAndAbsentWhenUnknown) {
  auto settings = Settings([](AnalyticsSettings& s) { s.capacity_bps["veth0"] = 20'000'000; });
  Analyzed overridden(settings);
  Analyzed unknown(settings);
  overridden.OnSample(Record({}, std::nullopt, false, "veth0"), At(0));
  unknown.OnSample(Record({}, std::nullopt, false, "veth1"), At(0));
  const Traffic t{.rx_bytes = 1'250'000, .tx_bytes = 250'000};  // 10 Mbit/s in, 2 out
  overridden.OnSample(Record(t, std::nullopt, false, "veth0"), At(1));
  unknown.OnSample(Record(t, std::nullopt, false, "veth1"), At(1));
  EXPECT_DOUBLE_EQ(*overridden.derived().utilization, 0.5);
  EXPECT_DOUBLE_EQ(*overridden.derived().transmit_utilization, 0.1);
  EXPECT_DOUBLE_EQ(*unknown.derived().receive.bits_per_second, 10e6);
  EXPECT_FALSE(unknown.derived().utilization.has_value());
  EXPECT_FALSE(unknown.derived().receive_utilization.has_value());
  EXPECT_FALSE(unknown.derived().window_utilization[0].average.has_value());
}

TEST(InterfaceAnalyticsTest, AResetIsCountedAndSkipped) {
  Analyzed analytics(Settings());
  analytics.OnSample(Record({.rx_bytes = 900'000'000, .tx_bytes = 5'000}, 1'000'000'000), At(0));
  analytics.OnSample(Record({.rx_bytes = 900'125'000, .tx_bytes = 6'000}, 1'000'000'000), At(1));
  ASSERT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 1e6);
  // The driver was reloaded: counters start again near 0.
  analytics.OnSample(Record({.rx_bytes = 1'000, .tx_bytes = 10}, 1'000'000'000), At(2));
  EXPECT_EQ(analytics.derived().counter_resets, 1u);
  EXPECT_FALSE(analytics.derived().receive.bits_per_second.has_value());
  EXPECT_FALSE(analytics.derived().utilization.has_value());
  // Measured again from the reset sample.
  analytics.OnSample(Record({.rx_bytes = 251'000, .tx_bytes = 10}, 1'000'000'000), At(3));
  EXPECT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 2e6);
  EXPECT_EQ(analytics.derived().counter_resets, 1u);
}

TEST(InterfaceAnalyticsTest, A32BitWrapGivesTheTrueRate) {
  Analyzed analytics(Settings());
  // SNMP Counter32 on a 1 Gbit/s port polled every 30 s, at 800 Mbit/s: 3e9 bytes per poll.
  uint64_t rx = k2To32 - 1'000'000'000;
  analytics.OnSample(Record({.rx_bytes = rx}, 1'000'000'000, true), At(0));
  rx += 3'000'000'000;
  analytics.OnSample(Record({.rx_bytes = rx}, 1'000'000'000, true), At(30));
  EXPECT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 800e6);
  EXPECT_EQ(analytics.derived().counter_resets, 0u);
}

TEST(InterfaceAnalyticsTest, OutOfOrderOrTooCloseSamplesChangeNothing) {
  Analyzed analytics(Settings());
  analytics.OnSample(Record({.rx_bytes = 0}), At(0));
  analytics.OnSample(Record({.rx_bytes = 125}), At(1));
  const DerivedMetrics before = analytics.derived();
  analytics.OnSample(Record({.rx_bytes = 100}), At(0.5));
  EXPECT_EQ(analytics.derived(), before);
  analytics.OnSample(Record({.rx_bytes = 200}), At(1.001));  // 1 ms later: too short to measure
  EXPECT_EQ(analytics.derived(), before);
  analytics.OnSample(Record({.rx_bytes = 375}), At(2));  // measured from t=1
  EXPECT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 2000);
  EXPECT_EQ(analytics.derived().counter_resets, 0u);
}

TEST(InterfaceAnalyticsTest, ASampleWithoutCountersIsAGapNotAReset) {
  Analyzed analytics(Settings());
  InterfaceRecord no_counters = Record({});
  no_counters.counters = CounterSet();
  analytics.OnSample(no_counters, At(0));
  EXPECT_FALSE(analytics.derived().has_counters);  // nothing rendered yet
  analytics.OnSample(Record({.rx_bytes = 0}), At(1));
  analytics.OnSample(Record({.rx_bytes = 125}), At(2));
  ASSERT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 1000);
  analytics.OnSample(no_counters, At(3));
  EXPECT_FALSE(analytics.derived().receive.bits_per_second.has_value());
  // The baseline is still the sample at t=2.
  analytics.OnSample(Record({.rx_bytes = 375}), At(4));
  EXPECT_DOUBLE_EQ(*analytics.derived().receive.bits_per_second, 1000);
  EXPECT_EQ(analytics.derived().counter_resets, 0u);
}

TEST(InterfaceAnalyticsTest, HealthIsJudgedOverTheWindow) {
  Analyzed analytics(Settings());
  Traffic t;
  analytics.OnSample(Record(t), At(0));
  t.rx_packets += 1000;
  t.rx_errors += 10;  // 1 %
  analytics.OnSample(Record(t), At(1));
  EXPECT_TRUE(analytics.derived().error_problem);
  for (int s = 2; s <= 400; ++s) {
    t.rx_packets += 1000;
    analytics.OnSample(Record(t), At(s));
  }
  EXPECT_FALSE(analytics.derived().error_problem);
  EXPECT_DOUBLE_EQ(*analytics.derived().error_ratio, 0);
}

TEST(InterfaceAnalyticsTest, AsymmetricTrafficStartsAndEndsOneAnomaly) {
  Analyzed analytics(Settings());
  Traffic t;
  analytics.OnSample(Record(t), At(0));
  int started = 0, ended = 0;
  auto step = [&](int s, uint64_t rx_bytes, uint64_t tx_bytes) {
    t.rx_bytes += rx_bytes;
    t.tx_bytes += tx_bytes;
    analytics.OnSample(Record(t), At(s));
    started += analytics.derived().anomaly.started.Has(AnomalyKind::kAsymmetric);
    ended += analytics.derived().anomaly.ended.Has(AnomalyKind::kAsymmetric);
  };
  for (int s = 1; s <= 59; ++s) step(s, 12'500, 6'250'000);  // 100 kbit/s in, 50 Mbit/s out
  EXPECT_FALSE(analytics.derived().anomaly.active.Has(AnomalyKind::kAsymmetric));
  step(60, 12'500, 6'250'000);
  EXPECT_TRUE(analytics.derived().anomaly.active.Has(AnomalyKind::kAsymmetric));
  EXPECT_TRUE(analytics.derived().anomaly.started.Has(AnomalyKind::kAsymmetric));
  for (int s = 61; s <= 200; ++s) step(s, 12'500, 6'250'000);
  for (int s = 201; s <= 300; ++s) step(s, 12'500, 12'500);
  EXPECT_FALSE(analytics.derived().anomaly.active.Has(AnomalyKind::kAsymmetric));
  EXPECT_EQ(started, 1);
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(analytics.derived().anomaly.starts[2], 1u);
  // A transition is reported by the sample that made it only.
  EXPECT_TRUE(analytics.derived().anomaly.ended.Empty());
}

TEST(InterfaceAnalyticsTest, AnomalyDetectorRunsOnlyOnItsDeviceClasses) {
  auto veth = [](const Traffic& t) {
    InterfaceRecord record = Record(t, std::nullopt, false, "veth0");
    record.attributes.is_virtual = true;
    record.attributes.kind = "veth";
    return record;
  };
  Analyzed by_default(Settings());
  Analyzed with_veths(
      Settings([](AnalyticsSettings& s) { s.anomaly_classes |= MaskOf(DeviceClass::kVeth); }));
  Traffic t;
  for (int s = 0; s <= 3; ++s) {
    t.rx_bytes += 1'000'000;
    by_default.OnSample(veth(t), At(60.0 * s));
    with_veths.OnSample(veth(t), At(60.0 * s));
  }
  EXPECT_FALSE(by_default.derived().anomaly.enabled.Has(AnomalyKind::kSpike));
  EXPECT_FALSE(by_default.derived().anomaly.enabled.Has(AnomalyKind::kDrop));
  EXPECT_TRUE(by_default.derived().anomaly.enabled.Has(AnomalyKind::kAsymmetric));
  EXPECT_FALSE(by_default.derived().anomaly.score.has_value());
  EXPECT_TRUE(with_veths.derived().anomaly.enabled.Has(AnomalyKind::kSpike));
  EXPECT_TRUE(with_veths.derived().anomaly.score.has_value());
}

TEST(InterfaceAnalyticsTest, DisabledDetectorsReportNothing) {
  Analyzed analytics(Settings([](AnalyticsSettings& s) {
    s.anomaly_enabled = false;
    s.asymmetric.enabled = false;
  }));
  Traffic t;
  analytics.OnSample(Record(t), At(0));
  for (int s = 1; s <= 120; ++s) {
    t.tx_bytes += 6'250'000;
    analytics.OnSample(Record(t), At(s));
  }
  const AnomalyStatus& anomaly = analytics.derived().anomaly;
  EXPECT_TRUE(anomaly.enabled.Empty());
  EXPECT_TRUE(anomaly.active.Empty());
  EXPECT_FALSE(anomaly.score.has_value());
}

// Two days of ordinary SNMP-like traffic on a 100 Mbit/s port polled every 60 s.
class QuietDaysTest : public ::testing::Test {
 protected:
  // A daily pattern between 20 and 60 Mbit/s in, a third of that out, with a little jitter.
  static double RxBps(double t) {
    return 40e6 + 20e6 * std::sin(2 * M_PI * t / 86400) + 1e6 * std::sin(t * 0.37);
  }

  void Poll(double t, double factor = 1) {
    const double seconds = t - last_;
    rx_ += static_cast<uint64_t>(factor * RxBps(t) * seconds / 8);
    tx_ += static_cast<uint64_t>(RxBps(t) / 3 * seconds / 8);
    last_ = t;
    analytics_.OnSample(Record({.rx_bytes = rx_, .tx_bytes = tx_}, speed_bps_, wraps32_), At(t));
    for (AnomalyKind kind : kAnomalyKinds) {
      anomaly_starts_ += analytics_.derived().anomaly.started.Has(kind);
    }
  }

  Analyzed analytics_{Settings()};
  uint64_t speed_bps_ = 100'000'000;
  bool wraps32_ = true;
  uint64_t rx_ = 0, tx_ = 0;
  double last_ = 0;
  int anomaly_starts_ = 0;
};

TEST_F(QuietDaysTest, CounterWrapsAndResetsRaiseNoAnomaly) {
  // 40 Mbit/s on average: the 32-bit octet counter wraps about every 14 minutes.
  bool rebooted = false;
  for (double t = 0; t <= 2 * 86400; t += 60) {
    // On the second day the device reboots and its counters start again from 0. A reset is
    // seen only when the counter went down (not when it has already grown past its old value),
    // and a Counter32 reset is told from a wrap only when the old value was far enough from the
    // top: at 100 Mbit/s and 60 s, below 2^32 - 9.4e8 (see counter_tracker.h).
    const uint64_t shown = rx_ % k2To32;
    if (!rebooted && t > 86400 + 3600 && shown > 1'000'000'000 && shown < 3'000'000'000) {
      rx_ = 0;
      tx_ = 0;
      rebooted = true;
    }
    Poll(t);
  }
  ASSERT_TRUE(rebooted);
  EXPECT_EQ(analytics_.derived().counter_resets, 1u);
  EXPECT_EQ(anomaly_starts_, 0);
  EXPECT_TRUE(analytics_.derived().anomaly.active.Empty());
  ASSERT_TRUE(analytics_.derived().anomaly.score.has_value());
  EXPECT_LT(*analytics_.derived().anomaly.score, 0.5);
}

TEST_F(QuietDaysTest, ATrafficSpikeStartsASpikeAnomaly) {
  speed_bps_ = 10'000'000'000;
  wraps32_ = false;
  for (double t = 0; t <= 2 * 86400; t += 60) Poll(t);
  ASSERT_EQ(anomaly_starts_, 0);
  for (int i = 1; i <= 10; ++i) Poll(last_ + 60, 20);  // 20x the usual traffic for 10 minutes
  EXPECT_EQ(analytics_.derived().anomaly.starts[0], 1u);
  EXPECT_EQ(analytics_.derived().counter_resets, 0u);
}

TEST(InterfaceAnalyticsMemoryTest, PerInterfaceStateStaysSmall) {
  InterfaceAnalytics analytics(Settings());
  // Everything one interface costs, the anomaly detector and the three windows' rings included.
  EXPECT_LT(analytics.MemoryBytes(), 1700u);
  EXPECT_LE(sizeof(DerivedMetrics), 320u);  // one copy per published view
  RecordProperty("memory_bytes", static_cast<int>(analytics.MemoryBytes()));
  RecordProperty("sizeof_interface_analytics", static_cast<int>(sizeof(InterfaceAnalytics)));
  RecordProperty("sizeof_derived_metrics", static_cast<int>(sizeof(DerivedMetrics)));
}

}  // namespace
}  // namespace netif
