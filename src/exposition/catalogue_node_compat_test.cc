// The node_exporter compatibility families: rendered only when asked for, only for local
// interfaces, with node_exporter 1.5's names, labels and value rules. The side-by-side comparison
// with the real node_exporter is tests/integration/node_exporter_compat_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "exposition/family_filter.h"
#include "exposition/metric_catalogue.h"
#include "exposition/renderer.h"

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr ExtraCounterDefinition kNoHandler{"netif_receive_nohandler_total", "rx_nohandler."};
constexpr ExtraCounterDefinition kOther{"netif_receive_other_total", "another extra counter."};

// A running veth as the local source reports it.
std::shared_ptr<InterfaceView> LocalView(const std::string& name) {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {std::string(kLocalSource), name};
  view->record.name = name;
  view->record.labels = LocalDeviceLabels(name);
  for (std::size_t i = 0; i < kProcNetDevCounterCount; ++i) {
    view->record.counters.Set(static_cast<Counter>(i), 100 + i);
  }
  view->record.extra_counters.Set(kOther, 7);
  view->record.extra_counters.Set(kNoHandler, 3);
  LinkAttributes& a = view->record.attributes;
  a.ifindex = 3;
  a.iflink = 2;
  a.mtu = 1500;
  a.type = 1;
  a.speed_bps = 10'000'000'000;
  a.duplex = Duplex::kFull;
  a.oper_state = OperState::kUp;
  a.admin_up = true;
  a.carrier = true;
  a.carrier_changes = 2;
  a.carrier_up_count = 1;
  a.carrier_down_count = 1;
  a.address = "e6:ce:b7:e5:6e:1d";
  a.broadcast = "ff:ff:ff:ff:ff:ff";
  a.alias = " uplink \n";
  a.tx_queue_len = 1000;
  a.flags = 0x1003;
  a.dormant = false;
  a.link_mode = 0;
  a.addr_assign_type = 1;
  a.name_assign_type = 3;
  a.group = 5;
  a.dev_id = 0;
  return view;
}

std::string Render(const Snapshot& snapshot, bool compat) {
  std::string out;
  RenderOptions options;
  options.node_exporter_compat = compat;
  RenderInterfaces(snapshot, out, options);
  return out;
}

TEST(NodeCompatTest, OffByDefault) {
  Snapshot snapshot;
  snapshot.interfaces = {LocalView("vA")};
  EXPECT_THAT(Render(snapshot, false), Not(HasSubstr("node_network_")));
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, Not(HasSubstr("node_network_")));
}

TEST(NodeCompatTest, RunningLinkHasEveryFamilyWithNodeExporterValues) {
  Snapshot snapshot;
  snapshot.interfaces = {LocalView("vA")};
  const std::string out = Render(snapshot, true);
  // Our own families stay.
  EXPECT_THAT(out, HasSubstr("netif_receive_bytes_total{device=\"vA\"} 100\n"));
  EXPECT_THAT(out, HasSubstr("# HELP node_network_receive_bytes_total Network device statistic "
                             "receive_bytes.\n# TYPE node_network_receive_bytes_total counter\n"
                             "node_network_receive_bytes_total{device=\"vA\"} 100\n"));
  EXPECT_THAT(out, HasSubstr("node_network_receive_drop_total{device=\"vA\"} 103\n"));
  EXPECT_THAT(out, HasSubstr("node_network_transmit_carrier_total{device=\"vA\"} 114\n"));
  EXPECT_THAT(out, HasSubstr("node_network_receive_nohandler_total{device=\"vA\"} 3\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE node_network_up gauge\nnode_network_up{device=\"vA\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("node_network_info{device=\"vA\",address=\"e6:ce:b7:e5:6e:1d\","
                             "broadcast=\"ff:ff:ff:ff:ff:ff\",duplex=\"full\",ifalias=\"uplink\","
                             "operstate=\"up\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("node_network_speed_bytes{device=\"vA\"} 1250000000\n"));
  EXPECT_THAT(out, HasSubstr("node_network_carrier{device=\"vA\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("node_network_dormant{device=\"vA\"} 0\n"));
  EXPECT_THAT(out, HasSubstr("# TYPE node_network_carrier_changes_total counter\n"
                             "node_network_carrier_changes_total{device=\"vA\"} 2\n"));
  EXPECT_THAT(out, HasSubstr("node_network_flags{device=\"vA\"} 4099\n"));
  EXPECT_THAT(out, HasSubstr("node_network_net_dev_group{device=\"vA\"} 5\n"));
  EXPECT_THAT(out, HasSubstr("node_network_iface_link{device=\"vA\"} 2\n"));
  EXPECT_THAT(out, HasSubstr("node_network_name_assign_type{device=\"vA\"} 3\n"));
  EXPECT_THAT(out, HasSubstr("node_network_transmit_queue_length{device=\"vA\"} 1000\n"));
  EXPECT_THAT(out, HasSubstr("node_network_protocol_type{device=\"vA\"} 1\n"));
}

// The kernel refuses carrier, dormant, speed and duplex while a link is down; node_exporter then
// leaves those out (and duplex="").
TEST(NodeCompatTest, DownLinkLacksWhatTheKernelRefusesToRead) {
  auto view = LocalView("vC");
  view->record.attributes.admin_up = false;
  view->record.attributes.oper_state = OperState::kDown;
  Snapshot snapshot;
  snapshot.interfaces = {view};
  const std::string out = Render(snapshot, true);
  EXPECT_THAT(out, Not(HasSubstr("node_network_carrier{")));
  EXPECT_THAT(out, Not(HasSubstr("node_network_dormant{")));
  EXPECT_THAT(out, Not(HasSubstr("node_network_speed_bytes{")));
  EXPECT_THAT(out, HasSubstr("duplex=\"\""));
  EXPECT_THAT(out, HasSubstr("node_network_up{device=\"vC\"} 0\n"));
  EXPECT_THAT(out, HasSubstr("node_network_mtu_bytes{device=\"vC\"} 1500\n"));
}

// A bridge without running ports: sysfs speed "-1", which node_exporter 1.5 serves as -125000;
// lo: no ethtool settings at all, so neither speed nor duplex.
TEST(NodeCompatTest, UnknownSpeedIsMinusOneMegabit) {
  auto bridge = LocalView("br1");
  bridge->record.attributes.speed_bps.reset();
  bridge->record.attributes.duplex = Duplex::kUnknown;
  auto lo = LocalView("lo");
  lo->record.attributes.speed_bps.reset();
  lo->record.attributes.duplex.reset();
  Snapshot snapshot;
  snapshot.interfaces = {bridge, lo};
  const std::string out = Render(snapshot, true);
  EXPECT_THAT(out, HasSubstr("node_network_speed_bytes{device=\"br1\"} -125000\n"));
  EXPECT_THAT(out, Not(HasSubstr("node_network_speed_bytes{device=\"lo\"}")));
}

// node_exporter's netdev leaves lo out by default; netclass serves it.
TEST(NodeCompatTest, NetdevLeavesOutLoopback) {
  Snapshot snapshot;
  snapshot.interfaces = {LocalView("lo")};
  const std::string out = Render(snapshot, true);
  EXPECT_THAT(out, Not(HasSubstr("node_network_receive_bytes_total")));
  EXPECT_THAT(out, Not(HasSubstr("node_network_receive_nohandler_total")));
  EXPECT_THAT(out, HasSubstr("node_network_up{device=\"lo\"}"));
  EXPECT_THAT(out, HasSubstr("node_network_iface_id{device=\"lo\"} 3\n"));
}

TEST(NodeCompatTest, SnmpPortsAreNeverServed) {
  auto port = LocalView("Gi0/1");
  port->record.key = {"snmp/sw1", "3"};
  port->record.labels = {{"target", "sw1"}, {"ifIndex", "3"}};
  Snapshot snapshot;
  snapshot.interfaces = {port};
  const std::string out = Render(snapshot, true);
  EXPECT_THAT(out, HasSubstr("netif_receive_bytes_total{target=\"sw1\",ifIndex=\"3\"} 100\n"));
  EXPECT_THAT(out, Not(HasSubstr("node_network_")));
}

// Unknown is absent, never zero: a link whose facts no source filled yet has none of them.
TEST(NodeCompatTest, AbsentFactsAreLeftOut) {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {std::string(kLocalSource), "eth9"};
  view->record.labels = LocalDeviceLabels("eth9");
  view->record.attributes.oper_state = OperState::kLowerLayerDown;
  Snapshot snapshot;
  snapshot.interfaces = {view};
  const std::string out = Render(snapshot, true);
  EXPECT_THAT(out, HasSubstr("node_network_up{device=\"eth9\"} 0\n"));
  EXPECT_THAT(out, HasSubstr("node_network_info{device=\"eth9\",address=\"\",broadcast=\"\","
                             "duplex=\"\",ifalias=\"\",operstate=\"lowerlayerdown\"} 1\n"));
  EXPECT_THAT(out, Not(HasSubstr("node_network_flags")));
  EXPECT_THAT(out, Not(HasSubstr("node_network_receive_bytes_total")));
}

TEST(NodeCompatTest, CatalogueRowsAreNodeExporterFamilies) {
  std::set<std::string_view> names;
  for (const auto& definition : NodeExporterCompatDefinitions()) {
    EXPECT_TRUE(names.insert(definition.name).second) << definition.name;
    EXPECT_TRUE(definition.name.starts_with("node_network_")) << definition.name;
    EXPECT_EQ(definition.type == MetricType::kCounter, definition.name.ends_with("_total"))
        << definition.name;
    EXPECT_NE(definition.emit, nullptr) << definition.name;
    EXPECT_EQ(GroupOf(definition), FamilyGroup::kCompat) << definition.name;
  }
  // 17 netdev statistics (16 /proc/net/dev columns and receive_nohandler), 19 netclass families.
  EXPECT_EQ(names.size(), 17u + 19u);
}

// The compatibility families are chosen by `metrics:` (by name, per device class) and by a
// scrape's collect[] (group "compat") like every other family.
TEST(NodeCompatTest, FamiliesAreChosenByTheFilterAndCollect) {
  auto veth = std::make_shared<InterfaceView>(*LocalView("vA"));
  veth->device_class = DeviceClass::kVeth;
  auto nic = std::make_shared<InterfaceView>(*LocalView("eth0"));
  nic->device_class = DeviceClass::kPhysical;
  Snapshot snapshot;
  snapshot.interfaces = {veth, nic};
  // Veths: node_network_up only; NICs: every family but node_network_mtu_bytes.
  const FamilyFilter filter([](std::string_view family) -> DeviceClassMask {
    if (family == "node_network_up") return kAllDeviceClasses;
    if (family == "node_network_mtu_bytes") return 0;
    return kAllDeviceClasses & ~MaskOf(DeviceClass::kVeth);
  });
  RenderOptions options{&filter, {}};
  options.node_exporter_compat = true;
  std::string out;
  RenderInterfaces(snapshot, out, options);
  EXPECT_THAT(out, HasSubstr("node_network_up{device=\"vA\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("node_network_up{device=\"eth0\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("node_network_receive_bytes_total{device=\"eth0\"} 100\n"));
  EXPECT_THAT(out, Not(HasSubstr("node_network_receive_bytes_total{device=\"vA\"}")));
  EXPECT_THAT(out, Not(HasSubstr("node_network_mtu_bytes")));

  // collect[]=compat: the node_exporter families only.
  options.selection.groups = 1u << static_cast<unsigned>(FamilyGroup::kCompat);
  std::string compat_only;
  RenderInterfaces(snapshot, compat_only, options);
  EXPECT_THAT(compat_only, HasSubstr("node_network_up{device=\"vA\"} 1\n"));
  EXPECT_THAT(compat_only, Not(HasSubstr("netif_")));
  // collect[]=counters: none of them.
  options.selection.groups = 1u << static_cast<unsigned>(FamilyGroup::kCounters);
  std::string counters_only;
  RenderInterfaces(snapshot, counters_only, options);
  EXPECT_THAT(counters_only, HasSubstr("netif_receive_bytes_total{device=\"eth0\"}"));
  EXPECT_THAT(counters_only, Not(HasSubstr("node_network_")));
}

}  // namespace
}  // namespace netif
