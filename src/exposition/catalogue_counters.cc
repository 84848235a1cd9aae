// Kernel and device counters, mirrored at their absolute values with node_exporter's stems.
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
    {"netif_receive_errs_total", MetricType::kCounter, "Receive errors (rx_errs, ifInErrors).", "",
     EmitCounter<Counter::kReceiveErrors>},
    {"netif_receive_drop_total", MetricType::kCounter,
     "Received packets dropped (rx_drop, ifInDiscards).", "", EmitCounter<Counter::kReceiveDrop>},
    {"netif_receive_fifo_total", MetricType::kCounter, "Receive FIFO buffer errors.", "",
     EmitCounter<Counter::kReceiveFifo>},
    {"netif_receive_frame_total", MetricType::kCounter, "Receive frame alignment errors.", "",
     EmitCounter<Counter::kReceiveFrame>},
    {"netif_receive_compressed_total", MetricType::kCounter, "Compressed packets received.", "",
     EmitCounter<Counter::kReceiveCompressed>},
    {"netif_receive_multicast_total", MetricType::kCounter,
     "Multicast packets received (rx multicast, ifHCInMulticastPkts).", "",
     EmitCounter<Counter::kReceiveMulticast>},
    {"netif_transmit_bytes_total", MetricType::kCounter,
     "Bytes transmitted (tx_bytes, ifHCOutOctets).", "", EmitCounter<Counter::kTransmitBytes>},
    {"netif_transmit_packets_total", MetricType::kCounter,
     "Packets transmitted (tx_packets; SNMP: unicast+multicast+broadcast).", "",
     EmitCounter<Counter::kTransmitPackets>},
    {"netif_transmit_errs_total", MetricType::kCounter, "Transmit errors (tx_errs, ifOutErrors).",
     "", EmitCounter<Counter::kTransmitErrors>},
    {"netif_transmit_drop_total", MetricType::kCounter,
     "Transmitted packets dropped (tx_drop, ifOutDiscards).", "",
     EmitCounter<Counter::kTransmitDrop>},
    {"netif_transmit_fifo_total", MetricType::kCounter, "Transmit FIFO buffer errors.", "",
     EmitCounter<Counter::kTransmitFifo>},
    {"netif_transmit_colls_total", MetricType::kCounter, "Collisions detected on transmit.", "",
     EmitCounter<Counter::kTransmitColls>},
    {"netif_transmit_carrier_total", MetricType::kCounter, "Transmit carrier losses.", "",
     EmitCounter<Counter::kTransmitCarrier>},
    {"netif_transmit_compressed_total", MetricType::kCounter, "Compressed packets transmitted.", "",
     EmitCounter<Counter::kTransmitCompressed>},
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
