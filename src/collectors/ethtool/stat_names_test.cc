#include "collectors/ethtool/stat_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace netif {
namespace {

TEST(EthtoolNamesTest, SanitizingFollowsNodeExporter) {
  // `_*[^0-9A-Za-z_]+_*` becomes one '_'; underscores elsewhere stay.
  EXPECT_EQ(SanitizeEthtoolName("rx_queue_0_xdp_packets"), "rx_queue_0_xdp_packets");
  EXPECT_EQ(SanitizeEthtoolName("rx-crc.errors"), "rx_crc_errors");
  EXPECT_EQ(SanitizeEthtoolName("a__-__b"), "a_b");
  EXPECT_EQ(SanitizeEthtoolName("a__b"), "a__b");
  EXPECT_EQ(SanitizeEthtoolName("a-_-b"), "a__b");  // two matches: "-_" and "-"
  EXPECT_EQ(SanitizeEthtoolName("tx [0] bytes"), "tx_0_bytes");
  EXPECT_EQ(SanitizeEthtoolName("\xC3\xA9t\xE9"), "_t_");  // bytes, not UTF-8: runs collapse
  EXPECT_EQ(SanitizeEthtoolName(""), "");
}

TEST(EthtoolNamesTest, FamilyNamesFollowNodeExporter) {
  EXPECT_EQ(EthtoolFamilyName("peer_ifindex"), "netif_ethtool_peer_ifindex");
  EXPECT_EQ(EthtoolFamilyName("rx_queue_0_xdp_packets"),
            "netif_ethtool_received_queue_0_xdp_packets");
  EXPECT_EQ(EthtoolFamilyName("tx_queue_0_xdp_xmit_errors"),
            "netif_ethtool_transmitted_queue_0_xdp_xmit_errors");
  EXPECT_EQ(EthtoolFamilyName("RX_CRC_Errors"), "netif_ethtool_received_crc_errors");
  EXPECT_EQ(EthtoolFamilyName("port.rx-dropped"), "netif_ethtool_port_received_dropped");
  EXPECT_EQ(EthtoolFamilyName("rx0_drops"), "netif_ethtool_rx0_drops");  // "rx0" is no word
  EXPECT_EQ(EthtoolFamilyName("tx"), "netif_ethtool_transmitted");
  EXPECT_EQ(EthtoolFamilyName("__rx"), "netif_ethtool_received");
  // Go's ReplaceAllString: a match consumes its delimiters, so the next word needs its own.
  EXPECT_EQ(EthtoolFamilyName("tx_tx_timeouts"), "netif_ethtool_transmitted_tx_timeouts");
  EXPECT_EQ(EthtoolFamilyName("rx_tx"), "netif_ethtool_received_transmitted");
  EXPECT_EQ(EthtoolFamilyName("a_rx_rx_b"), "netif_ethtool_a_received_rx_b");
  // node_exporter's seven predeclared statistics end in _total.
  EXPECT_EQ(EthtoolFamilyName("rx_bytes"), "netif_ethtool_received_bytes_total");
  EXPECT_EQ(EthtoolFamilyName("tx_packets"), "netif_ethtool_transmitted_packets_total");
  EXPECT_EQ(EthtoolFamilyName("rx-bytes"), "netif_ethtool_received_bytes_total");
  EXPECT_EQ(EthtoolFamilyName("RX_BYTES"), "netif_ethtool_received_bytes");  // not exactly so
  EXPECT_EQ(EthtoolFamilyName("rx_bytes_nic"), "netif_ethtool_received_bytes_nic");
  // Nothing left.
  EXPECT_EQ(EthtoolFamilyName("---"), "");
  EXPECT_EQ(EthtoolFamilyName(""), "");
}

TEST(EthtoolNamesTest, CollidingStatisticsAreAllDropped) {
  const std::vector<std::string> stats = {"rx-errors", "peer_ifindex", "rx_errors",
                                          "rx.errors", "tx_bytes",     "..."};
  const EthtoolNaming naming = NameEthtoolStats(stats);
  EXPECT_EQ(naming.families,
            (std::vector<std::string>{"", "netif_ethtool_peer_ifindex", "", "",
                                      "netif_ethtool_transmitted_bytes_total", ""}));
  EXPECT_EQ(naming.collisions, 3u);
  EXPECT_EQ(naming.unnamed, 1u);
}

TEST(EthtoolNamesTest, OurOwnFamiliesAreReserved) {
  EXPECT_TRUE(IsReservedEthtoolFamily("netif_ethtool_info"));
  EXPECT_TRUE(IsReservedEthtoolFamily("netif_ethtool_errors_total"));
  EXPECT_TRUE(IsReservedEthtoolFamily("netif_ethtool_stats_dropped"));
  EXPECT_FALSE(IsReservedEthtoolFamily("netif_ethtool_peer_ifindex"));
  const std::vector<std::string> stats = {"info", "errors_total", "Stats-Dropped", "ok"};
  const EthtoolNaming naming = NameEthtoolStats(stats);
  EXPECT_EQ(naming.families, (std::vector<std::string>{"", "", "", "netif_ethtool_ok"}));
  EXPECT_EQ(naming.collisions, 3u);
}

TEST(EthtoolNamesTest, InterningIsStableAndBounded) {
  EthtoolFamilies families(2);
  const ExtraCounterDefinition* a = families.Intern("netif_ethtool_a", "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "netif_ethtool_a");
  EXPECT_EQ(a->type, MetricType::kUntyped);
  EXPECT_EQ(a->help, "Driver statistic a (ethtool -S), as the driver reports it.");
  EXPECT_EQ(families.Intern("netif_ethtool_a", "A"), a);  // one per family, whatever the stat
  ASSERT_NE(families.Intern("netif_ethtool_b", "b"), nullptr);
  EXPECT_EQ(families.Intern("netif_ethtool_c", "c"), nullptr);  // full
  EXPECT_EQ(families.Intern("netif_ethtool_a", "a"), a);        // known ones still are
  EXPECT_EQ(families.size(), 2u);
}

}  // namespace
}  // namespace netif
