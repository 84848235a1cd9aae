#include "app/local_sampler.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr char kNetDev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "  eth0: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n";

class LocalSamplerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.AddFile("/proc/net/dev", kNetDev);
    fs_.AddFile("/sys/class/net/eth0/speed", "1000\n");
    fs_.AddFile("/sys/class/net/eth0/operstate", "up\n");
  }
  LocalSampler MakeSampler(bool netlink_owns_link_state, int refresh_passes) {
    LocalSampler::Options options;
    options.procfs_root = "/proc";
    options.sysfs_root = "/sys";
    options.netlink_owns_link_state = netlink_owns_link_state;
    options.attribute_refresh_passes = refresh_passes;
    return LocalSampler(std::move(options), fs_, store_, self_metrics_);
  }
  const LinkAttributes& Eth0() const {
    return store_.Current()->interfaces.at(0)->record.attributes;
  }
  InMemoryFileReader fs_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics self_metrics_;
};

TEST_F(LocalSamplerTest, StaticAttributesAreReReadOnlyWhenDue) {
  LocalSampler sampler = MakeSampler(/*netlink_owns_link_state=*/false, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler.RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  fs_.AddFile("/sys/class/net/eth0/operstate", "down\n");
  int passes_until_new_speed = 0;
  for (int pass = 1; pass <= 5 && Eth0().speed_bps != 10'000'000'000u; ++pass) {
    ASSERT_TRUE(sampler.RunOnce());
    // Link state is not cached: without netlink it is read on every pass.
    EXPECT_EQ(Eth0().oper_state, OperState::kDown);
    passes_until_new_speed = pass;
  }
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  EXPECT_GE(passes_until_new_speed, 1);
  EXPECT_LE(passes_until_new_speed, 3);
}

TEST_F(LocalSamplerTest, EveryPassReadsEverythingByDefault) {
  LocalSampler sampler = MakeSampler(false, 1);
  ASSERT_TRUE(sampler.RunOnce());
  fs_.AddFile("/sys/class/net/eth0/speed", "100\n");
  ASSERT_TRUE(sampler.RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 100'000'000u);
}

TEST_F(LocalSamplerTest, UnreadableProcNetDevFailsThePassAndKeepsTheStore) {
  LocalSampler sampler = MakeSampler(false, 1);
  ASSERT_TRUE(sampler.RunOnce());
  InMemoryFileReader empty;
  LocalSampler::Options options;
  LocalSampler broken(std::move(options), empty, store_, self_metrics_);
  EXPECT_FALSE(broken.RunOnce());
  EXPECT_EQ(store_.Current()->interfaces.size(), 1u);
}

}  // namespace
}  // namespace netif
