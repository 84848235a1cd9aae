// Kernel and device counters, mirrored at their absolute values. Names end in what is counted
// (`_bytes`, `_packets`, `_errors`, `_drops`, `_collisions`), as the rates and the detailed error
// counters do; docs/metrics.md lists the node_exporter stems they replaced.
#include "exposition/metric_catalogue.h"

namespace netif {
namespace {

template <Counter kCounter>
void EmitCounter(const InterfaceView& view, SampleWriter& out) {
  if (auto value = view.record.counters.Get(kCounter)) out.Write(*value);
}

constexpr MetricDefinition kCounterMetrics[] = {
    {"netif_receive_bytes_total", MetricType::kCounter, "Bytes received (rx_bytes, ifHCInOctets).",
     "", EmitCounter<Counter::kReceiveBytes>},
    {"netif_receive_packets_total", MetricType::kCounter,
     "Packets received (rx_packets; SNMP: unicast+multicast+broadcast).", "",
     EmitCounter<Counter::kReceivePackets>},
    {"netif_receive_errors_total", MetricType::kCounter, "Receive errors (rx_errors, ifInErrors).",
     "", EmitCounter<Counter::kReceiveErrors>},
    {"netif_receive_drops_total", MetricType::kCounter,
     "Received packets dropped (rx_dropped + rx_missed_errors, ifInDiscards).", "",
     EmitCounter<Counter::kReceiveDrop>},
    {"netif_receive_fifo_errors_total", MetricType::kCounter,
     "Receive FIFO (ring buffer) overrun errors (rx_fifo_errors).", "",
     EmitCounter<Counter::kReceiveFifo>},
    {"netif_receive_frame_errors_total", MetricType::kCounter,
     "Receive framing errors: length, overrun, CRC and frame alignment errors together (the frame "
     "column of /proc/net/dev).",
     "", EmitCounter<Counter::kReceiveFrame>},
    {"netif_receive_compressed_packets_total", MetricType::kCounter,
     "Compressed packets received (CSLIP, PPP).", "", EmitCounter<Counter::kReceiveCompressed>},
    {"netif_receive_multicast_packets_total", MetricType::kCounter,
     "Multicast packets received (multicast, ifHCInMulticastPkts).", "",
     EmitCounter<Counter::kReceiveMulticast>},
    {"netif_transmit_bytes_total", MetricType::kCounter,
     "Bytes transmitted (tx_bytes, ifHCOutOctets).", "", EmitCounter<Counter::kTransmitBytes>},
    {"netif_transmit_packets_total", MetricType::kCounter,
     "Packets transmitted (tx_packets; SNMP: unicast+multicast+broadcast).", "",
     EmitCounter<Counter::kTransmitPackets>},
    {"netif_transmit_errors_total", MetricType::kCounter,
     "Transmit errors (tx_errors, ifOutErrors).", "", EmitCounter<Counter::kTransmitErrors>},
    {"netif_transmit_drops_total", MetricType::kCounter,
     "Packets dropped on transmit (tx_dropped, ifOutDiscards).", "",
     EmitCounter<Counter::kTransmitDrop>},
    {"netif_transmit_fifo_errors_total", MetricType::kCounter,
     "Transmit FIFO errors (tx_fifo_errors).", "", EmitCounter<Counter::kTransmitFifo>},
    {"netif_transmit_collisions_total", MetricType::kCounter,
     "Collisions detected on transmit (half duplex).", "", EmitCounter<Counter::kTransmitColls>},
    {"netif_transmit_carrier_errors_total", MetricType::kCounter,
     "Transmit carrier errors: carrier, aborted, window and heartbeat errors together (the "
     "carrier column of /proc/net/dev).",
     "", EmitCounter<Counter::kTransmitCarrier>},
    {"netif_transmit_compressed_packets_total", MetricType::kCounter,
     "Compressed packets transmitted (CSLIP, PPP).", "", EmitCounter<Counter::kTransmitCompressed>},
    {"netif_receive_unicast_packets_total", MetricType::kCounter,
     "Unicast packets received (SNMP ifHCInUcastPkts).", "", EmitCounter<Counter::kReceiveUnicast>},
    {"netif_receive_broadcast_packets_total", MetricType::kCounter,
     "Broadcast packets received (SNMP ifHCInBroadcastPkts).", "",
     EmitCounter<Counter::kReceiveBroadcast>},
    {"netif_receive_unknown_protos_total", MetricType::kCounter,
     "Packets received for an unknown protocol (SNMP ifInUnknownProtos).", "",
     EmitCounter<Counter::kReceiveUnknownProtos>},
    {"netif_transmit_unicast_packets_total", MetricType::kCounter,
     "Unicast packets transmitted (SNMP ifHCOutUcastPkts).", "",
     EmitCounter<Counter::kTransmitUnicast>},
    {"netif_transmit_multicast_packets_total", MetricType::kCounter,
     "Multicast packets transmitted (SNMP ifHCOutMulticastPkts).", "",
     EmitCounter<Counter::kTransmitMulticast>},
    {"netif_transmit_broadcast_packets_total", MetricType::kCounter,
     "Broadcast packets transmitted (SNMP ifHCOutBroadcastPkts).", "",
     EmitCounter<Counter::kTransmitBroadcast>},
};

}  // namespace

std::span<const MetricDefinition> CounterMetricDefinitions() { return kCounterMetrics; }

}  // namespace netif
