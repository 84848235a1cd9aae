#include "collectors/local/link_error_counters.h"

#include <cstddef>

namespace netif {
namespace {

// One array: ExtraCounters keeps values in definition-address order, so setting them in array
// order appends.
constexpr std::size_t kCount = 8;
constexpr ExtraCounterDefinition kDefinitions[kCount] = {
    {"netif_receive_length_errors_total",
     "Received frames dropped for a bad length (rx_length_errors); part of "
     "netif_receive_frame_errors_total."},
    {"netif_receive_over_errors_total",
     "Receiver FIFO overflow events (rx_over_errors); part of netif_receive_frame_errors_total."},
    {"netif_receive_crc_errors_total",
     "Received frames with a CRC error (rx_crc_errors); part of netif_receive_frame_errors_total."},
    {"netif_receive_missed_errors_total",
     "Frames the device missed for lack of room in the host (rx_missed_errors); part of "
     "netif_receive_drops_total."},
    {"netif_receive_nohandler_total",
     "Packets received and dropped by the stack because nothing would take them: no protocol "
     "handler, an inactive bond port (rx_nohandler)."},
    {"netif_transmit_aborted_errors_total",
     "Transmissions aborted (tx_aborted_errors); part of netif_transmit_carrier_errors_total."},
    {"netif_transmit_heartbeat_errors_total",
     "Transmit heartbeat (SQE test) errors (tx_heartbeat_errors); part of "
     "netif_transmit_carrier_errors_total."},
    {"netif_transmit_window_errors_total",
     "Late collisions on transmit (tx_window_errors); part of "
     "netif_transmit_carrier_errors_total."},
};
constexpr const ExtraCounterDefinition* kPointers[kCount] = {
    &kDefinitions[0], &kDefinitions[1], &kDefinitions[2], &kDefinitions[3],
    &kDefinitions[4], &kDefinitions[5], &kDefinitions[6], &kDefinitions[7],
};

}  // namespace

std::span<const ExtraCounterDefinition* const> LinkErrorCounters() { return kPointers; }

void SetLinkErrorCounters(const rtnl::LinkStats64& stats, ExtraCounters& out) {
  out.Reserve(kCount);
  out.Set(kDefinitions[0], stats.rx_length_errors);
  out.Set(kDefinitions[1], stats.rx_over_errors);
  out.Set(kDefinitions[2], stats.rx_crc_errors);
  out.Set(kDefinitions[3], stats.rx_missed_errors);
  if (stats.rx_nohandler) out.Set(kDefinitions[4], *stats.rx_nohandler);
  out.Set(kDefinitions[5], stats.tx_aborted_errors);
  out.Set(kDefinitions[6], stats.tx_heartbeat_errors);
  out.Set(kDefinitions[7], stats.tx_window_errors);
}

}  // namespace netif
