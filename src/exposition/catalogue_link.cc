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
             {"kind", OrEmpty(a.kind)}},
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
     "address,duplex,operstate,ifalias,kind", EmitInfo},
    {"netif_link_transitions_total", MetricType::kCounter,
     "Oper-state transitions into (up) and out of (down) the up state seen by the exporter.",
     "direction", EmitTransitions},
    {"netif_last_change_timestamp_seconds", MetricType::kGauge,
     "Unix time of the last oper-state change seen (or reported by the device).", "",
     EmitLastChange},
};

}  // namespace

std::span<const MetricDefinition> LinkMetricDefinitions() { return kLinkMetrics; }

}  // namespace netif
