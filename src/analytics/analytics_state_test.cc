#include "analytics/analytics_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

namespace netif {
namespace {

constexpr double kMono0 = 360'000;
constexpr double kUnix0 = 1'764'000'000;  // a midnight UTC

InterfaceRecord Record(uint64_t rx_bytes, uint64_t tx_bytes, uint64_t packets, uint64_t errors) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), "eth0"};
  record.labels = LocalDeviceLabels("eth0");
  record.name = "eth0";
  record.attributes.speed_bps = 1'000'000'000;
  record.attributes.is_virtual = false;  // physical: the anomaly detector runs on it by default
  record.counters.Set(Counter::kReceiveBytes, rx_bytes);
  record.counters.Set(Counter::kTransmitBytes, tx_bytes);
  record.counters.Set(Counter::kReceivePackets, packets);
  record.counters.Set(Counter::kTransmitPackets, packets / 2);
  record.counters.Set(Counter::kReceiveErrors, errors);
  record.counters.Set(Counter::kTransmitErrors, 0);
  record.counters.Set(Counter::kReceiveDrop, errors / 3);
  record.counters.Set(Counter::kTransmitDrop, 0);
  return record;
}

// A deterministic interface: a daily traffic shape, a burst of errors now and then, an
// asymmetric upload in one stretch, and (at `spike_at`) a traffic spike.
class Feed {
 public:
  explicit Feed(double interval) : interval_(interval) {}
  // The next sample's record and time (monotonic shifted by `mono_offset`).
  std::pair<InterfaceRecord, SampleTime> Next(double mono_offset = 0) {
    const double t = interval_ * static_cast<double>(n_++);
    const double day = std::sin(t / 86400.0 * 2 * M_PI);
    double rate = 2e6 * (1.5 + day) + 1e4 * static_cast<double>((n_ * 7919) % 13);
    if (n_ > spike_at && n_ < spike_at + 20) rate *= 40;
    rx_ += static_cast<uint64_t>(rate * interval_ / 8);
    const bool upload = (n_ % 500) > 400;
    tx_ += static_cast<uint64_t>((upload ? 30 : 1) * rate * interval_ / 8);
    packets_ += static_cast<uint64_t>(rate * interval_ / 8 / 1000);
    if (n_ % 97 == 0) errors_ += 5000;
    return {Record(rx_, tx_, packets_, errors_), SampleTime{kMono0 + t + mono_offset, kUnix0 + t}};
  }
  uint64_t spike_at = 1u << 30;

 private:
  double interval_;
  uint64_t n_ = 0;
  uint64_t rx_ = 0, tx_ = 0, packets_ = 0, errors_ = 0;
};

std::shared_ptr<const AnalyticsSettings> Defaults() {
  return std::make_shared<const AnalyticsSettings>();
}

std::string Saved(const InterfaceAnalytics& analytics, const DerivedMetrics& derived,
                  const LinkStateTracker& link = LinkStateTracker()) {
  std::string bytes;
  EncodeInterfaceState(analytics, derived, link, bytes);
  return bytes;
}

// State after N samples, saved and loaded into a fresh object: both then give the same
// DerivedMetrics for the same next samples (anomaly starts included).
void ExpectRoundTrip(double interval, int before, int after, double mono_shift,
                     bool expect_spike = true) {
  const auto settings = Defaults();
  InterfaceAnalytics original(settings);
  DerivedMetrics original_derived = original.InitialDerived();
  Feed feed(interval);
  feed.spike_at = static_cast<uint64_t>(before + after / 2);
  for (int i = 0; i < before; ++i) {
    auto [record, time] = feed.Next();
    original.OnSample(record, time, original_derived);
  }
  const std::string bytes = Saved(original, original_derived);

  InterfaceAnalytics restored(settings);
  DerivedMetrics restored_derived;
  LinkStateTracker link;
  RestoreOptions options;
  options.monotonic_shift = mono_shift;
  ASSERT_TRUE(DecodeInterfaceState(bytes, options, restored, restored_derived, link));
  // Before any new sample only the per-sample start/end marks differ.
  DerivedMetrics expected = original_derived;
  expected.anomaly.started = {};
  expected.anomaly.ended = {};
  EXPECT_EQ(restored_derived, expected);

  Feed shifted = feed;  // the same samples, in the new boot's monotonic time
  uint64_t starts = 0;
  for (int i = 0; i < after; ++i) {
    auto [record, time] = feed.Next();
    auto [record2, time2] = shifted.Next(mono_shift);
    original.OnSample(record, time, original_derived);
    restored.OnSample(record2, time2, restored_derived);
    ASSERT_EQ(restored_derived, original_derived) << "sample " << i << " after the restore";
    starts = original_derived.anomaly.starts[0];
  }
  // The continuation exercised the detector: a spike was flagged by both.
  if (expect_spike) {
    EXPECT_GT(starts, 0u);
  }
}

TEST(AnalyticsStateTest, RoundTripGivesIdenticalDerivedMetrics) {
  // Two days of one-minute samples: the anomaly detector is past its warm-up.
  ExpectRoundTrip(60, 2 * 1440, 300, 0);
}

TEST(AnalyticsStateTest, RoundTripIntoAnotherBootsMonotonicClock) {
  // The new boot's monotonic clock is 300,000 s behind (a whole number of every bucket width, so
  // the rings line up exactly).
  ExpectRoundTrip(60, 2 * 1440, 300, -300'000);
}

TEST(AnalyticsStateTest, RoundTripWithFastSamples) { ExpectRoundTrip(1, 100, 50, 0, false); }

TEST(AnalyticsStateTest, EveryTruncationAndTrailingBytesAreRejected) {
  const auto settings = Defaults();
  InterfaceAnalytics analytics(settings);
  DerivedMetrics derived = analytics.InitialDerived();
  LinkStateTracker link;
  link.Observe(OperState::kUp, kUnix0);
  link.Observe(OperState::kDown, kUnix0 + 1);
  Feed feed(10);
  for (int i = 0; i < 50; ++i) {
    auto [record, time] = feed.Next();
    analytics.OnSample(record, time, derived);
  }
  std::string bytes;
  EncodeInterfaceState(analytics, derived, link, bytes);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    InterfaceAnalytics fresh(settings);
    DerivedMetrics d;
    LinkStateTracker l;
    EXPECT_FALSE(DecodeInterfaceState(std::string_view(bytes).substr(0, size), {}, fresh, d, l))
        << size;
  }
  InterfaceAnalytics fresh(settings);
  DerivedMetrics d;
  LinkStateTracker l;
  EXPECT_FALSE(DecodeInterfaceState(bytes + "x", {}, fresh, d, l));
  ASSERT_TRUE(DecodeInterfaceState(bytes, {}, fresh, d, l));
  EXPECT_EQ(l.history(), link.history());
  EXPECT_EQ(l.history().transitions_down, 1u);
}

TEST(AnalyticsStateTest, LinkTrackerKeepsCountingFromTheRestoredState) {
  LinkStateTracker link;
  link.Observe(OperState::kUp, kUnix0);
  link.Observe(OperState::kDown, kUnix0 + 1);
  link.Observe(OperState::kUp, kUnix0 + 2);
  std::string bytes;
  ByteWriter writer(bytes);
  link.Save(writer);
  LinkStateTracker restored;
  ByteReader reader(bytes);
  ASSERT_TRUE(restored.Load(reader));
  EXPECT_EQ(restored.history(), link.history());
  // The restored last state is "up": going down is a transition at once.
  EXPECT_TRUE(restored.Observe(OperState::kDown, kUnix0 + 3));
  EXPECT_EQ(restored.history().transitions_down, 2u);
  EXPECT_EQ(restored.history().transitions_up, 1u);
}

TEST(AnalyticsStateTest, ChangedWindowsKeepTheCommonOnesAndStartNewOnesEmpty) {
  InterfaceAnalytics original(Defaults());  // 1m, 5m, 1h; health 5m
  DerivedMetrics derived = original.InitialDerived();
  Feed feed(5);
  for (int i = 0; i < 100; ++i) {
    auto [record, time] = feed.Next();
    original.OnSample(record, time, derived);
  }
  ASSERT_TRUE(derived.window_utilization[1].average.has_value());
  const std::string bytes = Saved(original, derived);

  auto changed = std::make_shared<AnalyticsSettings>();
  auto windows = std::make_shared<AnalyticsWindows>();
  windows->utilization = {{"5m", 300}, {"15m", 900}};
  windows->health = {"10m", 600};
  changed->windows = windows;
  InterfaceAnalytics restored(changed);
  DerivedMetrics restored_derived;
  LinkStateTracker link;
  ASSERT_TRUE(DecodeInterfaceState(bytes, {}, restored, restored_derived, link));
  EXPECT_EQ(restored_derived.windows, windows);
  // 5m moved from position 1 to 0 and kept its value; 15m and the 10m health window are new.
  EXPECT_EQ(restored_derived.window_utilization[0], derived.window_utilization[1]);
  EXPECT_FALSE(restored_derived.window_utilization[1].average.has_value());
  EXPECT_FALSE(restored_derived.error_ratio.has_value());
  EXPECT_TRUE(derived.error_ratio.has_value());
  // The counter baseline is kept: the next sample has rates.
  auto [record, time] = feed.Next();
  restored.OnSample(record, time, restored_derived);
  EXPECT_TRUE(restored_derived.receive.bits_per_second.has_value());
}

TEST(AnalyticsStateTest, ChangedAnomalySettingsStartTheDetectorFresh) {
  AnalyticsSettings saved;
  AnalyticsSettings current;
  current.anomaly.alarm_surprise = 7;
  const std::string encoded = EncodeAnalyticsSettings(saved);
  const RestoreOptions same = CompareAnalyticsSettings(encoded, saved, 5);
  EXPECT_TRUE(same.anomaly);
  EXPECT_TRUE(same.asymmetric);
  EXPECT_EQ(same.monotonic_shift, 5);
  const RestoreOptions changed = CompareAnalyticsSettings(encoded, current, 0);
  EXPECT_FALSE(changed.anomaly);
  EXPECT_TRUE(changed.asymmetric);
  current = saved;
  current.asymmetric.ratio = 20;
  EXPECT_FALSE(CompareAnalyticsSettings(encoded, current, 0).asymmetric);
  EXPECT_TRUE(CompareAnalyticsSettings(encoded, current, 0).anomaly);
  const RestoreOptions garbage = CompareAnalyticsSettings("xyz", saved, 0);
  EXPECT_FALSE(garbage.anomaly);
  EXPECT_FALSE(garbage.asymmetric);

  // A detector not restored gives no score until it has its own verdicts.
  const auto settings = Defaults();
  InterfaceAnalytics original(settings);
  DerivedMetrics derived = original.InitialDerived();
  Feed feed(60);
  for (int i = 0; i < 2 * 1440; ++i) {
    auto [record, time] = feed.Next();
    original.OnSample(record, time, derived);
  }
  ASSERT_TRUE(derived.anomaly.score.has_value());
  InterfaceAnalytics restored(settings);
  DerivedMetrics restored_derived;
  LinkStateTracker link;
  ASSERT_TRUE(
      DecodeInterfaceState(Saved(original, derived), changed, restored, restored_derived, link));
  EXPECT_FALSE(restored_derived.anomaly.score.has_value());
  EXPECT_EQ(restored_derived.has_counters, derived.has_counters);
}

TEST(AnalyticsStateTest, StateRestoredLongAfterItsSaveHasEmptyWindows) {
  const auto settings = Defaults();
  InterfaceAnalytics original(settings);
  DerivedMetrics derived = original.InitialDerived();
  Feed feed(5);
  for (int i = 0; i < 100; ++i) {
    auto [record, time] = feed.Next();
    original.OnSample(record, time, derived);
  }
  InterfaceAnalytics restored(settings);
  DerivedMetrics restored_derived;
  LinkStateTracker link;
  ASSERT_TRUE(DecodeInterfaceState(Saved(original, derived), {}, restored, restored_derived, link));
  // The next sample comes two hours later: every window (1h the longest) has aged out but the one
  // interval over the gap, and the counters measure over that gap.
  auto [record, time] = feed.Next();
  const SampleTime later{time.monotonic_seconds + 7200, time.unix_seconds + 7200};
  restored.OnSample(record, later, restored_derived);
  ASSERT_TRUE(restored_derived.receive.bits_per_second.has_value());
  EXPECT_GT(*restored_derived.receive.bits_per_second, 0);
  // The 1m window sees only its share of the gap interval: the gap's average rate.
  ASSERT_TRUE(restored_derived.window_utilization[0].average.has_value());
  EXPECT_NEAR(*restored_derived.window_utilization[0].average, *restored_derived.utilization, 1e-6);
}

TEST(AnalyticsStateTest, MonotonicShiftKeepsTheAgeAndNeverGoesIntoTheFuture) {
  // Saved at unix 1000 (monotonic 500); now unix 1100, monotonic 20: the save was 100 s ago.
  EXPECT_DOUBLE_EQ(MonotonicShift(1000, 500, 1100, 20), -580);
  EXPECT_DOUBLE_EQ(500 + MonotonicShift(1000, 500, 1100, 20), 20 - 100);
  // The wall clock went back: the saved time becomes "now", not the future.
  EXPECT_DOUBLE_EQ(500 + MonotonicShift(1000, 500, 900, 20), 20);
}

}  // namespace
}  // namespace netif
