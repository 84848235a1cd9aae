// Test helpers shared by the netlink tests: reading captured datagrams from testdata/ and building
// synthetic netlink messages byte by byte (so a test can state exactly which length is wrong).
//
// Thread-safety: plain values; no internal synchronization.
#pragma once

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace netif::rtnl::testing {

using Bytes = std::vector<uint8_t>;

inline std::string TestdataPath(std::string_view name) {
  return std::string(NETIF_SOURCE_DIR) + "/src/collectors/netlink/testdata/" + std::string(name);
}

// The bytes of a captured datagram; empty when the file is missing (the caller asserts on size).
inline Bytes ReadTestdata(std::string_view name) {
  std::ifstream in(TestdataPath(name), std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Builds one netlink message: header, optional ifinfomsg, attributes (nests by Begin/EndNest).
// Lengths are filled in by Finish() unless a test overrides them afterwards.
class MessageBuilder {
 public:
  explicit MessageBuilder(uint16_t type, uint16_t flags = 0, uint32_t seq = 0, uint32_t pid = 0) {
    Append32(0);  // nlmsg_len, patched by Finish()
    Append16(type);
    Append16(flags);
    Append32(seq);
    Append32(pid);
  }
  MessageBuilder& Ifinfo(int32_t index, uint32_t flags = 0, uint16_t link_type = 1,
                         uint8_t family = 0) {
    bytes_.push_back(family);
    bytes_.push_back(0);
    Append16(link_type);
    Append32(static_cast<uint32_t>(index));
    Append32(flags);
    Append32(0);  // ifi_change
    return *this;
  }
  // struct if_stats_msg (RTM_NEWSTATS): family, pads, ifindex, filter_mask.
  MessageBuilder& IfStats(int32_t index, uint32_t filter_mask = 1u << (IFLA_STATS_LINK_64 - 1)) {
    bytes_.insert(bytes_.end(), {0, 0, 0, 0});
    Append32(static_cast<uint32_t>(index));
    Append32(filter_mask);
    return *this;
  }
  MessageBuilder& Attr(uint16_t type, const void* data, std::size_t size) {
    Append16(static_cast<uint16_t>(4 + size));
    Append16(type);
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
    Pad();
    return *this;
  }
  MessageBuilder& String(uint16_t type, std::string_view text) {
    std::string with_nul(text);
    with_nul.push_back('\0');
    return Attr(type, with_nul.data(), with_nul.size());
  }
  MessageBuilder& U8(uint16_t type, uint8_t value) { return Attr(type, &value, 1); }
  MessageBuilder& U16(uint16_t type, uint16_t value) { return Attr(type, &value, 2); }
  MessageBuilder& U32(uint16_t type, uint32_t value) { return Attr(type, &value, 4); }
  MessageBuilder& I32(int32_t value) {  // a bare s32 payload (NLMSG_ERROR, NLMSG_DONE)
    Append32(static_cast<uint32_t>(value));
    return *this;
  }
  MessageBuilder& BeginNest(uint16_t type) {
    nests_.push_back(bytes_.size());
    Append16(0);
    Append16(type);
    return *this;
  }
  MessageBuilder& EndNest() {
    const std::size_t start = nests_.back();
    nests_.pop_back();
    const auto length = static_cast<uint16_t>(bytes_.size() - start);
    std::memcpy(bytes_.data() + start, &length, 2);
    return *this;
  }
  Bytes Finish() const {
    Bytes out = bytes_;
    const auto length = static_cast<uint32_t>(out.size());
    std::memcpy(out.data(), &length, 4);
    return out;
  }

 private:
  void Append16(uint16_t v) { bytes_.insert(bytes_.end(), {uint8_t(v), uint8_t(v >> 8)}); }
  void Append32(uint32_t v) {
    std::uint8_t b[4];
    std::memcpy(b, &v, 4);
    bytes_.insert(bytes_.end(), b, b + 4);
  }
  void Pad() {
    while (bytes_.size() % 4 != 0) bytes_.push_back(0);
  }
  Bytes bytes_;
  std::vector<std::size_t> nests_;
};

// A minimal valid RTM_NEWLINK/RTM_DELLINK: ifindex, name, oper state, carrier.
inline Bytes LinkMessageBytes(uint16_t type, int32_t index, std::string_view name,
                              uint8_t operstate, uint32_t flags = 0x1003, uint32_t seq = 0,
                              uint16_t nlmsg_flags = 0, uint32_t pid = 0) {
  return MessageBuilder(type, nlmsg_flags, seq, pid)
      .Ifinfo(index, flags)
      .String(IFLA_IFNAME, name)
      .U8(IFLA_OPERSTATE, operstate)
      .U8(IFLA_CARRIER, operstate == 6 ? 1 : 0)
      .Finish();
}

// An RTM_NEWLINK of a bond's port as the kernel's bond_fill_slave_info() sends it: IFLA_MASTER,
// then IFLA_LINKINFO with the link's own kind, IFLA_INFO_SLAVE_KIND "bond" and the slave data
// (state, MII status, link failures, permanent address, queue id and, in 802.3ad mode, the
// aggregator and both LACP port states). `backup` and `mii_status` vary the state.
inline Bytes BondPortMessageBytes(int32_t index, std::string_view name, uint32_t master,
                                  bool backup = false, uint8_t mii_status = 0, uint32_t seq = 0,
                                  uint16_t nlmsg_flags = 0, uint32_t pid = 0) {
  const uint8_t perm_hwaddr[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  return MessageBuilder(RTM_NEWLINK, nlmsg_flags, seq, pid)
      .Ifinfo(index, 0x11803)  // IFF_UP|BROADCAST|SLAVE|MULTICAST|LOWER_UP
      .String(IFLA_IFNAME, name)
      .U32(IFLA_MASTER, master)
      .U8(IFLA_OPERSTATE, 6)
      .BeginNest(IFLA_LINKINFO)
      .String(IFLA_INFO_KIND, "veth")
      .String(IFLA_INFO_SLAVE_KIND, "bond")
      .BeginNest(IFLA_INFO_SLAVE_DATA)
      .U8(IFLA_BOND_SLAVE_STATE, backup ? 1 : 0)
      .U8(IFLA_BOND_SLAVE_MII_STATUS, mii_status)
      .U32(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 3)
      .Attr(IFLA_BOND_SLAVE_PERM_HWADDR, perm_hwaddr, sizeof perm_hwaddr)
      .U16(IFLA_BOND_SLAVE_QUEUE_ID, 2)
      .U16(IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, 1)
      .U8(IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, 61)
      .U16(IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, 63)
      .EndNest()
      .EndNest()
      .Finish();
}

// An RTM_NEWSTATS reply with IFLA_STATS_LINK_64 of `fields` counters: field i holds base + i
// (so rx_packets = base, rx_bytes = base + 2, rx_nohandler = base + 23, ...).
inline Bytes StatsMessageBytes(int32_t index, uint64_t base, std::size_t fields = 25,
                               uint32_t seq = 0, uint16_t nlmsg_flags = 0, uint32_t pid = 0) {
  std::vector<uint64_t> raw(fields);
  for (std::size_t i = 0; i < fields; ++i) raw[i] = base + i;
  return MessageBuilder(RTM_NEWSTATS, nlmsg_flags, seq, pid)
      .IfStats(index)
      .Attr(IFLA_STATS_LINK_64, raw.data(), raw.size() * sizeof(uint64_t))
      .Finish();
}

inline Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace netif::rtnl::testing
