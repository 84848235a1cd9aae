#include "exposition/renderer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "exposition/metric_catalogue.h"
#include "util/segmented_body.h"
#include "util/work_pool.h"

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<const InterfaceView> View(std::string name, uint64_t rx_bytes) {
  auto view = std::make_shared<InterfaceView>();
  view->record.key = {std::string(kLocalSource), name};
  view->record.name = name;
  view->record.labels = LocalDeviceLabels(name);
  view->record.counters.Set(Counter::kReceiveBytes, rx_bytes);
  view->record.attributes.mtu = 1500;
  return view;
}

TEST(RendererTest, RendersHeaderOncePerFamilyAndOneLinePerInterface) {
  Snapshot snapshot;
  snapshot.interfaces = {View("eth0", 10), View("eth1", 20)};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, HasSubstr("# HELP netif_receive_bytes_total Bytes received"));
  EXPECT_THAT(out, HasSubstr("# TYPE netif_receive_bytes_total counter\n"
                             "netif_receive_bytes_total{device=\"eth0\"} 10\n"
                             "netif_receive_bytes_total{device=\"eth1\"} 20\n"));
  EXPECT_THAT(out, HasSubstr("netif_mtu_bytes{device=\"eth0\"} 1500\n"));
}

TEST(RendererTest, LeavesOutFamiliesWithoutSamples) {
  Snapshot snapshot;
  snapshot.interfaces = {View("eth0", 1)};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, Not(HasSubstr("netif_speed_bytes")));
  EXPECT_THAT(out, Not(HasSubstr("netif_transmit_bytes_total")));
}

TEST(RendererTest, EscapesHostileDeviceNames) {
  Snapshot snapshot;
  snapshot.interfaces = {View("a\"b\\c\xFF", 1)};
  std::string out;
  RenderInterfaces(snapshot, out);
  // An invalid byte is written "\xFF", and then the backslash too is escaped ("\x5C"), so the
  // name with the byte 0xFF and one with the text "\xFF" differ.
  EXPECT_THAT(out, HasSubstr("netif_receive_bytes_total{device=\"a\\\"b\\\\x5Cc\\\\xFF\"} 1\n"));
}

TEST(RendererTest, InfoMetricCarriesAttributesAsLabels) {
  auto view = std::make_shared<InterfaceView>(*View("eth0", 1));
  view->record.attributes.address = "aa:bb:cc:dd:ee:ff";
  view->record.attributes.oper_state = OperState::kUp;
  view->record.attributes.duplex = Duplex::kFull;
  view->record.attributes.master = "br0";
  view->record.attributes.broadcast = "ff:ff:ff:ff:ff:ff";
  Snapshot snapshot;
  snapshot.interfaces = {view};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, HasSubstr("netif_info{device=\"eth0\",address=\"aa:bb:cc:dd:ee:ff\","
                             "duplex=\"full\",operstate=\"up\",ifalias=\"\",kind=\"\","
                             "master=\"br0\",broadcast=\"ff:ff:ff:ff:ff:ff\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("netif_oper_up{device=\"eth0\"} 1\n"));
  EXPECT_THAT(out, HasSubstr("netif_link_transitions_total{device=\"eth0\",direction=\"up\"} 0\n"));
}

TEST(RendererTest, NetclassFactsAndBondPortStateAreGaugesAbsentWhenUnknown) {
  auto port = std::make_shared<InterfaceView>(*View("eth1", 1));
  LinkAttributes& a = port->record.attributes;
  a.tx_queue_len = 1234;
  a.dormant = false;
  a.flags = 0x1303;
  a.link_mode = 1;
  a.addr_assign_type = 3;
  a.name_assign_type = 4;
  a.group = 4294967295u;  // -1 as the kernel's int, as sysfs prints it
  a.dev_id = 2;
  a.bond_slave = BondSlave{.active = false,
                           .mii_status = 2,
                           .link_failure_count = 5,
                           .queue_id = 0,
                           .ad_aggregator_id = 1,
                           .ad_actor_port_state = 61,
                           .ad_partner_port_state = 63};
  Snapshot snapshot;
  snapshot.interfaces = {port, View("eth2", 1)};
  std::string out;
  RenderInterfaces(snapshot, out);
  for (const char* line : {
           "netif_transmit_queue_length{device=\"eth1\"} 1234\n",
           "netif_dormant{device=\"eth1\"} 0\n",
           "netif_flags{device=\"eth1\"} 4867\n",
           "netif_link_mode{device=\"eth1\"} 1\n",
           "netif_address_assign_type{device=\"eth1\"} 3\n",
           "netif_name_assign_type{device=\"eth1\"} 4\n",
           "netif_device_group{device=\"eth1\"} -1\n",
           "netif_device_id{device=\"eth1\"} 2\n",
           "netif_bond_slave_active{device=\"eth1\"} 0\n",
           "netif_bond_slave_mii_up{device=\"eth1\"} 0\n",
           "netif_bond_slave_link_failures_total{device=\"eth1\"} 5\n",
           "netif_bond_slave_queue_id{device=\"eth1\"} 0\n",
           "netif_bond_slave_ad_aggregator_id{device=\"eth1\"} 1\n",
           "netif_bond_slave_lacp_port_state{device=\"eth1\",side=\"actor\"} 61\n",
           "netif_bond_slave_lacp_port_state{device=\"eth1\",side=\"partner\"} 63\n",
       }) {
    EXPECT_THAT(out, HasSubstr(line));
  }
  for (const char* family :
       {"netif_transmit_queue_length{device=\"eth2\"}", "netif_flags{device=\"eth2\"}",
        "netif_device_group{device=\"eth2\"}", "netif_bond_slave_active{device=\"eth2\"}"}) {
    EXPECT_THAT(out, Not(HasSubstr(family))) << "unknown: no sample";
  }
}

TEST(RendererTest, SpeedIsRenderedInBytesPerSecond) {
  auto view = std::make_shared<InterfaceView>(*View("eth0", 1));
  view->record.attributes.speed_bps = 1'000'000'000;
  Snapshot snapshot;
  snapshot.interfaces = {view};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, HasSubstr("netif_speed_bytes{device=\"eth0\"} 125000000\n"));
}

TEST(RendererTest, ParallelRenderIsByteForByteTheSerialOne) {
  Snapshot snapshot;
  // Families are cut into segments of 2,560 interfaces: 6,000 make three per family, and the speed
  // family has samples only in the later ones (its header must still come first, once).
  for (int i = 0; i < 6000; ++i) {
    auto view = std::make_shared<InterfaceView>(*View("veth" + std::to_string(i), 1000 + i));
    view->record.attributes.oper_state = i % 3 == 0 ? OperState::kDown : OperState::kUp;
    if (i >= 3000) view->record.attributes.speed_bps = 10'000'000'000ULL;
    snapshot.interfaces.push_back(view);
  }
  std::string serial;
  RenderInterfaces(snapshot, serial);
  WorkPool pool(3);
  IdentityEncoding identity;
  std::string parallel;
  SegmentedBody body(pool, identity, [&](std::string_view piece) { parallel.append(piece); });
  RenderInterfaces(snapshot, body);
  EXPECT_GT(parallel.size(), 100'000u);  // sent by the time it returns
  ASSERT_TRUE(body.Finish());
  EXPECT_EQ(parallel, serial);
  const auto header = serial.find("# TYPE netif_speed_bytes gauge\n");
  ASSERT_NE(header, std::string::npos);
  EXPECT_EQ(serial.find("# TYPE netif_speed_bytes", header + 1), std::string::npos);
  EXPECT_LT(header, serial.find("netif_speed_bytes{device=\"veth3000\"}"));
  EXPECT_EQ(serial.find("netif_speed_bytes{device=\"veth2999\"}"), std::string::npos);
}

TEST(CatalogueTest, NamesAreUniqueAndCountersEndInTotal) {
  std::set<std::string_view> names;
  for (const auto& definition : InterfaceMetricCatalogue()) {
    EXPECT_TRUE(names.insert(definition.name).second) << definition.name;
    EXPECT_TRUE(definition.name.starts_with("netif_")) << definition.name;
    EXPECT_EQ(definition.type == MetricType::kCounter, definition.name.ends_with("_total"))
        << definition.name;
    EXPECT_FALSE(definition.help.empty()) << definition.name;
  }
  EXPECT_GE(names.size(), 16u + 10u);
}

}  // namespace
}  // namespace netif

namespace netif {
namespace {

constexpr ExtraCounterDefinition kCrc{"netif_test_crc_errors_total",
                                      "CRC errors, as the driver counts them."};

TEST(RendererExtraCountersTest, AnExtraCounterIsAFamilyOfItsOwnAfterTheCatalogue) {
  auto eth0 = std::make_shared<InterfaceView>(*View("eth0", 1));
  eth0->record.extra_counters.Set(kCrc, 42);
  auto eth1 = View("eth1", 2);  // carries no such counter: no line
  Snapshot snapshot;
  snapshot.interfaces = {eth0, eth1};
  snapshot.extra_counters = {&kCrc};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, HasSubstr("# HELP netif_test_crc_errors_total CRC errors, as the driver counts "
                             "them.\n# TYPE netif_test_crc_errors_total counter\n"
                             "netif_test_crc_errors_total{device=\"eth0\"} 42\n"));
  EXPECT_THAT(out, Not(HasSubstr("netif_test_crc_errors_total{device=\"eth1\"}")));
  EXPECT_GT(out.find("netif_test_crc_errors_total"), out.find("netif_receive_bytes_total"));
}

TEST(RendererExtraCountersTest, AFamilyNoInterfaceCarriesIsLeftOut) {
  Snapshot snapshot;
  snapshot.interfaces = {View("eth0", 1)};
  snapshot.extra_counters = {&kCrc};
  std::string out;
  RenderInterfaces(snapshot, out);
  EXPECT_THAT(out, Not(HasSubstr("netif_test_crc_errors_total")));
}

TEST(RendererExtraCountersTest, ParallelRenderingMatchesTheSerialOne) {
  Snapshot snapshot;
  for (int i = 0; i < 600; ++i) {
    auto view = std::make_shared<InterfaceView>(*View("veth" + std::to_string(i), i));
    if (i % 3 == 0) view->record.extra_counters.Set(kCrc, static_cast<uint64_t>(i));
    snapshot.interfaces.push_back(view);
  }
  snapshot.extra_counters = {&kCrc};
  std::string serial;
  RenderInterfaces(snapshot, serial);
  EXPECT_THAT(serial, HasSubstr("netif_test_crc_errors_total{device=\"veth597\"} 597\n"));
  std::string parallel;
  WorkPool pool(2);
  IdentityEncoding identity;
  SegmentedBody body(pool, identity,
                     [&parallel](std::string_view piece) { parallel.append(piece); });
  RenderInterfaces(snapshot, body);
  body.Finish();
  EXPECT_EQ(parallel, serial);
}

}  // namespace
}  // namespace netif

namespace netif {
namespace {

// Families by class: veths get the byte counters only, everything else everything but MTU.
FamilyFilter VethBytesOnly() {
  return FamilyFilter([](std::string_view family) -> DeviceClassMask {
    const DeviceClassMask others = kAllDeviceClasses & ~MaskOf(DeviceClass::kVeth);
    if (family == "netif_receive_bytes_total") return kAllDeviceClasses;
    if (family == "netif_mtu_bytes") return 0;
    return others;
  });
}

std::shared_ptr<const InterfaceView> ClassView(std::string name, DeviceClass device_class) {
  auto view = std::make_shared<InterfaceView>(*View(std::move(name), 7));
  view->device_class = device_class;
  view->record.attributes.oper_state = OperState::kUp;
  return view;
}

TEST(RendererClassTest, EachClassGetsItsFamilies) {
  Snapshot snapshot;
  snapshot.interfaces = {ClassView("eth0", DeviceClass::kPhysical),
                         ClassView("veth0", DeviceClass::kVeth)};
  const FamilyFilter filter = VethBytesOnly();
  std::string out;
  RenderInterfaces(snapshot, out, {&filter, {}});
  EXPECT_THAT(out, HasSubstr("netif_receive_bytes_total{device=\"eth0\"} 7\n"
                             "netif_receive_bytes_total{device=\"veth0\"} 7\n"));
  EXPECT_THAT(out, HasSubstr("netif_oper_up{device=\"eth0\"} 1\n"));
  EXPECT_THAT(out, Not(HasSubstr("netif_oper_up{device=\"veth0\"}")));
  EXPECT_THAT(out, Not(HasSubstr("netif_info{device=\"veth0\"")));
  // Left out for every class: no samples and no header.
  EXPECT_THAT(out, Not(HasSubstr("netif_mtu_bytes")));
}

TEST(RendererClassTest, AFamilyOnlyUnselectedInterfacesHaveIsLeftOutWhole) {
  auto veth = std::make_shared<InterfaceView>(*ClassView("veth0", DeviceClass::kVeth));
  veth->record.attributes.speed_bps = 10'000'000'000ULL;  // only the veth has a speed
  Snapshot snapshot;
  snapshot.interfaces = {ClassView("eth0", DeviceClass::kPhysical), veth};
  const FamilyFilter filter = VethBytesOnly();
  std::string out;
  RenderInterfaces(snapshot, out, {&filter, {}});
  EXPECT_THAT(out, Not(HasSubstr("netif_speed_bytes")));
}

TEST(RendererClassTest, CollectNarrowsGroupsAndClasses) {
  Snapshot snapshot;
  snapshot.interfaces = {ClassView("eth0", DeviceClass::kPhysical),
                         ClassView("veth0", DeviceClass::kVeth)};
  ScrapeSelection counters_of_veths;
  counters_of_veths.groups = 1u << static_cast<unsigned>(FamilyGroup::kCounters);
  counters_of_veths.classes = MaskOf(DeviceClass::kVeth);
  std::string out;
  RenderInterfaces(snapshot, out, {nullptr, counters_of_veths});
  EXPECT_THAT(out, HasSubstr("netif_receive_bytes_total{device=\"veth0\"} 7\n"));
  EXPECT_THAT(out, Not(HasSubstr("device=\"eth0\"")));
  EXPECT_THAT(out, Not(HasSubstr("netif_oper_up")));
  EXPECT_THAT(out, Not(HasSubstr("netif_mtu_bytes")));
}

TEST(RendererClassTest, ExtraCountersAreFilteredByName) {
  auto eth0 = std::make_shared<InterfaceView>(*ClassView("eth0", DeviceClass::kPhysical));
  auto veth0 = std::make_shared<InterfaceView>(*ClassView("veth0", DeviceClass::kVeth));
  eth0->record.extra_counters.Set(kCrc, 1);
  veth0->record.extra_counters.Set(kCrc, 2);
  Snapshot snapshot;
  snapshot.interfaces = {eth0, veth0};
  snapshot.extra_counters = {&kCrc};
  const FamilyFilter filter = VethBytesOnly();
  std::string out;
  RenderInterfaces(snapshot, out, {&filter, {}});
  EXPECT_THAT(out, HasSubstr("netif_test_crc_errors_total{device=\"eth0\"} 1\n"));
  EXPECT_THAT(out, Not(HasSubstr("netif_test_crc_errors_total{device=\"veth0\"}")));
}

TEST(RendererClassTest, ParallelRenderWithClassesIsTheSerialOne) {
  Snapshot snapshot;
  for (int i = 0; i < 3000; ++i) {
    snapshot.interfaces.push_back(ClassView(
        "if" + std::to_string(i), i % 4 == 0 ? DeviceClass::kPhysical : DeviceClass::kVeth));
  }
  const FamilyFilter filter = VethBytesOnly();
  std::string serial;
  RenderInterfaces(snapshot, serial, {&filter, {}});
  WorkPool pool(2);
  IdentityEncoding identity;
  std::string parallel;
  SegmentedBody body(pool, identity, [&](std::string_view piece) { parallel.append(piece); });
  RenderInterfaces(snapshot, body, {&filter, {}});
  ASSERT_TRUE(body.Finish());
  EXPECT_EQ(parallel, serial);
  EXPECT_THAT(serial, HasSubstr("netif_oper_up{device=\"if2996\"} 1\n"));
  EXPECT_THAT(serial, Not(HasSubstr("netif_oper_up{device=\"if2997\"}")));
}

}  // namespace
}  // namespace netif
