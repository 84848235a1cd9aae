// Parser for rtnetlink link messages: a pure function from the bytes of one datagram read from a
// NETLINK_ROUTE socket to the messages it holds. No I/O here; NetlinkSource and LinkStatsReader
// own the sockets.
//
// Wire format (all integers in host byte order, every header and attribute 4-byte aligned):
//   datagram  = message*                     each message starts at a 4-byte boundary
//   message   = nlmsghdr (16 bytes: len, type, flags, seq, pid) + payload, `len` covering both
//   RTM_NEWLINK / RTM_DELLINK payload = ifinfomsg (16 bytes: family, type, index, flags, change)
//               + rtattr*                   rtattr = rta_len (u16), rta_type (u16), data;
//                                            `rta_len` counts the 4-byte header, not the padding
//   RTM_NEWSTATS payload = if_stats_msg (12 bytes: family, pad, pad, index, filter_mask) + rtattr*
// Every length is checked against the bytes that really remain before anything is read, so no
// input can make the parser read past the datagram, the message or the attribute it is in.
//
// Thread-safety: stateless functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/interface_record.h"

namespace netif::rtnl {

// Why a message (or the rest of a datagram) was rejected; the label of
// netif_netlink_errors_total{reason}.
enum class ParseError : uint8_t {
  // The bytes end before a structure they must hold: the datagram is shorter than a message
  // header or than the length that header announces; a link message is shorter than ifinfomsg; an
  // attribute runs past the end of its message (or its nest).
  kTruncated,
  // A length or value no kernel sends: nlmsg_len or rta_len smaller than its own header; an
  // attribute whose payload has the wrong size for its type (IFLA_MTU not 4 bytes, IFLA_STATS64
  // or IFLA_STATS_LINK_64 shorter than the 23 counters every kernel since 2.6.35 sends); a link
  // message without IFLA_IFNAME, with an invalid interface name or with ifindex <= 0; a stats
  // message with ifindex <= 0. The same holds inside the nests that are read (IFLA_LINKINFO, a
  // bond port's IFLA_INFO_SLAVE_DATA).
  kMalformed,
};
std::string_view ParseErrorReason(ParseError error);  // "truncated" | "malformed"

// struct rtnl_link_stats64 from <linux/if_link.h>. The first 23 fields are sent by every kernel
// that has IFLA_STATS64 (2.6.35); later kernels append fields, read here when the struct they
// sent is long enough: rx_nohandler (field 24, Linux 4.6) and rx_otherhost_dropped (field 25,
// Linux 5.19). A field a kernel did not send is absent, never zero.
struct LinkStats64 {
  uint64_t rx_packets = 0;
  uint64_t tx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_bytes = 0;
  uint64_t rx_errors = 0;
  uint64_t tx_errors = 0;
  uint64_t rx_dropped = 0;
  uint64_t tx_dropped = 0;
  uint64_t multicast = 0;
  uint64_t collisions = 0;
  uint64_t rx_length_errors = 0;
  uint64_t rx_over_errors = 0;
  uint64_t rx_crc_errors = 0;
  uint64_t rx_frame_errors = 0;
  uint64_t rx_fifo_errors = 0;
  uint64_t rx_missed_errors = 0;
  uint64_t tx_aborted_errors = 0;
  uint64_t tx_carrier_errors = 0;
  uint64_t tx_fifo_errors = 0;
  uint64_t tx_heartbeat_errors = 0;
  uint64_t tx_window_errors = 0;
  uint64_t rx_compressed = 0;
  uint64_t tx_compressed = 0;
  std::optional<uint64_t> rx_nohandler;
  std::optional<uint64_t> rx_otherhost_dropped;
  bool operator==(const LinkStats64&) const = default;
};
inline constexpr std::size_t kLinkStats64MinBytes = 23 * sizeof(uint64_t);

// The 16 /proc/net/dev counters computed exactly as the kernel's dev_seq_printf_stats()
// (net/core/net-procfs.c) prints them from the same rtnl_link_stats64, so a counter agrees
// whichever source provided it:
//   receive  bytes, packets, errs = rx_errors, drop = rx_dropped + rx_missed_errors,
//            fifo = rx_fifo_errors,
//            frame = rx_length_errors + rx_over_errors + rx_crc_errors + rx_frame_errors,
//            compressed = rx_compressed, multicast = multicast
//   transmit bytes, packets, errs = tx_errors, drop = tx_dropped, fifo = tx_fifo_errors,
//            colls = collisions,
//            carrier = tx_carrier_errors + tx_aborted_errors + tx_window_errors +
//                      tx_heartbeat_errors,
//            compressed = tx_compressed
// Sums wrap modulo 2^64, as the kernel's u64 additions do. All 16 are 64-bit counters.
CounterSet ProcNetDevCounters(const LinkStats64& stats);

// One RTM_NEWLINK or RTM_DELLINK message.
struct LinkMessage {
  bool deleted = false;    // RTM_DELLINK
  uint8_t family = 0;      // ifi_family: AF_UNSPEC for the link itself; AF_BRIDGE messages
                           // describe bridge-port state, and their RTM_DELLINK is no deletion
  uint16_t link_type = 0;  // ifi_type (ARPHRD_*)
  uint32_t ifindex = 0;    // ifi_index, > 0
  uint32_t flags = 0;      // ifi_flags (IFF_*)
  std::string name;        // IFLA_IFNAME, a valid kernel interface name
  std::optional<OperState> oper_state;  // IFLA_OPERSTATE (IF_OPER_*; unknown values left empty)
  std::optional<bool> carrier;          // IFLA_CARRIER
  std::optional<uint32_t> mtu;          // IFLA_MTU
  std::optional<uint32_t> link;         // IFLA_LINK (the parent's ifindex, absent when none)
  std::optional<uint32_t> master;       // IFLA_MASTER
  std::optional<std::string> address;   // IFLA_ADDRESS as "aa:bb:...", lower case; absent if empty
  std::optional<std::string> alias;     // IFLA_IFALIAS; absent when empty
  std::optional<std::string> kind;      // IFLA_LINKINFO / IFLA_INFO_KIND ("veth", "bridge", ...)
  std::optional<uint32_t> carrier_changes;     // IFLA_CARRIER_CHANGES
  std::optional<uint32_t> carrier_up_count;    // IFLA_CARRIER_UP_COUNT
  std::optional<uint32_t> carrier_down_count;  // IFLA_CARRIER_DOWN_COUNT
  std::optional<LinkStats64> stats64;          // IFLA_STATS64
  std::optional<uint32_t> tx_queue_len;        // IFLA_TXQLEN
  std::optional<uint8_t> link_mode;            // IFLA_LINKMODE
  std::optional<uint32_t> group;               // IFLA_GROUP
  std::optional<std::string> broadcast;        // IFLA_BROADCAST, formatted like the address
  // IFLA_LINKINFO / IFLA_INFO_SLAVE_KIND: what enslaves the link ("bridge", "bond", ...).
  std::optional<std::string> slave_kind;
  // IFLA_INFO_SLAVE_DATA of a bond's port (slave kind "bond"): the IFLA_BOND_SLAVE_* attributes.
  std::optional<BondSlave> bond_slave;
};

// One RTM_NEWSTATS message (the reply to an RTM_GETSTATS dump): struct if_stats_msg (12 bytes:
// u8 family, u8 pad, u16 pad, u32 ifindex, u32 filter_mask) and attributes, of which only
// IFLA_STATS_LINK_64 (a struct rtnl_link_stats64, same size rules as IFLA_STATS64) is read. The
// message carries no name: the reader keeps ifindex -> name itself.
struct StatsMessage {
  uint32_t ifindex = 0;                // > 0
  std::optional<LinkStats64> stats64;  // IFLA_STATS_LINK_64; absent when not asked for
};

// One netlink message of a datagram, in the order it came.
struct Message {
  enum class Kind : uint8_t {
    kLink,     // RTM_NEWLINK / RTM_DELLINK, parsed into `link`
    kStats,    // RTM_NEWSTATS, parsed into `stats`
    kDone,     // NLMSG_DONE: the end of a dump
    kError,    // NLMSG_ERROR: `error` is 0 for an ACK, else a negative errno
    kOverrun,  // NLMSG_OVERRUN: data was lost
    kOther,    // NLMSG_NOOP or a type this parser does not read; skipped
  };
  Kind kind = Kind::kOther;
  uint16_t type = 0;   // nlmsg_type
  uint16_t flags = 0;  // nlmsg_flags (NLM_F_MULTI, NLM_F_DUMP_INTR, ...)
  uint32_t seq = 0;    // nlmsg_seq
  uint32_t pid = 0;    // nlmsg_pid: the port id of the requester (ours for a dump reply)
  int32_t error = 0;   // kError only
  LinkMessage link;    // kLink only
  StatsMessage stats;  // kStats only
};

struct DatagramParseResult {
  std::vector<Message> messages;
  // One entry per rejected message. A rejected link message is skipped and the walk goes on with
  // the next message (its nlmsg_len is still trustworthy); a message header that is itself bad
  // (nlmsg_len smaller than 16, or larger than the bytes left) ends the walk, since nothing after
  // it can be located.
  std::vector<ParseError> errors;
};

// Parses every message of one datagram. Accepts any bytes without crashing or reading outside
// `bytes`.
DatagramParseResult ParseDatagram(std::span<const uint8_t> bytes);

// The same walk without collecting: calls `visit` with each message in order (it may move from
// it) and appends each rejection to `errors`. For a reader of thousands of messages a datagram
// (an RTM_GETSTATS dump), where a vector of Message would cost more than the parsing.
using MessageVisitor = std::function<void(Message& message)>;
void WalkDatagram(std::span<const uint8_t> bytes, const MessageVisitor& visit,
                  std::vector<ParseError>& errors);

// Parses the payload of one RTM_NEWLINK/RTM_DELLINK message (ifinfomsg and attributes, without
// the nlmsghdr). Exposed for tests and the fuzzer.
std::optional<LinkMessage> ParseLinkPayload(std::span<const uint8_t> payload, bool deleted,
                                            ParseError* error);

// A bond port's IFLA_INFO_SLAVE_DATA nest: IFLA_BOND_SLAVE_STATE (u8, 0 active, 1 backup),
// _MII_STATUS (u8), _LINK_FAILURE_COUNT (u32), _QUEUE_ID (u16), _AD_AGGREGATOR_ID (u16),
// _AD_ACTOR_OPER_PORT_STATE (u8) and _AD_PARTNER_OPER_PORT_STATE (u16 on the wire, an 8-bit LACP
// state). Others are skipped; a state other than active or backup is left out. nullopt, with
// `error` set, when an attribute does not fit or has the wrong size. Exposed for tests.
std::optional<BondSlave> ParseBondSlaveData(std::span<const uint8_t> nest, ParseError* error);

// Parses the payload of one RTM_NEWSTATS message (if_stats_msg and attributes, without the
// nlmsghdr). Rejects a payload shorter than if_stats_msg (kTruncated), an ifindex <= 0 or an
// IFLA_STATS_LINK_64 shorter than 23 counters (kMalformed), and bad attribute framing. Exposed for
// tests and the fuzzer.
std::optional<StatsMessage> ParseStatsPayload(std::span<const uint8_t> payload, ParseError* error);

// The interface record netlink contributes: key {kLocalSource, name}, labels
// LocalDeviceLabels(name), and the link attributes the message carries (ifindex, iflink,
// master_ifindex, mtu, type, oper_state, admin_up = IFF_UP, carrier, carrier counts, address,
// alias, kind, broadcast, tx_queue_len, link_mode, group, bond_slave). The master's name is the
// caller's to fill in: the message has only its ifindex (LinkStateSync knows the names).
// Counters are deliberately NOT set, even when IFLA_STATS64 is present: the procfs sampler owns
// counters, and feeding readings taken at irregular event times into the rate analytics would
// distort them (see README.md).
InterfaceRecord ToInterfaceRecord(const LinkMessage& link);

// True when the kernel could have named an interface `name` (its dev_valid_name()): 1 to 15
// bytes, not "." or "..", and no '/', ':', NUL or whitespace.
bool IsKernelInterfaceName(std::string_view name);

}  // namespace netif::rtnl
