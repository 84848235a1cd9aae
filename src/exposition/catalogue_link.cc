// Link attributes and state: what the kernel (sysfs, rtnetlink) or the device (IF-MIB) says about
// a link, plus the transitions the exporter counted itself from link events.
#include "exposition/metric_catalogue.h"

namespace netif {
namespace {

const LinkAttributes& Attributes(const InterfaceView& view) { return view.record.attributes; }

void EmitAdminUp(const InterfaceView& view, SampleWriter& out) {
  if (auto up = Attributes(view).admin_up) out.WriteBool(*up);
}

// Oper state "up" exactly, as node_exporter's node_network_up: "unknown" (lo, tun and most virtual
// links never report "up") is not up here; netif_info's operstate label tells the two apart.
void EmitOperUp(const InterfaceView& view, SampleWriter& out) {
  if (auto state = Attributes(view).oper_state) out.WriteBool(*state == OperState::kUp);
}

void EmitCarrier(const InterfaceView& view, SampleWriter& out) {
  if (auto carrier = Attributes(view).carrier) out.WriteBool(*carrier);
}

void EmitSpeedBytes(const InterfaceView& view, SampleWriter& out) {
  if (auto bps = Attributes(view).speed_bps) out.Write(static_cast<double>(*bps) / 8.0);
}

void EmitMtu(const InterfaceView& view, SampleWriter& out) {
  if (auto mtu = Attributes(view).mtu) out.Write(static_cast<uint64_t>(*mtu));
}

void EmitIfindex(const InterfaceView& view, SampleWriter& out) {
  if (auto index = Attributes(view).ifindex) out.Write(static_cast<uint64_t>(*index));
}

void EmitIflink(const InterfaceView& view, SampleWriter& out) {
  if (auto link = Attributes(view).iflink) out.Write(static_cast<uint64_t>(*link));
}

void EmitProtocolType(const InterfaceView& view, SampleWriter& out) {
  if (auto type = Attributes(view).type) out.Write(static_cast<uint64_t>(*type));
}

void EmitVirtual(const InterfaceView& view, SampleWriter& out) {
  if (auto is_virtual = Attributes(view).is_virtual) out.WriteBool(*is_virtual);
}

void EmitCarrierChanges(const InterfaceView& view, SampleWriter& out) {
  if (auto n = Attributes(view).carrier_changes) out.Write(*n);
}

void EmitCarrierUpChanges(const InterfaceView& view, SampleWriter& out) {
  if (auto n = Attributes(view).carrier_up_count) out.Write(*n);
}

void EmitCarrierDownChanges(const InterfaceView& view, SampleWriter& out) {
  if (auto n = Attributes(view).carrier_down_count) out.Write(*n);
}

// A view of the optional string, "" when absent (value_or would copy it into a temporary).
std::string_view OrEmpty(const std::optional<std::string>& text) {
  return text ? std::string_view(*text) : std::string_view();
}

void EmitInfo(const InterfaceView& view, SampleWriter& out) {
  const auto& a = Attributes(view);
  out.Write({{"address", OrEmpty(a.address)},
             {"duplex", a.duplex ? DuplexName(*a.duplex) : ""},
             {"operstate", a.oper_state ? OperStateName(*a.oper_state) : ""},
             {"ifalias", OrEmpty(a.alias)},
             {"kind", OrEmpty(a.kind)},
             {"master", OrEmpty(a.master)},
             {"broadcast", OrEmpty(a.broadcast)}},
            uint64_t{1});
}

// Only for a device whose driver the ethtool source identified (the facts come together).
void EmitEthtoolInfo(const InterfaceView& view, SampleWriter& out) {
  const auto& a = Attributes(view);
  if (!a.driver) return;
  out.Write({{"driver", *a.driver},
             {"driver_version", OrEmpty(a.driver_version)},
             {"firmware_version", OrEmpty(a.firmware_version)},
             {"bus_info", OrEmpty(a.bus_info)}},
            uint64_t{1});
}

// Only for a host veth the Kubernetes source tied to a pod or a named network namespace.
void EmitPodInfo(const InterfaceView& view, SampleWriter& out) {
  const auto& pod = Attributes(view).pod;
  if (!pod) return;
  out.Write({{"namespace", pod->namespace_name},
             {"pod", pod->pod},
             {"pod_uid", pod->pod_uid},
             {"container_id", pod->container_id},
             {"netns", pod->netns}},
            uint64_t{1});
}

void EmitTransitions(const InterfaceView& view, SampleWriter& out) {
  if (!Attributes(view).oper_state) return;
  out.Write({{"direction", "up"}}, view.link.transitions_up);
  out.Write({{"direction", "down"}}, view.link.transitions_down);
}

void EmitLastChange(const InterfaceView& view, SampleWriter& out) {
  if (auto when = view.link.last_change_unix_seconds) {
    out.Write(*when);
  } else if (auto device_said = Attributes(view).last_change_seconds) {
    out.Write(*device_said);
  }
}

void EmitTransmitQueueLength(const InterfaceView& view, SampleWriter& out) {
  if (auto length = Attributes(view).tx_queue_len) out.Write(static_cast<uint64_t>(*length));
}

void EmitDormant(const InterfaceView& view, SampleWriter& out) {
  if (auto dormant = Attributes(view).dormant) out.WriteBool(*dormant);
}

void EmitFlags(const InterfaceView& view, SampleWriter& out) {
  if (auto flags = Attributes(view).flags) out.Write(static_cast<uint64_t>(*flags));
}

void EmitLinkMode(const InterfaceView& view, SampleWriter& out) {
  if (auto mode = Attributes(view).link_mode) out.Write(static_cast<uint64_t>(*mode));
}

void EmitAddressAssignType(const InterfaceView& view, SampleWriter& out) {
  if (auto type = Attributes(view).addr_assign_type) out.Write(static_cast<uint64_t>(*type));
}

void EmitNameAssignType(const InterfaceView& view, SampleWriter& out) {
  if (auto type = Attributes(view).name_assign_type) out.Write(static_cast<uint64_t>(*type));
}

// The kernel's group is an int, and sysfs prints it signed: 4294967295 is -1 there.
void EmitDeviceGroup(const InterfaceView& view, SampleWriter& out) {
  if (auto group = Attributes(view).group)
    out.Write(static_cast<double>(static_cast<int32_t>(*group)));
}

void EmitDeviceId(const InterfaceView& view, SampleWriter& out) {
  if (auto id = Attributes(view).dev_id) out.Write(static_cast<uint64_t>(*id));
}

const BondSlave* BondPort(const InterfaceView& view) {
  const auto& slave = Attributes(view).bond_slave;
  return slave ? &*slave : nullptr;
}

void EmitBondSlaveActive(const InterfaceView& view, SampleWriter& out) {
  if (const BondSlave* slave = BondPort(view); slave && slave->active) {
    out.WriteBool(*slave->active);
  }
}

void EmitBondSlaveMiiUp(const InterfaceView& view, SampleWriter& out) {
  if (const BondSlave* slave = BondPort(view); slave && slave->mii_status) {
    out.WriteBool(*slave->mii_status == kBondLinkUp);
  }
}

void EmitBondSlaveLinkFailures(const InterfaceView& view, SampleWriter& out) {
  if (const BondSlave* slave = BondPort(view); slave && slave->link_failure_count) {
    out.Write(static_cast<uint64_t>(*slave->link_failure_count));
  }
}

void EmitBondSlaveQueueId(const InterfaceView& view, SampleWriter& out) {
  if (const BondSlave* slave = BondPort(view); slave && slave->queue_id) {
    out.Write(static_cast<uint64_t>(*slave->queue_id));
  }
}

void EmitBondSlaveAggregatorId(const InterfaceView& view, SampleWriter& out) {
  if (const BondSlave* slave = BondPort(view); slave && slave->ad_aggregator_id) {
    out.Write(static_cast<uint64_t>(*slave->ad_aggregator_id));
  }
}

void EmitBondSlaveLacpPortState(const InterfaceView& view, SampleWriter& out) {
  const BondSlave* slave = BondPort(view);
  if (slave == nullptr) return;
  if (slave->ad_actor_port_state) {
    out.Write({{"side", "actor"}}, static_cast<uint64_t>(*slave->ad_actor_port_state));
  }
  if (slave->ad_partner_port_state) {
    out.Write({{"side", "partner"}}, static_cast<uint64_t>(*slave->ad_partner_port_state));
  }
}

constexpr MetricDefinition kLinkMetrics[] = {
    {"netif_admin_up", MetricType::kGauge,
     "1 if the interface is administratively up (IFF_UP, ifAdminStatus up).", "", EmitAdminUp},
    {"netif_oper_up", MetricType::kGauge,
     "1 if the operational state is up (IF_OPER_UP, ifOperStatus up).", "", EmitOperUp},
    {"netif_carrier", MetricType::kGauge, "1 if the link has carrier (IFF_LOWER_UP).", "",
     EmitCarrier},
    {"netif_speed_bytes", MetricType::kGauge,
     "Link speed in bytes per second; absent when unknown (virtual links).", "", EmitSpeedBytes},
    {"netif_mtu_bytes", MetricType::kGauge, "Maximum transmission unit in bytes.", "", EmitMtu},
    {"netif_iface_id", MetricType::kGauge, "Interface index (ifindex, ifIndex).", "", EmitIfindex},
    {"netif_iface_link", MetricType::kGauge, "Index of the interface's parent link (iflink).", "",
     EmitIflink},
    {"netif_protocol_type", MetricType::kGauge, "Link type (ARPHRD_* locally, ifType via SNMP).",
     "", EmitProtocolType},
    {"netif_virtual", MetricType::kGauge, "1 if the interface is virtual (no backing device).", "",
     EmitVirtual},
    {"netif_carrier_changes_total", MetricType::kCounter,
     "Carrier changes counted by the kernel since the interface was created.", "",
     EmitCarrierChanges},
    {"netif_carrier_up_changes_total", MetricType::kCounter,
     "Carrier up events counted by the kernel.", "", EmitCarrierUpChanges},
    {"netif_carrier_down_changes_total", MetricType::kCounter,
     "Carrier down events counted by the kernel.", "", EmitCarrierDownChanges},
    {"netif_info", MetricType::kGauge, "Interface attributes as labels; the value is always 1.",
     "address,duplex,operstate,ifalias,kind,master,broadcast", EmitInfo},
    {"netif_link_transitions_total", MetricType::kCounter,
     "Oper-state transitions into (up) and out of (down) the up state seen by the exporter.",
     "direction", EmitTransitions},
    {"netif_last_change_timestamp_seconds", MetricType::kGauge,
     "Unix time of the last oper-state change seen (or reported by the device).", "",
     EmitLastChange},
    // node_exporter's netclass facts (sysfs files of the same names).
    {"netif_transmit_queue_length", MetricType::kGauge,
     "Transmit queue length in packets (tx_queue_len, IFLA_TXQLEN).", "", EmitTransmitQueueLength},
    {"netif_dormant", MetricType::kGauge,
     "1 if the driver holds the link dormant (sysfs dormant); absent while the link is down.", "",
     EmitDormant},
    {"netif_flags", MetricType::kGauge,
     "The device's IFF_* flags as sysfs shows them (dev->flags).", "", EmitFlags},
    {"netif_link_mode", MetricType::kGauge,
     "Link mode (IF_LINK_MODE_*: 0 default, 1 dormant, 2 testing).", "", EmitLinkMode},
    {"netif_address_assign_type", MetricType::kGauge,
     "How the MAC address was assigned (NET_ADDR_*: 0 permanent, 1 random, 2 stolen, 3 set).", "",
     EmitAddressAssignType},
    {"netif_name_assign_type", MetricType::kGauge,
     "How the name was assigned (NET_NAME_*: 1 enum, 2 predictable, 3 user, 4 renamed); absent "
     "when unknown.",
     "", EmitNameAssignType},
    {"netif_device_group", MetricType::kGauge, "Device group (netdev_group, IFLA_GROUP).", "",
     EmitDeviceGroup},
    {"netif_device_id", MetricType::kGauge,
     "Device id telling apart ports that share an address (sysfs dev_id).", "", EmitDeviceId},
    // A bond's ports (IFLA_INFO_SLAVE_DATA, bonding_slave/).
    {"netif_bond_slave_active", MetricType::kGauge,
     "1 if the bond port is active, 0 if it is a backup.", "", EmitBondSlaveActive},
    {"netif_bond_slave_mii_up", MetricType::kGauge,
     "1 if the bond sees the port's link up (MII status up), else 0.", "", EmitBondSlaveMiiUp},
    {"netif_bond_slave_link_failures_total", MetricType::kCounter,
     "Link failures the bond counted on the port.", "", EmitBondSlaveLinkFailures},
    {"netif_bond_slave_queue_id", MetricType::kGauge, "Transmit queue id of the bond port.", "",
     EmitBondSlaveQueueId},
    {"netif_bond_slave_ad_aggregator_id", MetricType::kGauge,
     "802.3ad aggregator the bond port belongs to.", "", EmitBondSlaveAggregatorId},
    {"netif_bond_slave_lacp_port_state", MetricType::kGauge,
     "802.3ad LACP port state bits of the actor (this end) and the partner.", "side",
     EmitBondSlaveLacpPortState},
    {"netif_ethtool_info", MetricType::kGauge,
     "The device's driver as ethtool reports it (ETHTOOL_GDRVINFO); the value is always 1.",
     "driver,driver_version,firmware_version,bus_info", EmitEthtoolInfo},
    {"netif_pod_info", MetricType::kGauge,
     "The pod (or named network namespace) behind a host veth; the value is always 1.",
     "namespace,pod,pod_uid,container_id,netns", EmitPodInfo},
};

}  // namespace

std::span<const MetricDefinition> LinkMetricDefinitions() { return kLinkMetrics; }

}  // namespace netif
