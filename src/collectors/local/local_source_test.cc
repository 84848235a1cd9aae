#include "collectors/local/local_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analytics/analytics_settings.h"
#include "model/sample_time.h"
#include "store/store.h"
#include "support/recording_file_reader.h"
#include "util/clock.h"

namespace netif {
namespace {

using testing_support::RecordingFileReader;

constexpr char kNetDev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "  eth0: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n";

class LocalSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.AddFile("/proc/net/dev", kNetDev);
    fs_.AddFile("/sys/class/net/eth0/speed", "1000\n");
    fs_.AddFile("/sys/class/net/eth0/operstate", "up\n");
    fs_.AddFile("/sys/class/net/eth0/duplex", "full\n");
    fs_.AddFile("/sys/class/net/eth0/mtu", "1500\n");
    fs_.AddFile("/sys/class/net/eth0/address", "52:54:00:12:34:56\n");
  }
  std::unique_ptr<LocalSource> MakeSource(bool netlink_runs, int refresh_passes,
                                          const FileReader* fs = nullptr) {
    LocalSource::Options options;
    options.procfs_root = "/proc";
    options.sysfs_root = "/sys";
    options.netlink_runs = netlink_runs;
    options.attribute_refresh_passes = refresh_passes;
    return std::make_unique<LocalSource>(std::move(options), fs ? *fs : fs_, store_, self_metrics_);
  }
  // What the netlink collector hands over for eth0 (rtnl::ToInterfaceRecord's fields).
  static InterfaceRecord Eth0Event(uint32_t mtu) {
    InterfaceRecord record;
    record.name = "eth0";
    record.key = {std::string(kLocalSource), "eth0"};
    record.attributes.ifindex = 2;
    record.attributes.iflink = 2;
    record.attributes.mtu = mtu;
    record.attributes.type = 1;
    record.attributes.address = "52:54:00:ab:cd:ef";
    record.attributes.oper_state = OperState::kUp;
    return record;
  }
  const LinkAttributes& Eth0() const {
    return store_.Current()->interfaces.at(0)->record.attributes;
  }
  InMemoryFileReader fs_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics self_metrics_;
};

TEST_F(LocalSourceTest, StaticAttributesAreReReadOnlyWhenDue) {
  auto sampler = MakeSource(/*netlink_runs=*/false, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  fs_.AddFile("/sys/class/net/eth0/operstate", "down\n");
  int passes_until_new_speed = 0;
  for (int pass = 1; pass <= 5 && Eth0().speed_bps != 10'000'000'000u; ++pass) {
    ASSERT_TRUE(sampler->RunOnce());
    // Link state is not cached: without netlink it is read on every pass.
    EXPECT_EQ(Eth0().oper_state, OperState::kDown);
    passes_until_new_speed = pass;
  }
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  EXPECT_GE(passes_until_new_speed, 1);
  EXPECT_LE(passes_until_new_speed, 3);
}

TEST_F(LocalSourceTest, EveryPassReadsEverythingByDefault) {
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  fs_.AddFile("/sys/class/net/eth0/speed", "100\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 100'000'000u);
}

TEST_F(LocalSourceTest, WithNetlinkOnlySpeedDuplexAndVirtualAreReadAndOnlyAtFirstSight) {
  RecordingFileReader fs(fs_);
  auto sampler = MakeSource(/*netlink_runs=*/true, /*refresh_passes=*/100, &fs);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_THAT(fs.TakeSysfsReads(),
              ::testing::ElementsAre("/sys/class/net/eth0/speed", "/sys/class/net/eth0/duplex"));
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  EXPECT_EQ(Eth0().duplex, Duplex::kFull);
  EXPECT_EQ(Eth0().is_virtual, false);
  // Netlink owns these: sysfs has them, but they are not read.
  EXPECT_FALSE(Eth0().mtu.has_value());
  EXPECT_FALSE(Eth0().address.has_value());
  EXPECT_FALSE(Eth0().oper_state.has_value());
  for (int pass = 0; pass < 5; ++pass) ASSERT_TRUE(sampler->RunOnce());
  EXPECT_THAT(fs.TakeSysfsReads(), ::testing::IsEmpty());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);  // from the cache
}

TEST_F(LocalSourceTest, ALinkEventMakesTheNextPassReReadSpeedAndDuplex) {
  RecordingFileReader fs(fs_);
  auto sampler = MakeSource(true, 100, &fs);
  ASSERT_TRUE(sampler->RunOnce());
  fs.TakeSysfsReads();
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);  // not due, no event: not read
  sampler->OnLinkEvent(Eth0Event(1500));
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_THAT(fs.TakeSysfsReads(),
              ::testing::ElementsAre("/sys/class/net/eth0/speed", "/sys/class/net/eth0/duplex"));
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  ASSERT_TRUE(sampler->RunOnce());  // the mark is spent
  EXPECT_THAT(fs.TakeSysfsReads(), ::testing::IsEmpty());
}

TEST_F(LocalSourceTest, WithNetlinkSpeedIsStillRefreshedEveryFewPasses) {
  auto sampler = MakeSource(true, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler->RunOnce());
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  int passes = 0;
  for (int pass = 1; pass <= 5 && Eth0().speed_bps != 10'000'000'000u; ++pass) {
    ASSERT_TRUE(sampler->RunOnce());
    passes = pass;
  }
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  EXPECT_LE(passes, 3);
}

TEST_F(LocalSourceTest, SamplesKeepTheLinkSettingsOfTheLastEvent) {
  // As the exporter wires it: the netlink thread hands each event to the sampler, then the store.
  auto sampler = MakeSource(true, 100);
  const auto deliver = [&](const InterfaceRecord& event) {
    sampler->OnLinkEvent(event);
    store_.ApplyLinkEvent(event, NowSampleTime());
  };
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().mtu.has_value());  // no event yet, and sysfs's 1500 is not read
  deliver(Eth0Event(9000));
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().mtu, 9000u);
  EXPECT_EQ(Eth0().address, "52:54:00:ab:cd:ef");
  EXPECT_EQ(Eth0().iflink, 2u);
  EXPECT_EQ(Eth0().type, 1u);
  EXPECT_EQ(Eth0().oper_state, OperState::kUp);
  // An event that clears the alias clears it at once, and the next sample does not bring it back.
  InterfaceRecord with_alias = Eth0Event(9000);
  with_alias.attributes.alias = "uplink";
  deliver(with_alias);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().alias, "uplink");
  deliver(Eth0Event(1400));
  EXPECT_FALSE(Eth0().alias.has_value());
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().alias.has_value());
  EXPECT_EQ(Eth0().mtu, 1400u);
}

TEST_F(LocalSourceTest, WithoutNetlinkSysfsDecidesTheLinkSettings) {
  // No event source: each due read of sysfs replaces the settings, a cleared alias included.
  fs_.AddFile("/sys/class/net/eth0/ifalias", "uplink\n");
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().alias, "uplink");
  EXPECT_EQ(Eth0().mtu, 1500u);
  fs_.AddFile("/sys/class/net/eth0/ifalias", "\n");
  fs_.AddFile("/sys/class/net/eth0/mtu", "9000\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().alias.has_value());
  EXPECT_EQ(Eth0().mtu, 9000u);
}

TEST_F(LocalSourceTest, ASampleDoesNotUndoAnEventsSettings) {
  // The netlink thread hands the event over, then the store applies it; the next sample carries
  // the same settings, not the sysfs (or older) ones.
  auto sampler = MakeSource(true, 100);
  ASSERT_TRUE(sampler->RunOnce());
  InterfaceRecord event = Eth0Event(9000);
  sampler->OnLinkEvent(event);
  store_.ApplyLinkEvent(event, NowSampleTime());
  EXPECT_EQ(Eth0().mtu, 9000u);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().mtu, 9000u);
  EXPECT_EQ(Eth0().ifindex, 2u);                 // kept by the store
  EXPECT_EQ(Eth0().oper_state, OperState::kUp);  // kept by the store
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);   // from sysfs
}

TEST_F(LocalSourceTest, UnreadableProcNetDevFailsThePassAndKeepsTheStore) {
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  InMemoryFileReader empty;
  LocalSource::Options options;
  LocalSource broken(std::move(options), empty, store_, self_metrics_);
  EXPECT_FALSE(broken.RunOnce());
  EXPECT_EQ(store_.Current()->interfaces.size(), 1u);
}

}  // namespace
}  // namespace netif
