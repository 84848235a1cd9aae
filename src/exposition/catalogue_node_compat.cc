// node_exporter 1.5's netdev and netclass families (node_network_*), served with
// --compat.node-exporter alongside the netif_* families so that dashboards, recording rules and
// alerts written for node_exporter (node-mixin, kube-prometheus) keep working. Names, HELP texts,
// types, labels and values are node_exporter's; tests/integration/node_exporter_compat_test.cc
// compares a scrape with Debian's node_exporter 1.5 on the same network namespace.
//
// Only the host's own interfaces (key.source "local"): node_exporter knows nothing of SNMP ports.
// What node_exporter 1.5 does, and so these rows:
//  - netdev reads rtnetlink's 64-bit statistics and folds them into /proc/net/dev's columns (its
//    "legacy" names), plus receive_nohandler; its default device filter leaves out `lo`.
//  - netclass reads every file of /sys/class/net/<dev>; a file the kernel refuses to read
//    (EINVAL, EOPNOTSUPP) leaves its family out for that device, and a string left unread is
//    "" in node_network_info. The kernel refuses carrier, dormant, speed and duplex on a link
//    that is not running (administratively down).
#include "exposition/metric_catalogue.h"

namespace netif {
namespace {

const LinkAttributes& Attributes(const InterfaceView& view) { return view.record.attributes; }

bool IsLocal(const InterfaceView& view) { return view.record.key.source == kLocalSource; }

// node_exporter's --collector.netdev.device-exclude default is ^lo$; netclass ignores nothing.
bool NetdevServes(const InterfaceView& view) { return IsLocal(view) && view.record.key.id != "lo"; }

// The sysfs files read through the link's ethtool settings or its running state answer only
// while the link is administratively up (netif_admin_up: IFF_UP).
bool Running(const InterfaceView& view) { return Attributes(view).admin_up.value_or(false); }

template <Counter kCounter>
void EmitNetdevCounter(const InterfaceView& view, SampleWriter& out) {
  if (!NetdevServes(view)) return;
  if (auto value = view.record.counters.Get(kCounter)) out.Write(*value);
}

// rx_nohandler is not a /proc/net/dev column: a local source carries it as an extra counter,
// found here by its family name (exposition does not see the sources' definitions).
constexpr std::string_view kNoHandlerFamily = "netif_receive_nohandler_total";

void EmitReceiveNoHandler(const InterfaceView& view, SampleWriter& out) {
  if (!NetdevServes(view)) return;
  for (const auto& [definition, value] : view.record.extra_counters.values()) {
    if (definition->name == kNoHandlerFamily) {
      out.Write(value);
      return;
    }
  }
}

// A netclass gauge of an optional integer field, for local links.
template <auto kField>
void EmitProperty(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view)) return;
  if (const auto& value = Attributes(view).*kField) out.Write(static_cast<uint64_t>(*value));
}

// The same, for a file the kernel reads only while the link runs.
template <auto kField>
void EmitRunningProperty(const InterfaceView& view, SampleWriter& out) {
  if (Running(view)) EmitProperty<kField>(view, out);
}

void EmitUp(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view)) return;
  if (const auto state = Attributes(view).oper_state) out.WriteBool(*state == OperState::kUp);
}

// Go's strings.TrimSpace over the file's text, for the ASCII white space an alias may hold.
std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

std::string_view OrEmpty(const std::optional<std::string>& text) {
  return text ? std::string_view(*text) : std::string_view();
}

void EmitInfo(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view)) return;
  const auto& a = Attributes(view);
  const bool duplex_readable = Running(view) && a.duplex;
  out.Write({{"address", OrEmpty(a.address)},
             {"broadcast", OrEmpty(a.broadcast)},
             {"duplex", duplex_readable ? DuplexName(*a.duplex) : ""},
             {"ifalias", TrimSpace(OrEmpty(a.alias))},
             {"operstate", a.oper_state ? OperStateName(*a.oper_state) : ""}},
            uint64_t{1});
}

// sysfs speed in Mbit/s times 125,000. The kernel prints SPEED_UNKNOWN as -1 and node_exporter
// 1.5 serves that as -125000 (its --collector.netclass.ignore-invalid-speed is off by default).
// Our model keeps positive speeds only; speed and duplex come from the same ethtool call, so a
// running link with a duplex but no speed is one whose speed file said -1.
void EmitSpeedBytes(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view) || !Running(view)) return;
  const auto& a = Attributes(view);
  if (a.speed_bps) {
    out.Write(static_cast<double>(*a.speed_bps / 8));
  } else if (a.duplex) {
    constexpr double kUnknownSpeedBytes = -1.0 * 1000 * 1000 / 8;
    out.Write(kUnknownSpeedBytes);
  }
}

void EmitCarrier(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view) || !Running(view)) return;
  if (const auto carrier = Attributes(view).carrier) out.WriteBool(*carrier);
}

void EmitDormant(const InterfaceView& view, SampleWriter& out) {
  if (!IsLocal(view) || !Running(view)) return;
  if (const auto dormant = Attributes(view).dormant) out.WriteBool(*dormant);
}

// The rows below carry node_exporter's own HELP texts: "Network device statistic <stat>." for
// netdev, "Network device property: <name>" for netclass.
constexpr MetricDefinition kNodeCompatMetrics[] = {
    // netdev
    {"node_network_receive_bytes_total", MetricType::kCounter,
     "Network device statistic receive_bytes.", "", EmitNetdevCounter<Counter::kReceiveBytes>},
    {"node_network_receive_compressed_total", MetricType::kCounter,
     "Network device statistic receive_compressed.", "",
     EmitNetdevCounter<Counter::kReceiveCompressed>},
    {"node_network_receive_drop_total", MetricType::kCounter,
     "Network device statistic receive_drop.", "", EmitNetdevCounter<Counter::kReceiveDrop>},
    {"node_network_receive_errs_total", MetricType::kCounter,
     "Network device statistic receive_errs.", "", EmitNetdevCounter<Counter::kReceiveErrors>},
    {"node_network_receive_fifo_total", MetricType::kCounter,
     "Network device statistic receive_fifo.", "", EmitNetdevCounter<Counter::kReceiveFifo>},
    {"node_network_receive_frame_total", MetricType::kCounter,
     "Network device statistic receive_frame.", "", EmitNetdevCounter<Counter::kReceiveFrame>},
    {"node_network_receive_multicast_total", MetricType::kCounter,
     "Network device statistic receive_multicast.", "",
     EmitNetdevCounter<Counter::kReceiveMulticast>},
    {"node_network_receive_nohandler_total", MetricType::kCounter,
     "Network device statistic receive_nohandler.", "", EmitReceiveNoHandler},
    {"node_network_receive_packets_total", MetricType::kCounter,
     "Network device statistic receive_packets.", "", EmitNetdevCounter<Counter::kReceivePackets>},
    {"node_network_transmit_bytes_total", MetricType::kCounter,
     "Network device statistic transmit_bytes.", "", EmitNetdevCounter<Counter::kTransmitBytes>},
    {"node_network_transmit_carrier_total", MetricType::kCounter,
     "Network device statistic transmit_carrier.", "",
     EmitNetdevCounter<Counter::kTransmitCarrier>},
    {"node_network_transmit_colls_total", MetricType::kCounter,
     "Network device statistic transmit_colls.", "", EmitNetdevCounter<Counter::kTransmitColls>},
    {"node_network_transmit_compressed_total", MetricType::kCounter,
     "Network device statistic transmit_compressed.", "",
     EmitNetdevCounter<Counter::kTransmitCompressed>},
    {"node_network_transmit_drop_total", MetricType::kCounter,
     "Network device statistic transmit_drop.", "", EmitNetdevCounter<Counter::kTransmitDrop>},
    {"node_network_transmit_errs_total", MetricType::kCounter,
     "Network device statistic transmit_errs.", "", EmitNetdevCounter<Counter::kTransmitErrors>},
    {"node_network_transmit_fifo_total", MetricType::kCounter,
     "Network device statistic transmit_fifo.", "", EmitNetdevCounter<Counter::kTransmitFifo>},
    {"node_network_transmit_packets_total", MetricType::kCounter,
     "Network device statistic transmit_packets.", "",
     EmitNetdevCounter<Counter::kTransmitPackets>},
    // netclass
    {"node_network_up", MetricType::kGauge, "Value is 1 if operstate is 'up', 0 otherwise.", "",
     EmitUp},
    {"node_network_info", MetricType::kGauge,
     "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
     "address,broadcast,duplex,ifalias,operstate", EmitInfo},
    {"node_network_address_assign_type", MetricType::kGauge,
     "Network device property: address_assign_type", "",
     EmitProperty<&LinkAttributes::addr_assign_type>},
    {"node_network_carrier", MetricType::kGauge, "Network device property: carrier", "",
     EmitCarrier},
    {"node_network_carrier_changes_total", MetricType::kCounter,
     "Network device property: carrier_changes_total", "",
     EmitProperty<&LinkAttributes::carrier_changes>},
    {"node_network_carrier_up_changes_total", MetricType::kCounter,
     "Network device property: carrier_up_changes_total", "",
     EmitProperty<&LinkAttributes::carrier_up_count>},
    {"node_network_carrier_down_changes_total", MetricType::kCounter,
     "Network device property: carrier_down_changes_total", "",
     EmitProperty<&LinkAttributes::carrier_down_count>},
    {"node_network_device_id", MetricType::kGauge, "Network device property: device_id", "",
     EmitProperty<&LinkAttributes::dev_id>},
    {"node_network_dormant", MetricType::kGauge, "Network device property: dormant", "",
     EmitDormant},
    {"node_network_flags", MetricType::kGauge, "Network device property: flags", "",
     EmitProperty<&LinkAttributes::flags>},
    {"node_network_iface_id", MetricType::kGauge, "Network device property: iface_id", "",
     EmitProperty<&LinkAttributes::ifindex>},
    {"node_network_iface_link", MetricType::kGauge, "Network device property: iface_link", "",
     EmitProperty<&LinkAttributes::iflink>},
    {"node_network_iface_link_mode", MetricType::kGauge, "Network device property: iface_link_mode",
     "", EmitProperty<&LinkAttributes::link_mode>},
    {"node_network_mtu_bytes", MetricType::kGauge, "Network device property: mtu_bytes", "",
     EmitProperty<&LinkAttributes::mtu>},
    {"node_network_name_assign_type", MetricType::kGauge,
     "Network device property: name_assign_type", "",
     EmitProperty<&LinkAttributes::name_assign_type>},
    {"node_network_net_dev_group", MetricType::kGauge, "Network device property: net_dev_group", "",
     EmitProperty<&LinkAttributes::group>},
    {"node_network_speed_bytes", MetricType::kGauge, "Network device property: speed_bytes", "",
     EmitSpeedBytes},
    {"node_network_transmit_queue_length", MetricType::kGauge,
     "Network device property: transmit_queue_length", "",
     EmitProperty<&LinkAttributes::tx_queue_len>},
    {"node_network_protocol_type", MetricType::kGauge, "Network device property: protocol_type", "",
     EmitProperty<&LinkAttributes::type>},
};

}  // namespace

std::span<const MetricDefinition> NodeExporterCompatDefinitions() { return kNodeCompatMetrics; }

}  // namespace netif
