#include "model/device_class.h"

namespace netif {
namespace {

constexpr std::array<std::string_view, kDeviceClasses.size()> kNames = {
    "physical", "veth", "bridge", "virtual-other", "snmp"};

// The kind rtnetlink reports or, without netlink, the driver ethtool names: a veth's driver is
// "veth" and a bridge's "bridge", the same words.
bool KindOrDriverIs(const LinkAttributes& attributes, std::string_view what) {
  return attributes.kind == what || attributes.driver == what;
}

}  // namespace

std::string_view DeviceClassName(DeviceClass device_class) {
  return kNames[static_cast<std::size_t>(device_class)];
}

std::optional<DeviceClass> DeviceClassFromName(std::string_view name) {
  for (const DeviceClass device_class : kDeviceClasses) {
    if (DeviceClassName(device_class) == name) return device_class;
  }
  return std::nullopt;
}

DeviceClass ClassifyDevice(const InterfaceRecord& record) {
  if (record.key.source != kLocalSource) return DeviceClass::kSnmp;
  const LinkAttributes& attributes = record.attributes;
  if (KindOrDriverIs(attributes, "veth")) return DeviceClass::kVeth;
  if (KindOrDriverIs(attributes, "bridge")) return DeviceClass::kBridge;
  if (attributes.is_virtual == false) return DeviceClass::kPhysical;
  return DeviceClass::kVirtualOther;
}

}  // namespace netif
