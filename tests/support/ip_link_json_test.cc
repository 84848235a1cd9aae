#include <gtest/gtest.h>

#include <stdexcept>

#include "support/netns.h"

namespace netif::testing_support {
namespace {

// Trimmed from `ip -s -j link` (iproute2 6.1) in a namespace with a veth pair.
constexpr char kIpOutput[] =
    R"([{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,)"
    R"("operstate":"UNKNOWN","stats64":{"rx":{"bytes":0,"packets":0,"errors":0,"dropped":0,)"
    R"("over_errors":0,"multicast":0},"tx":{"bytes":0,"packets":0,"errors":0,"dropped":0,)"
    R"("carrier_errors":0,"collisions":0}}},)"
    R"({"ifindex":2,"link":"vA","ifname":"vB","flags":["BROADCAST","MULTICAST","M-DOWN"],)"
    R"("mtu":1500,"operstate":"DOWN","address":"aa:bb:cc:dd:ee:ff","altnames":["x\"y"],)"
    R"("stats64":{"rx":{"bytes":18446744073709551615,"packets":400,"errors":1,"dropped":2},)"
    R"("tx":{"bytes":100000,"packets":300,"errors":3,"dropped":4}}}])"
    "\n";

TEST(IpLinkJsonTest, ParsesNamesStateAndStats) {
  const auto links = ParseIpLinkJson(kIpOutput);
  ASSERT_EQ(links.size(), 2u);
  const IpLinkStats& lo = links.at("lo");
  EXPECT_EQ(lo.ifindex, 1u);
  EXPECT_TRUE(lo.admin_up);
  const IpLinkStats& vb = links.at("vB");
  EXPECT_FALSE(vb.admin_up);
  EXPECT_EQ(vb.operstate, "DOWN");
  EXPECT_EQ(vb.rx_bytes, 18446744073709551615ull);
  EXPECT_EQ(vb.rx_packets, 400u);
  EXPECT_EQ(vb.rx_errors, 1u);
  EXPECT_EQ(vb.rx_dropped, 2u);
  EXPECT_EQ(vb.tx_bytes, 100000u);
  EXPECT_EQ(vb.tx_packets, 300u);
  EXPECT_EQ(vb.tx_errors, 3u);
  EXPECT_EQ(vb.tx_dropped, 4u);
  EXPECT_EQ(lo.stats64.at("rx.over_errors"), 0u);
  EXPECT_EQ(lo.stats64.at("tx.collisions"), 0u);
  EXPECT_EQ(vb.stats64.at("rx.packets"), 400u);
  EXPECT_EQ(vb.stats64.at("tx.dropped"), 4u);
  EXPECT_EQ(vb.stats64.size(), 8u);
}

TEST(IpLinkJsonTest, MalformedOutputThrows) {
  EXPECT_THROW(ParseIpLinkJson("[{\"ifname\":\"lo\""), std::runtime_error);
  EXPECT_THROW(ParseIpLinkJson("{}"), std::runtime_error);
  EXPECT_THROW(ParseIpLinkJson("[] trailing"), std::runtime_error);
}

}  // namespace
}  // namespace netif::testing_support
