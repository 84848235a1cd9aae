// The class of an interface, for choosing which metric families it is served (the `metrics:`
// config section lets each class have its own family set). Decided from what the sources say about
// the link, so it is known when the store builds an interface's view, never at scrape time.
//
// Thread-safety: pure functions over values; safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "model/interface_record.h"

namespace netif {

enum class DeviceClass : uint8_t {
  kPhysical,      // a host link with a backing device (not under /sys/devices/virtual)
  kVeth,          // kind (or driver) "veth"
  kBridge,        // kind (or driver) "bridge"
  kVirtualOther,  // every other host link: loopback, tun, vxlan, macvlan, bond, unknown
  kSnmp,          // a port of an SNMP target
};

inline constexpr std::array<DeviceClass, 5> kDeviceClasses = {
    DeviceClass::kPhysical, DeviceClass::kVeth, DeviceClass::kBridge, DeviceClass::kVirtualOther,
    DeviceClass::kSnmp};

// One bit per class (bit i = DeviceClass i): the classes a metric family is served for.
using DeviceClassMask = uint8_t;
inline constexpr DeviceClassMask kAllDeviceClasses = (1u << kDeviceClasses.size()) - 1;

constexpr DeviceClassMask MaskOf(DeviceClass device_class) {
  return static_cast<DeviceClassMask>(1u << static_cast<unsigned>(device_class));
}

// "physical", "veth", "bridge", "virtual-other", "snmp": the keys of `metrics.classes`.
std::string_view DeviceClassName(DeviceClass device_class);
std::optional<DeviceClass> DeviceClassFromName(std::string_view name);

// The rules, in order: a port of an SNMP target (key.source is not "local") is `snmp`; a host link
// whose kind (rtnetlink's IFLA_INFO_KIND) or driver (ethtool) is "veth" is `veth`, "bridge" is
// `bridge`; one known not to be virtual is `physical`; everything else, including a link whose
// virtualness is unknown (missing from sysfs), is `virtual-other`.
DeviceClass ClassifyDevice(const InterfaceRecord& record);

}  // namespace netif
