#include "model/device_class.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

InterfaceRecord Local(std::string name) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.name = std::move(name);
  return record;
}

TEST(DeviceClassTest, KindDecidesVethAndBridge) {
  InterfaceRecord veth = Local("veth0");
  veth.attributes.kind = "veth";
  veth.attributes.is_virtual = true;
  EXPECT_EQ(ClassifyDevice(veth), DeviceClass::kVeth);
  InterfaceRecord bridge = Local("br0");
  bridge.attributes.kind = "bridge";
  bridge.attributes.is_virtual = true;
  EXPECT_EQ(ClassifyDevice(bridge), DeviceClass::kBridge);
}

TEST(DeviceClassTest, DriverStandsInForAnUnknownKind) {
  InterfaceRecord veth = Local("veth0");
  veth.attributes.driver = "veth";
  EXPECT_EQ(ClassifyDevice(veth), DeviceClass::kVeth);
  InterfaceRecord bridge = Local("br0");
  bridge.attributes.driver = "bridge";
  EXPECT_EQ(ClassifyDevice(bridge), DeviceClass::kBridge);
}

TEST(DeviceClassTest, PhysicalOnlyWhenKnownNotVirtual) {
  InterfaceRecord eth = Local("eth0");
  eth.attributes.is_virtual = false;
  EXPECT_EQ(ClassifyDevice(eth), DeviceClass::kPhysical);
  InterfaceRecord unknown = Local("eth1");  // missing from sysfs: virtualness unknown
  EXPECT_EQ(ClassifyDevice(unknown), DeviceClass::kVirtualOther);
  InterfaceRecord vxlan = Local("vx0");
  vxlan.attributes.kind = "vxlan";
  vxlan.attributes.is_virtual = true;
  EXPECT_EQ(ClassifyDevice(vxlan), DeviceClass::kVirtualOther);
  InterfaceRecord lo = Local("lo");
  lo.attributes.is_virtual = true;
  EXPECT_EQ(ClassifyDevice(lo), DeviceClass::kVirtualOther);
}

TEST(DeviceClassTest, SnmpPortsAreSnmpWhateverTheySay) {
  InterfaceRecord port;
  port.key = {"snmp/sw1", "3"};
  port.attributes.is_virtual = false;
  port.attributes.kind = "veth";
  EXPECT_EQ(ClassifyDevice(port), DeviceClass::kSnmp);
}

TEST(DeviceClassTest, NamesRoundTrip) {
  for (const DeviceClass device_class : kDeviceClasses) {
    EXPECT_EQ(DeviceClassFromName(DeviceClassName(device_class)), device_class);
    EXPECT_EQ(MaskOf(device_class) & kAllDeviceClasses, MaskOf(device_class));
  }
  EXPECT_EQ(DeviceClassName(DeviceClass::kVirtualOther), "virtual-other");
  EXPECT_EQ(DeviceClassFromName("loopback"), std::nullopt);
}

}  // namespace
}  // namespace netif
