// The `metrics:` section: loading, its errors, and which families each class is served.
#include "config/metrics_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/config_test_util.h"

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using config_testing::At;
using config_testing::ParseError;
using config_testing::ParseOk;

TEST(MetricsProfileTest, EveryProfilePatternCompiles) {
  for (const MetricsProfile profile :
       {MetricsProfile::kDefault, MetricsProfile::kCompact, MetricsProfile::kFull}) {
    const ProfilePatterns& patterns = PatternsOf(profile);
    for (const auto* list : {&patterns.include, &patterns.exclude}) {
      for (std::string_view pattern : *list) {
        EXPECT_TRUE(
            std::holds_alternative<AnchoredRegex>(AnchoredRegex::Compile(std::string(pattern))))
            << pattern;
      }
    }
    EXPECT_EQ(ParseMetricsProfile(MetricsProfileName(profile)), (OrError<MetricsProfile>(profile)));
  }
}

TEST(MetricsProfileTest, DefaultLeavesOutWhatPrometheusComputesAndConstants) {
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_receive_bytes_total"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_utilization_ratio"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_utilization_peak_ratio"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_receive_nohandler_total"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_receive_bytes_per_second"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_receive_utilization_ratio"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_iface_id"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_receive_crc_errors_total"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_receive_fifo_errors_total"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, "netif_transmit_carrier_errors_total"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_transmit_errors_total"));
  // A family this build does not know (a source's extra counter) is in unless a pattern says not.
  EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, "netif_ethtool_rx_missed_total"));
}

TEST(MetricsProfileTest, DefaultKeepsTheLinkFactsThatChangeAndTheBondAndEthtoolFamilies) {
  for (const char* constant : {"netif_address_assign_type", "netif_name_assign_type",
                               "netif_device_group", "netif_device_id", "netif_link_mode"}) {
    EXPECT_FALSE(ProfileContains(MetricsProfile::kDefault, constant)) << constant;
    EXPECT_TRUE(ProfileContains(MetricsProfile::kFull, constant)) << constant;
  }
  for (const char* kept :
       {"netif_transmit_queue_length", "netif_dormant", "netif_flags", "netif_bond_slave_active",
        "netif_bond_slave_mii_up", "netif_bond_slave_link_failures_total",
        "netif_bond_slave_lacp_port_state", "netif_ethtool_info",
        "netif_ethtool_received_queue_0_xdp_packets", "node_network_up",
        "node_network_net_dev_group", "node_network_receive_frame_total"}) {
    EXPECT_TRUE(ProfileContains(MetricsProfile::kDefault, kept)) << kept;
  }
}

TEST(MetricsProfileTest, CompactIsCountersAndLinkState) {
  EXPECT_TRUE(ProfileContains(MetricsProfile::kCompact, "netif_transmit_drops_total"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kCompact, "netif_oper_up"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kCompact, "node_network_receive_errs_total"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kCompact, "netif_receive_multicast_packets_total"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kCompact, "netif_utilization_ratio"));
  EXPECT_FALSE(ProfileContains(MetricsProfile::kCompact, "netif_ethtool_rx_missed_total"));
  EXPECT_TRUE(ProfileContains(MetricsProfile::kFull, "netif_receive_bytes_per_second"));
}

TEST(MetricsConfigTest, DefaultsServeTheDefaultProfileToEveryClass) {
  const MetricsConfig metrics;
  for (std::string_view device_class : kMetricsClassNames) {
    EXPECT_TRUE(metrics.Serves(device_class, "netif_receive_bytes_total"));
    EXPECT_FALSE(metrics.Serves(device_class, "netif_receive_bytes_per_second"));
  }
  EXPECT_EQ(ParseOk("").metrics, MetricsConfig{});
}

TEST(MetricsConfigTest, ClassesGetTheirOwnSet) {
  const Config c = ParseOk(R"(
metrics:
  profile: full
  exclude: ["netif_anomal.*"]
  classes:
    veth: compact
    bridge:
      include: ["netif_(receive|transmit)_bytes_total"]
    physical:
      exclude: ["netif_.*_per_second"]
)");
  const MetricsConfig& m = c.metrics;
  EXPECT_EQ(m.profile, MetricsProfile::kFull);
  // The global exclude is for every class.
  EXPECT_FALSE(m.Serves("physical", "netif_anomaly_score"));
  EXPECT_FALSE(m.Serves("virtual-other", "netif_anomaly"));
  // No entry: the global set.
  EXPECT_TRUE(m.Serves("virtual-other", "netif_receive_bytes_per_second"));
  EXPECT_TRUE(m.Serves("snmp", "netif_iface_id"));
  // veth: the compact profile.
  EXPECT_TRUE(m.Serves("veth", "netif_receive_bytes_total"));
  EXPECT_TRUE(m.Serves("veth", "netif_info"));
  EXPECT_FALSE(m.Serves("veth", "netif_utilization_ratio"));
  // bridge: the global profile (full) narrowed to its include.
  EXPECT_TRUE(m.Serves("bridge", "netif_transmit_bytes_total"));
  EXPECT_FALSE(m.Serves("bridge", "netif_receive_packets_total"));
  // physical: the global set less its own exclude.
  EXPECT_FALSE(m.Serves("physical", "netif_receive_bytes_per_second"));
  EXPECT_TRUE(m.Serves("physical", "netif_utilization_ratio"));
}

TEST(MetricsConfigTest, GlobalIncludeIsTheSetOfClassesWithoutTheirOwn) {
  const Config c = ParseOk(R"(
metrics:
  include: ["netif_receive_.*"]
  classes:
    physical: {include: []}
)");
  EXPECT_TRUE(c.metrics.Serves("veth", "netif_receive_bytes_total"));
  EXPECT_FALSE(c.metrics.Serves("veth", "netif_transmit_bytes_total"));
  // An explicit empty include: every family of the profile.
  EXPECT_TRUE(c.metrics.Serves("physical", "netif_transmit_bytes_total"));
  EXPECT_FALSE(c.metrics.Serves("physical", "netif_receive_bytes_per_second"));  // default profile
}

TEST(MetricsConfigTest, PatternsMatchWholeNames) {
  const Config c = ParseOk("metrics:\n  exclude: [netif_info]\n");
  EXPECT_FALSE(c.metrics.Serves("physical", "netif_info"));
  EXPECT_TRUE(c.metrics.Serves("physical", "netif_info_extra"));
}

TEST(MetricsConfigTest, BadRegexIsOneLineAtItsElement) {
  EXPECT_EQ(ParseError("metrics:\n  exclude:\n    - netif_ok\n    - \"netif_(\"\n"),
            At(4,
               "metrics.exclude[1]: invalid regular expression \"netif_(\": missing ): "
               "netif_("));
  EXPECT_THAT(ParseError("metrics:\n  classes:\n    veth:\n      include: [\"a[\"]\n"),
              StartsWith(At(4, "metrics.classes.veth.include[0]: invalid regular expression")));
}

TEST(MetricsConfigTest, OtherMistakes) {
  EXPECT_EQ(ParseError("metrics:\n  profile: tiny\n"),
            At(2, "metrics.profile: unknown profile \"tiny\"; want one of default, compact, full"));
  EXPECT_EQ(ParseError("metrics:\n  classes:\n    container: compact\n"),
            At(3,
               "metrics.classes.container: unknown device class; want one of physical, veth, "
               "bridge, virtual-other, snmp"));
  EXPECT_EQ(ParseError("metrics:\n  exclude: netif_info\n"),
            At(2,
               "metrics.exclude: want a list, e.g. [\"netif_anomal.*\", "
               "\"netif_.*_per_second\"], got a single value"));
  EXPECT_EQ(ParseError("metrics:\n  exclude: [\"\"]\n"),
            At(2, "metrics.exclude[0]: an empty pattern matches no family"));
  EXPECT_THAT(ParseError("metrics:\n  classes:\n    veth: {profile: compact, drop: [x]}\n"),
              HasSubstr("metrics.classes.veth.drop: unknown key"));
  EXPECT_THAT(ParseError("metrics:\n  classes:\n    veth: compact\n    veth: full\n"),
              HasSubstr("duplicate key"));
}

}  // namespace
}  // namespace netif
