// libFuzzer entry point: ParseDatagram must accept any bytes without crashing or reading outside
// them (AddressSanitizer watches), and what it returns must keep the promises of its header: a
// link message has a valid kernel interface name and an ifindex > 0, converts to a record keyed
// by that name without counters (a bond port's slave data carried whole, no master index 0), and
// its IFLA_STATS64 maps to all 16 /proc/net/dev counters; a stats message (RTM_NEWSTATS) has an
// ifindex > 0 and its IFLA_STATS_LINK_64 maps the same way. ParseLinkPayload and
// ParseStatsPayload are also fed the raw bytes. A broken promise aborts, which libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "collectors/netlink/rtnetlink_parser.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const netif::rtnl::DatagramParseResult result = netif::rtnl::ParseDatagram(bytes);
  // Every message takes at least a 16-byte header, and a bad header ends the walk.
  Check(result.messages.size() <= size / 16);
  Check(result.errors.size() <= result.messages.size() + 1 + size / 16);
  auto check_stats = [](const netif::rtnl::LinkStats64& stats) {
    const netif::CounterSet counters = netif::rtnl::ProcNetDevCounters(stats);
    for (std::size_t i = 0; i < netif::kProcNetDevCounterCount; ++i) {
      Check(counters.Has(static_cast<netif::Counter>(i)));
    }
    // A later field is only there when the one before it is.
    Check(!stats.rx_otherhost_dropped || stats.rx_nohandler);
  };
  for (const netif::rtnl::Message& message : result.messages) {
    if (message.kind == netif::rtnl::Message::Kind::kStats) {
      Check(message.stats.ifindex > 0);
      if (message.stats.stats64) check_stats(*message.stats.stats64);
      continue;
    }
    if (message.kind != netif::rtnl::Message::Kind::kLink) continue;
    const netif::rtnl::LinkMessage& link = message.link;
    Check(netif::rtnl::IsKernelInterfaceName(link.name));
    Check(link.ifindex > 0);
    if (link.address) Check(link.address->size() <= 32 * 3);
    if (link.broadcast) Check(link.broadcast->size() <= 32 * 3);
    // Slave data is read only for a bond's port, and reaches the record whole.
    if (link.bond_slave) Check(link.slave_kind == "bond");
    const netif::InterfaceRecord record = netif::rtnl::ToInterfaceRecord(link);
    Check(record.key.id == link.name && record.name == link.name);
    Check(record.counters.Empty());
    Check(record.attributes.ifindex == link.ifindex);
    Check(record.attributes.bond_slave == link.bond_slave);
    Check(!record.attributes.master_ifindex || *record.attributes.master_ifindex != 0);
    if (link.stats64) check_stats(*link.stats64);
  }
  // The payload parser on its own, as a fuzzer would reach it through a different framing.
  netif::rtnl::ParseError error = netif::rtnl::ParseError::kMalformed;
  const auto link = netif::rtnl::ParseLinkPayload(bytes, false, &error);
  if (link) Check(netif::rtnl::IsKernelInterfaceName(link->name));
  const auto stats = netif::rtnl::ParseStatsPayload(bytes, &error);
  if (stats) Check(stats->ifindex > 0);
  return 0;
}
