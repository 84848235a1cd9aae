#include "collectors/netlink/rtnetlink_parser.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstring>

namespace netif::rtnl {
namespace {

// Sizes of the fixed kernel structures, spelled out so that a header change cannot silently move
// what the parser reads (the static_asserts tie them to the uapi headers).
constexpr std::size_t kNlmsghdrBytes = 16;
constexpr std::size_t kIfinfomsgBytes = 16;
constexpr std::size_t kRtattrBytes = 4;
constexpr std::size_t kIfStatsMsgBytes = 12;
static_assert(sizeof(nlmsghdr) == kNlmsghdrBytes);
static_assert(sizeof(if_stats_msg) == kIfStatsMsgBytes);
static_assert(sizeof(ifinfomsg) == kIfinfomsgBytes);
static_assert(sizeof(rtattr) == kRtattrBytes);
static_assert(sizeof(rtnl_link_stats64) >= kLinkStats64MinBytes);

constexpr std::size_t kMaxInterfaceNameBytes = IFNAMSIZ - 1;
constexpr std::size_t kMaxAddressBytes = 32;  // MAX_ADDR_LEN

constexpr std::size_t Align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

// Fixed-width reads at an offset the caller has already bounds-checked. memcpy, because netlink
// buffers promise 4-byte alignment at best and a uint64_t in IFLA_STATS64 may sit at 4 mod 8.
template <typename T>
T Read(std::span<const uint8_t> bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// One attribute: its type with the NLA_F_NESTED / NLA_F_NET_BYTEORDER flag bits removed (the
// kernel sets NLA_F_NESTED on some nests and not on others) and its payload without padding.
struct Attribute {
  uint16_t type = 0;
  std::span<const uint8_t> payload;
};

// Splits a run of attributes. Returns false, with `error` set, when an attribute header does not
// fit, claims less than its own header, or runs past the end; the trailing padding of the last
// attribute may be missing (the kernel never omits it, but nothing is lost if it does).
bool SplitAttributes(std::span<const uint8_t> bytes, std::vector<Attribute>& out,
                     ParseError* error) {
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    const std::size_t left = bytes.size() - offset;
    if (left < kRtattrBytes) {
      *error = ParseError::kTruncated;
      return false;
    }
    const auto rta_len = Read<uint16_t>(bytes, offset);
    const auto rta_type = Read<uint16_t>(bytes, offset + 2);
    if (rta_len < kRtattrBytes) {
      *error = ParseError::kMalformed;
      return false;
    }
    if (rta_len > left) {
      *error = ParseError::kTruncated;
      return false;
    }
    out.push_back({static_cast<uint16_t>(rta_type & NLA_TYPE_MASK),
                   bytes.subspan(offset + kRtattrBytes, rta_len - kRtattrBytes)});
    offset += std::min(Align4(rta_len), left);
  }
  return true;
}

// A NUL-terminated string attribute: the bytes before the first NUL. The kernel always includes
// the NUL (nla_put_string); a payload without one is taken whole.
std::string_view StringPayload(std::span<const uint8_t> payload) {
  const auto* begin = reinterpret_cast<const char*>(payload.data());
  const auto nul = std::find(payload.begin(), payload.end(), uint8_t{0});
  return std::string_view(begin, static_cast<std::size_t>(nul - payload.begin()));
}

template <typename T>
bool ReadExact(std::span<const uint8_t> payload, std::optional<T>& out) {
  if (payload.size() != sizeof(T)) return false;
  out = Read<T>(payload, 0);
  return true;
}

std::string FormatAddress(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 3);
  for (const uint8_t byte : bytes) {
    if (!text.empty()) text += ':';
    text += kHex[byte >> 4];
    text += kHex[byte & 0xF];
  }
  return text;
}

// IF_OPER_* values (RFC 2863 order) from <linux/if.h>.
std::optional<OperState> OperStateFromKernel(uint8_t value) {
  switch (value) {
    case IF_OPER_UNKNOWN:
      return OperState::kUnknown;
    case IF_OPER_NOTPRESENT:
      return OperState::kNotPresent;
    case IF_OPER_DOWN:
      return OperState::kDown;
    case IF_OPER_LOWERLAYERDOWN:
      return OperState::kLowerLayerDown;
    case IF_OPER_TESTING:
      return OperState::kTesting;
    case IF_OPER_DORMANT:
      return OperState::kDormant;
    case IF_OPER_UP:
      return OperState::kUp;
    default:
      // A state a future kernel may add: not an error, just not one we can name.
      return std::nullopt;
  }
}

LinkStats64 ReadStats64(std::span<const uint8_t> payload) {
  // Field order of struct rtnl_link_stats64; the caller checked that the first 23 are there.
  LinkStats64 s;
  const std::size_t fields = payload.size() / sizeof(uint64_t);
  std::size_t i = 0;
  auto next = [&] { return Read<uint64_t>(payload, 8 * i++); };
  s.rx_packets = next();
  s.tx_packets = next();
  s.rx_bytes = next();
  s.tx_bytes = next();
  s.rx_errors = next();
  s.tx_errors = next();
  s.rx_dropped = next();
  s.tx_dropped = next();
  s.multicast = next();
  s.collisions = next();
  s.rx_length_errors = next();
  s.rx_over_errors = next();
  s.rx_crc_errors = next();
  s.rx_frame_errors = next();
  s.rx_fifo_errors = next();
  s.rx_missed_errors = next();
  s.tx_aborted_errors = next();
  s.tx_carrier_errors = next();
  s.tx_fifo_errors = next();
  s.tx_heartbeat_errors = next();
  s.tx_window_errors = next();
  s.rx_compressed = next();
  s.tx_compressed = next();
  // Appended by later kernels: read only what this one sent.
  if (fields > i) s.rx_nohandler = next();
  if (fields > i) s.rx_otherhost_dropped = next();
  return s;
}

// IFLA_STATS64 and IFLA_STATS_LINK_64: longer is fine (newer kernels append fields); shorter is
// not a rtnl_link_stats64.
bool ReadStatsAttribute(std::span<const uint8_t> payload, std::optional<LinkStats64>& out) {
  if (payload.size() < kLinkStats64MinBytes) return false;
  out = ReadStats64(payload);
  return true;
}

// A string attribute kept only when it is not empty.
void ReadOptionalString(std::span<const uint8_t> payload, std::optional<std::string>& out) {
  const std::string_view text = StringPayload(payload);
  if (text.empty()) {
    out.reset();
  } else {
    out.emplace(text);
  }
}

// IFLA_LINKINFO is a nest; IFLA_INFO_KIND, IFLA_INFO_SLAVE_KIND and, for a bond's port,
// IFLA_INFO_SLAVE_DATA are read from it.
bool ReadLinkInfo(std::span<const uint8_t> nest, LinkMessage& link, ParseError* error) {
  std::vector<Attribute> inner;
  if (!SplitAttributes(nest, inner, error)) return false;
  std::optional<std::span<const uint8_t>> slave_data;
  for (const Attribute& attribute : inner) {
    switch (attribute.type) {
      case IFLA_INFO_KIND:
        ReadOptionalString(attribute.payload, link.kind);
        break;
      case IFLA_INFO_SLAVE_KIND:
        ReadOptionalString(attribute.payload, link.slave_kind);
        break;
      case IFLA_INFO_SLAVE_DATA:
        slave_data = attribute.payload;
        break;
      default:
        break;
    }
  }
  // The kernel puts the slave kind before its data, but nothing here depends on that.
  if (link.slave_kind != "bond") return true;
  if (!slave_data) {
    link.bond_slave.emplace();
    return true;
  }
  link.bond_slave = ParseBondSlaveData(*slave_data, error);
  return link.bond_slave.has_value();
}

// Reads the attributes this exporter uses; others are skipped. Returns false on a bad one.
bool ReadLinkAttribute(const Attribute& attribute, LinkMessage& link, bool* has_name,
                       ParseError* error) {
  const auto payload = attribute.payload;
  auto wrong_size = [error] {
    *error = ParseError::kMalformed;
    return false;
  };
  switch (attribute.type) {
    case IFLA_IFNAME: {
      const std::string_view name = StringPayload(payload);
      if (!IsKernelInterfaceName(name)) return wrong_size();
      link.name.assign(name);
      *has_name = true;
      return true;
    }
    case IFLA_OPERSTATE: {
      std::optional<uint8_t> state;
      if (!ReadExact(payload, state)) return wrong_size();
      link.oper_state = OperStateFromKernel(*state);
      return true;
    }
    case IFLA_CARRIER: {
      std::optional<uint8_t> carrier;
      if (!ReadExact(payload, carrier)) return wrong_size();
      link.carrier = *carrier != 0;
      return true;
    }
    case IFLA_MTU:
      return ReadExact(payload, link.mtu) || wrong_size();
    case IFLA_LINK:
      return ReadExact(payload, link.link) || wrong_size();
    case IFLA_MASTER:
      return ReadExact(payload, link.master) || wrong_size();
    case IFLA_CARRIER_CHANGES:
      return ReadExact(payload, link.carrier_changes) || wrong_size();
    case IFLA_CARRIER_UP_COUNT:
      return ReadExact(payload, link.carrier_up_count) || wrong_size();
    case IFLA_CARRIER_DOWN_COUNT:
      return ReadExact(payload, link.carrier_down_count) || wrong_size();
    case IFLA_ADDRESS:
      if (payload.size() > kMaxAddressBytes) return wrong_size();
      if (payload.empty()) {
        link.address.reset();
      } else {
        link.address = FormatAddress(payload);
      }
      return true;
    case IFLA_IFALIAS:
      ReadOptionalString(payload, link.alias);
      return true;
    case IFLA_LINKINFO:
      return ReadLinkInfo(payload, link, error);
    case IFLA_TXQLEN:
      return ReadExact(payload, link.tx_queue_len) || wrong_size();
    case IFLA_LINKMODE:
      return ReadExact(payload, link.link_mode) || wrong_size();
    case IFLA_GROUP:
      return ReadExact(payload, link.group) || wrong_size();
    case IFLA_BROADCAST:
      if (payload.size() > kMaxAddressBytes) return wrong_size();
      if (payload.empty()) {
        link.broadcast.reset();
      } else {
        link.broadcast = FormatAddress(payload);
      }
      return true;
    case IFLA_STATS64:
      return ReadStatsAttribute(payload, link.stats64) || wrong_size();
    default:
      return true;
  }
}

bool IsKernelSpace(unsigned char byte) {
  // The kernel's isspace(): \t \n \v \f \r, space, and 0xA0 (Latin-1 NBSP in its ctype table).
  return byte == ' ' || (byte >= '\t' && byte <= '\r') || byte == 0xA0;
}

}  // namespace

std::string_view ParseErrorReason(ParseError error) {
  switch (error) {
    case ParseError::kTruncated:
      return "truncated";
    case ParseError::kMalformed:
      break;
  }
  return "malformed";
}

bool IsKernelInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceNameBytes) return false;
  if (name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte == '\0' || byte == '/' || byte == ':' || IsKernelSpace(byte);
  });
}

CounterSet ProcNetDevCounters(const LinkStats64& s) {
  CounterSet c;
  c.Set(Counter::kReceiveBytes, s.rx_bytes);
  c.Set(Counter::kReceivePackets, s.rx_packets);
  c.Set(Counter::kReceiveErrors, s.rx_errors);
  c.Set(Counter::kReceiveDrop, s.rx_dropped + s.rx_missed_errors);
  c.Set(Counter::kReceiveFifo, s.rx_fifo_errors);
  c.Set(Counter::kReceiveFrame,
        s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors);
  c.Set(Counter::kReceiveCompressed, s.rx_compressed);
  c.Set(Counter::kReceiveMulticast, s.multicast);
  c.Set(Counter::kTransmitBytes, s.tx_bytes);
  c.Set(Counter::kTransmitPackets, s.tx_packets);
  c.Set(Counter::kTransmitErrors, s.tx_errors);
  c.Set(Counter::kTransmitDrop, s.tx_dropped);
  c.Set(Counter::kTransmitFifo, s.tx_fifo_errors);
  c.Set(Counter::kTransmitColls, s.collisions);
  c.Set(Counter::kTransmitCarrier,
        s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors);
  c.Set(Counter::kTransmitCompressed, s.tx_compressed);
  return c;
}

std::optional<BondSlave> ParseBondSlaveData(std::span<const uint8_t> nest, ParseError* error) {
  std::vector<Attribute> attributes;
  if (!SplitAttributes(nest, attributes, error)) return std::nullopt;
  BondSlave slave;
  for (const Attribute& attribute : attributes) {
    bool fits = true;
    switch (attribute.type) {
      case IFLA_BOND_SLAVE_STATE: {
        std::optional<uint8_t> state;
        fits = ReadExact(attribute.payload, state);
        // BOND_STATE_ACTIVE 0, BOND_STATE_BACKUP 1; another value is not one we can name.
        if (fits && *state <= 1) slave.active = *state == 0;
        break;
      }
      case IFLA_BOND_SLAVE_MII_STATUS:
        fits = ReadExact(attribute.payload, slave.mii_status);
        break;
      case IFLA_BOND_SLAVE_LINK_FAILURE_COUNT:
        fits = ReadExact(attribute.payload, slave.link_failure_count);
        break;
      case IFLA_BOND_SLAVE_QUEUE_ID:
        fits = ReadExact(attribute.payload, slave.queue_id);
        break;
      case IFLA_BOND_SLAVE_AD_AGGREGATOR_ID:
        fits = ReadExact(attribute.payload, slave.ad_aggregator_id);
        break;
      case IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE:
        fits = ReadExact(attribute.payload, slave.ad_actor_port_state);
        break;
      case IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE: {
        // A u16 on the wire holding the partner's 8-bit LACP state.
        std::optional<uint16_t> state;
        fits = ReadExact(attribute.payload, state) && *state <= 0xFF;
        if (fits) slave.ad_partner_port_state = static_cast<uint8_t>(*state);
        break;
      }
      default:
        break;
    }
    if (!fits) {
      *error = ParseError::kMalformed;
      return std::nullopt;
    }
  }
  return slave;
}

std::optional<LinkMessage> ParseLinkPayload(std::span<const uint8_t> payload, bool deleted,
                                            ParseError* error) {
  if (payload.size() < kIfinfomsgBytes) {
    *error = ParseError::kTruncated;
    return std::nullopt;
  }
  LinkMessage link;
  link.deleted = deleted;
  // struct ifinfomsg: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
  link.family = payload[0];
  link.link_type = Read<uint16_t>(payload, 2);
  const auto index = Read<int32_t>(payload, 4);
  link.flags = Read<uint32_t>(payload, 8);
  if (index <= 0) {
    *error = ParseError::kMalformed;
    return std::nullopt;
  }
  link.ifindex = static_cast<uint32_t>(index);

  std::vector<Attribute> attributes;
  attributes.reserve(48);
  if (!SplitAttributes(payload.subspan(kIfinfomsgBytes), attributes, error)) return std::nullopt;
  bool has_name = false;
  for (const Attribute& attribute : attributes) {
    if (!ReadLinkAttribute(attribute, link, &has_name, error)) return std::nullopt;
  }
  if (!has_name) {
    // Every link message the kernel sends names the link (rtnl_fill_ifinfo); one that does not
    // cannot be keyed.
    *error = ParseError::kMalformed;
    return std::nullopt;
  }
  return link;
}

std::optional<StatsMessage> ParseStatsPayload(std::span<const uint8_t> payload, ParseError* error) {
  if (payload.size() < kIfStatsMsgBytes) {
    *error = ParseError::kTruncated;
    return std::nullopt;
  }
  // struct if_stats_msg: u8 family, u8 pad1, u16 pad2, u32 ifindex, u32 filter_mask.
  const auto index = Read<int32_t>(payload, 4);
  if (index <= 0) {
    *error = ParseError::kMalformed;
    return std::nullopt;
  }
  StatsMessage stats;
  stats.ifindex = static_cast<uint32_t>(index);
  std::vector<Attribute> attributes;
  if (!SplitAttributes(payload.subspan(kIfStatsMsgBytes), attributes, error)) return std::nullopt;
  for (const Attribute& attribute : attributes) {
    if (attribute.type != IFLA_STATS_LINK_64) continue;
    if (!ReadStatsAttribute(attribute.payload, stats.stats64)) {
      *error = ParseError::kMalformed;
      return std::nullopt;
    }
  }
  return stats;
}

void WalkDatagram(std::span<const uint8_t> bytes, const MessageVisitor& visit,
                  std::vector<ParseError>& errors) {
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    const std::size_t left = bytes.size() - offset;
    if (left < kNlmsghdrBytes) {
      errors.push_back(ParseError::kTruncated);
      break;
    }
    const auto length = Read<uint32_t>(bytes, offset);
    if (length < kNlmsghdrBytes) {
      errors.push_back(ParseError::kMalformed);
      break;
    }
    if (length > left) {
      errors.push_back(ParseError::kTruncated);
      break;
    }
    Message message;
    message.type = Read<uint16_t>(bytes, offset + 4);
    message.flags = Read<uint16_t>(bytes, offset + 6);
    message.seq = Read<uint32_t>(bytes, offset + 8);
    message.pid = Read<uint32_t>(bytes, offset + 12);
    const auto payload = bytes.subspan(offset + kNlmsghdrBytes, length - kNlmsghdrBytes);
    offset += std::min<std::size_t>(Align4(length), left);

    switch (message.type) {
      case RTM_NEWLINK:
      case RTM_DELLINK: {
        ParseError error = ParseError::kMalformed;
        auto link = ParseLinkPayload(payload, message.type == RTM_DELLINK, &error);
        if (!link) {
          errors.push_back(error);
          continue;
        }
        message.kind = Message::Kind::kLink;
        message.link = std::move(*link);
        break;
      }
      case RTM_NEWSTATS: {
        ParseError error = ParseError::kMalformed;
        auto stats = ParseStatsPayload(payload, &error);
        if (!stats) {
          errors.push_back(error);
          continue;
        }
        message.kind = Message::Kind::kStats;
        message.stats = *stats;
        break;
      }
      case NLMSG_ERROR:
        // struct nlmsgerr: s32 error, then the offending request's header (possibly capped).
        if (payload.size() < sizeof(int32_t)) {
          errors.push_back(ParseError::kTruncated);
          continue;
        }
        message.kind = Message::Kind::kError;
        message.error = Read<int32_t>(payload, 0);
        break;
      case NLMSG_DONE:
        // Carries an s32 (0, or the dump's error) that is not needed: a dump that failed is
        // detected by its NLM_F_DUMP_INTR flag or an NLMSG_ERROR, and is retaken either way.
        message.kind = Message::Kind::kDone;
        break;
      case NLMSG_OVERRUN:
        message.kind = Message::Kind::kOverrun;
        break;
      default:
        message.kind = Message::Kind::kOther;
        break;
    }
    visit(message);
  }
}

DatagramParseResult ParseDatagram(std::span<const uint8_t> bytes) {
  DatagramParseResult result;
  WalkDatagram(
      bytes, [&](Message& message) { result.messages.push_back(std::move(message)); },
      result.errors);
  return result;
}

InterfaceRecord ToInterfaceRecord(const LinkMessage& link) {
  InterfaceRecord record;
  record.name = link.name;
  record.key = {std::string(kLocalSource), link.name};
  record.labels = LocalDeviceLabels(link.name);
  LinkAttributes& a = record.attributes;
  a.ifindex = link.ifindex;
  // sysfs' iflink is the link's own index when it has no parent; the kernel leaves IFLA_LINK out
  // in exactly that case. Same value from either source.
  a.iflink = link.link.value_or(link.ifindex);
  // IFLA_MASTER 0 is no master, as its absence is.
  if (link.master && *link.master != 0) a.master_ifindex = link.master;
  a.mtu = link.mtu;
  a.type = link.link_type;
  a.oper_state = link.oper_state;
  a.admin_up = (link.flags & IFF_UP) != 0;
  if (link.carrier) {
    a.carrier = link.carrier;
  } else if ((link.flags & IFF_UP) != 0) {
    // Kernels before 3.x had no IFLA_CARRIER; IFF_LOWER_UP is only meaningful while up.
    a.carrier = (link.flags & IFF_LOWER_UP) != 0;
  }
  if (link.carrier_changes) a.carrier_changes = *link.carrier_changes;
  if (link.carrier_up_count) a.carrier_up_count = *link.carrier_up_count;
  if (link.carrier_down_count) a.carrier_down_count = *link.carrier_down_count;
  a.address = link.address;
  a.alias = link.alias;
  a.kind = link.kind;
  a.broadcast = link.broadcast;
  a.tx_queue_len = link.tx_queue_len;
  a.link_mode = link.link_mode;
  a.group = link.group;
  a.bond_slave = link.bond_slave;
  return record;
}

}  // namespace netif::rtnl
