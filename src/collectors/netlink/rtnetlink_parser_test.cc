#include "collectors/netlink/rtnetlink_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "collectors/netlink/rtnetlink_test_util.h"
#include "collectors/procfs/net_dev_parser.h"

namespace netif::rtnl {
namespace {

using ::netif::rtnl::testing::BondPortMessageBytes;
using ::netif::rtnl::testing::Bytes;
using ::netif::rtnl::testing::Concat;
using ::netif::rtnl::testing::LinkMessageBytes;
using ::netif::rtnl::testing::MessageBuilder;
using ::netif::rtnl::testing::ReadTestdata;
using ::testing::ElementsAre;
using ::testing::Optional;

// The captured datagrams (see testdata/README.md for how and in which namespace).
const char* const kDumpFiles[] = {"dump_00.bin", "dump_01.bin", "dump_02.bin"};
const char* const kAllFixtures[] = {
    "dump_00.bin",          "dump_01.bin",       "dump_02.bin",       "ev_bridge_00.bin",
    "ev_bridge_01.bin",     "ev_bridge_02.bin",  "ev_bridge_03.bin",  "ev_bridge_04.bin",
    "ev_bridge_05.bin",     "ev_bridge_06.bin",  "ev_create_00.bin",  "ev_create_01.bin",
    "ev_delete_00.bin",     "ev_delete_01.bin",  "ev_flap_00.bin",    "ev_flap_01.bin",
    "ev_flap_02.bin",       "ev_flap_03.bin",    "ev_flap_04.bin",    "ev_rename_00.bin",
    "stats_dump_00.bin",    "stats_dump_01.bin", "stats_dump_02.bin", "bond_port_00.bin",
    "getstats_dump_00.bin",
};

DatagramParseResult ParseFile(const char* name) {
  const Bytes bytes = ReadTestdata(name);
  EXPECT_FALSE(bytes.empty()) << "missing fixture " << name;
  return ParseDatagram(bytes);
}

// Link messages of all the files, in order, keyed by ifindex (the last one wins).
std::map<uint32_t, LinkMessage> LinksByIndex(std::initializer_list<const char*> files) {
  std::map<uint32_t, LinkMessage> links;
  for (const char* file : files) {
    for (auto& message : ParseFile(file).messages) {
      if (message.kind == Message::Kind::kLink) links[message.link.ifindex] = message.link;
    }
  }
  return links;
}

std::vector<OperState> OperStatesOf(std::string_view device,
                                    std::initializer_list<const char*> files) {
  std::vector<OperState> states;
  for (const char* file : files) {
    for (const auto& message : ParseFile(file).messages) {
      if (message.kind == Message::Kind::kLink && message.link.name == device) {
        states.push_back(message.link.oper_state.value_or(OperState::kNotPresent));
      }
    }
  }
  return states;
}

// --- captured messages -------------------------------------------------------------------------

TEST(RtnetlinkParserTest, CapturedDumpListsEveryLinkWithItsAttributes) {
  std::vector<Message> messages;
  for (const char* file : kDumpFiles) {
    auto result = ParseFile(file);
    EXPECT_TRUE(result.errors.empty()) << file;
    messages.insert(messages.end(), result.messages.begin(), result.messages.end());
  }
  ASSERT_EQ(messages.size(), 10u);  // 9 links + NLMSG_DONE
  for (const auto& message : messages) {
    EXPECT_EQ(message.seq, 1u);  // the capture tool's request
    EXPECT_TRUE(message.flags & NLM_F_MULTI);
  }
  EXPECT_EQ(messages.back().kind, Message::Kind::kDone);

  const auto links = LinksByIndex({"dump_00.bin", "dump_01.bin"});
  ASSERT_EQ(links.size(), 9u);
  const LinkMessage& lo = links.at(1);
  EXPECT_EQ(lo.name, "lo");
  EXPECT_EQ(lo.family, AF_UNSPEC);
  EXPECT_EQ(lo.link_type, 772);  // ARPHRD_LOOPBACK
  EXPECT_EQ(lo.flags & IFF_UP, 0u);
  EXPECT_EQ(lo.oper_state, OperState::kDown);
  EXPECT_EQ(lo.mtu, 65536u);
  EXPECT_EQ(lo.address, "00:00:00:00:00:00");
  EXPECT_EQ(lo.kind, std::nullopt);
  EXPECT_EQ(lo.link, std::nullopt);

  const LinkMessage& veth0 = links.at(3);
  EXPECT_EQ(veth0.name, "veth0");
  EXPECT_EQ(veth0.link_type, 1);  // ARPHRD_ETHER
  EXPECT_EQ(veth0.oper_state, OperState::kUp);
  EXPECT_THAT(veth0.carrier, Optional(true));
  EXPECT_EQ(veth0.mtu, 1500u);
  EXPECT_EQ(veth0.link, 2u);  // its peer, veth0p
  EXPECT_EQ(veth0.address, "76:57:a1:21:98:05");
  EXPECT_EQ(veth0.alias, "uplink \"core\" 1");
  EXPECT_EQ(veth0.kind, "veth");
  EXPECT_EQ(veth0.carrier_changes, 2u);
  EXPECT_EQ(veth0.carrier_up_count, 1u);
  EXPECT_EQ(veth0.carrier_down_count, 1u);
  EXPECT_TRUE(veth0.stats64.has_value());
  EXPECT_EQ(veth0.master, std::nullopt);
  // What `ip -d link` showed: qlen 1000, mode DEFAULT, group default, brd ff:ff:ff:ff:ff:ff.
  EXPECT_EQ(veth0.tx_queue_len, 1000u);
  EXPECT_EQ(veth0.link_mode, 0u);
  EXPECT_EQ(veth0.group, 0u);
  EXPECT_EQ(veth0.broadcast, "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(veth0.slave_kind, std::nullopt);
  EXPECT_EQ(lo.broadcast, "00:00:00:00:00:00");

  EXPECT_EQ(links.at(2).name, "veth0p");
  EXPECT_EQ(links.at(2).mtu, 9000u);
  EXPECT_EQ(links.at(4).name, "br0");
  EXPECT_EQ(links.at(4).kind, "bridge");
  EXPECT_THAT(links.at(4).carrier, Optional(false));
  EXPECT_EQ(links.at(6).name, "veth1");
  EXPECT_EQ(links.at(6).master, 4u);  // enslaved to br0
  EXPECT_EQ(links.at(6).slave_kind, "bridge");
  EXPECT_EQ(links.at(6).bond_slave, std::nullopt) << "a bridge port's slave data is not read";
  EXPECT_EQ(links.at(6).oper_state, OperState::kLowerLayerDown);
  EXPECT_EQ(links.at(7).kind, "macvlan");
  EXPECT_EQ(links.at(7).link, 3u);
  EXPECT_EQ(links.at(8).kind, "vxlan");
  EXPECT_EQ(links.at(9).name, "t0");
  EXPECT_EQ(links.at(9).kind, "tun");
}

TEST(RtnetlinkParserTest, CapturedFlapIsDownThenLowerLayerDownThenUp) {
  const auto files = {"ev_flap_00.bin", "ev_flap_01.bin", "ev_flap_02.bin", "ev_flap_03.bin",
                      "ev_flap_04.bin"};
  EXPECT_THAT(OperStatesOf("veth0", files),
              ElementsAre(OperState::kDown, OperState::kLowerLayerDown, OperState::kUp));
  EXPECT_THAT(OperStatesOf("veth0p", files),
              ElementsAre(OperState::kLowerLayerDown, OperState::kUp));
  // Admin down shows in the flags at once; carrier counts move with each carrier change.
  const auto down = ParseFile("ev_flap_00.bin").messages.at(0).link;
  EXPECT_EQ(down.flags & IFF_UP, 0u);
  EXPECT_EQ(down.carrier_changes, 3u);
  EXPECT_EQ(down.carrier_down_count, 2u);
}

TEST(RtnetlinkParserTest, CapturedCreateRenameDeleteKeepTheIfindex) {
  const auto created = ParseFile("ev_create_01.bin").messages.at(0).link;
  EXPECT_EQ(created.name, "veth2");
  EXPECT_EQ(created.ifindex, 11u);
  EXPECT_FALSE(created.deleted);

  const auto renamed = ParseFile("ev_rename_00.bin").messages.at(0).link;
  EXPECT_EQ(renamed.name, "wan0");
  EXPECT_EQ(renamed.ifindex, 11u);

  const auto deleted = ParseFile("ev_delete_00.bin").messages.at(0);
  EXPECT_EQ(deleted.type, RTM_DELLINK);
  EXPECT_TRUE(deleted.link.deleted);
  EXPECT_EQ(deleted.link.name, "wan0");
  EXPECT_EQ(deleted.link.ifindex, 11u);
  EXPECT_EQ(deleted.link.family, AF_UNSPEC);
}

TEST(RtnetlinkParserTest, CapturedBridgePortMessagesCarryFamilyBridge) {
  // Enslaving to and releasing from a bridge sends AF_BRIDGE messages, among them an
  // RTM_DELLINK that does not mean the link is gone: the collector must tell them apart.
  const auto released = ParseFile("ev_bridge_05.bin").messages.at(0).link;
  EXPECT_TRUE(released.deleted);
  EXPECT_EQ(released.family, AF_BRIDGE);
  EXPECT_EQ(released.name, "veth2p");
  const auto enslaved = ParseFile("ev_bridge_00.bin").messages.at(0).link;
  EXPECT_EQ(enslaved.family, AF_UNSPEC);
  EXPECT_EQ(enslaved.master, 4u);
  const auto after = ParseFile("ev_bridge_06.bin").messages.at(0).link;
  EXPECT_EQ(after.master, std::nullopt);
}

TEST(RtnetlinkParserTest, CapturedStats64AgreeWithProcNetDevTakenAtTheSameTime) {
  std::ifstream in(testing::TestdataPath("stats_proc_net_dev.txt"));
  std::stringstream text;
  text << in.rdbuf();
  const auto procfs = ParseNetDev(text.str());
  ASSERT_EQ(procfs.records.size(), 4u);
  const auto links = LinksByIndex({"stats_dump_00.bin", "stats_dump_01.bin", "stats_dump_02.bin"});
  ASSERT_EQ(links.size(), 4u);
  std::size_t compared = 0;
  for (const auto& [index, link] : links) {
    for (const auto& record : procfs.records) {
      if (record.name != link.name) continue;
      ASSERT_TRUE(link.stats64.has_value()) << link.name;
      EXPECT_EQ(ProcNetDevCounters(*link.stats64), record.counters) << link.name;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 4u);
}

// The RTM_GETSTATS dump captured with `ip -s -s -j link` (getstats_ip_link.json) and
// /proc/net/dev read at the same moment: a0 had received 4 frames of an EtherType nothing
// handles (rx dropped 4 on this kernel; rx_nohandler counts only exact-match deliveries to bond
// and team ports).
TEST(RtnetlinkParserTest, CapturedGetStatsDumpEqualsIpLinkAndProcNetDevTakenAtTheSameTime) {
  const auto result = ParseFile("getstats_dump_00.bin");
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.messages.size(), 5u);
  EXPECT_EQ(result.messages.back().kind, Message::Kind::kDone);
  std::map<uint32_t, LinkStats64> by_index;
  for (std::size_t i = 0; i < 4; ++i) {
    const Message& message = result.messages[i];
    ASSERT_EQ(message.kind, Message::Kind::kStats);
    EXPECT_EQ(message.type, RTM_NEWSTATS);
    EXPECT_TRUE(message.flags & NLM_F_MULTI);
    ASSERT_TRUE(message.stats.stats64.has_value());
    by_index[message.stats.ifindex] = *message.stats.stats64;
  }
  // ifindex -> name as getstats_ip_link.json lists them.
  const std::map<uint32_t, std::string> names = {{1, "lo"}, {2, "a1"}, {3, "a0"}, {4, "br0"}};
  ASSERT_EQ(by_index.size(), 4u);
  // The values of getstats_ip_link.json (stats64.rx / .tx); every key not named here is 0 there.
  const LinkStats64& a0 = by_index.at(3);
  EXPECT_EQ(a0.rx_bytes, 240u);
  EXPECT_EQ(a0.rx_packets, 4u);
  EXPECT_EQ(a0.rx_dropped, 4u);
  EXPECT_EQ(a0.tx_bytes, 42u);
  EXPECT_EQ(a0.tx_packets, 1u);
  EXPECT_EQ(a0.tx_dropped, 3u);
  const LinkStats64& a1 = by_index.at(2);
  EXPECT_EQ(a1.rx_bytes, 42u);
  EXPECT_EQ(a1.rx_packets, 1u);
  EXPECT_EQ(a1.tx_bytes, 240u);
  EXPECT_EQ(a1.tx_packets, 4u);
  EXPECT_EQ(by_index.at(1).rx_bytes, 748u);
  EXPECT_EQ(by_index.at(1).tx_packets, 13u);
  EXPECT_EQ(by_index.at(4).tx_bytes, 108u);
  for (const auto& [index, stats] : by_index) {
    SCOPED_TRACE(names.at(index));
    for (const uint64_t error :
         {stats.rx_errors, stats.tx_errors, stats.multicast, stats.collisions,
          stats.rx_length_errors, stats.rx_over_errors, stats.rx_crc_errors, stats.rx_frame_errors,
          stats.rx_fifo_errors, stats.rx_missed_errors, stats.tx_aborted_errors,
          stats.tx_carrier_errors, stats.tx_fifo_errors, stats.tx_heartbeat_errors,
          stats.tx_window_errors, stats.rx_compressed, stats.tx_compressed}) {
      EXPECT_EQ(error, 0u);
    }
    // Linux 6.18 sends all 25 fields: nohandler (absent from ip's JSON when 0) and otherhost.
    EXPECT_THAT(stats.rx_nohandler, Optional(0u));
    EXPECT_THAT(stats.rx_otherhost_dropped, Optional(0u));
  }

  std::ifstream in(testing::TestdataPath("getstats_proc_net_dev.txt"));
  std::stringstream text;
  text << in.rdbuf();
  const auto procfs = ParseNetDev(text.str());
  ASSERT_EQ(procfs.records.size(), 4u);
  for (const auto& record : procfs.records) {
    const auto it = std::find_if(names.begin(), names.end(),
                                 [&](const auto& entry) { return entry.second == record.name; });
    ASSERT_NE(it, names.end()) << record.name;
    EXPECT_EQ(ProcNetDevCounters(by_index.at(it->first)), record.counters) << record.name;
  }
}

TEST(RtnetlinkParserTest, StatsPayloadsThatNoKernelSendsAreRejected) {
  const uint64_t full[25] = {};
  const uint64_t short_struct[22] = {};
  ParseError error = ParseError::kMalformed;
  // Shorter than if_stats_msg.
  const Bytes tiny = {0, 0, 0, 0, 1, 0, 0};
  EXPECT_FALSE(ParseStatsPayload(tiny, &error).has_value());
  EXPECT_EQ(error, ParseError::kTruncated);
  auto payload = [](const Bytes& message) { return Bytes(message.begin() + 16, message.end()); };
  // ifindex 0 or negative.
  for (const int32_t index : {0, -3}) {
    const Bytes bytes = payload(MessageBuilder(RTM_NEWSTATS).IfStats(index).Finish());
    error = ParseError::kTruncated;
    EXPECT_FALSE(ParseStatsPayload(bytes, &error).has_value()) << index;
    EXPECT_EQ(error, ParseError::kMalformed);
  }
  // IFLA_STATS_LINK_64 shorter than the 23 counters.
  const Bytes short_stats = payload(MessageBuilder(RTM_NEWSTATS)
                                        .IfStats(2)
                                        .Attr(IFLA_STATS_LINK_64, short_struct, sizeof short_struct)
                                        .Finish());
  error = ParseError::kTruncated;
  EXPECT_FALSE(ParseStatsPayload(short_stats, &error).has_value());
  EXPECT_EQ(error, ParseError::kMalformed);
  // An attribute running past the message.
  Bytes overrun = payload(
      MessageBuilder(RTM_NEWSTATS).IfStats(2).Attr(IFLA_STATS_LINK_64, full, sizeof full).Finish());
  overrun.resize(overrun.size() - 8);
  error = ParseError::kMalformed;
  EXPECT_FALSE(ParseStatsPayload(overrun, &error).has_value());
  EXPECT_EQ(error, ParseError::kTruncated);
  // No IFLA_STATS_LINK_64 (not asked for), other attributes skipped: parsed, without stats.
  const Bytes other = payload(
      MessageBuilder(RTM_NEWSTATS).IfStats(7).Attr(IFLA_STATS_LINK_XSTATS, full, 16).Finish());
  const auto parsed = ParseStatsPayload(other, &error);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->ifindex, 7u);
  EXPECT_FALSE(parsed->stats64.has_value());
  // In a datagram, a rejected stats message is skipped and the walk goes on.
  const auto result = ParseDatagram(Concat(
      {MessageBuilder(RTM_NEWSTATS).IfStats(0).Finish(), testing::StatsMessageBytes(5, 10)}));
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kMalformed));
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0].stats.ifindex, 5u);
  EXPECT_EQ(result.messages[0].stats.stats64->rx_packets, 10u);
}

TEST(RtnetlinkParserTest, EveryPrefixOfARealStatsPayloadIsRejectedOrComplete) {
  const Bytes full = ReadTestdata("getstats_dump_00.bin");
  ASSERT_GT(full.size(), 232u);
  const std::span<const uint8_t> payload(full.data() + 16, 232 - 16);  // the first message
  ParseError error;
  ASSERT_TRUE(ParseStatsPayload(payload, &error).has_value());
  for (std::size_t length = 0; length < payload.size(); ++length) {
    const Bytes prefix(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(length));
    error = ParseError::kMalformed;
    const auto stats = ParseStatsPayload(prefix, &error);
    if (length == 12) {
      ASSERT_TRUE(stats.has_value());  // if_stats_msg alone: a link without the attribute
      EXPECT_FALSE(stats->stats64.has_value());
    } else {
      EXPECT_FALSE(stats.has_value()) << length;
      EXPECT_EQ(error, ParseError::kTruncated) << length;
    }
  }
}

// --- the /proc/net/dev mapping ------------------------------------------------------------------

TEST(RtnetlinkParserTest, ProcNetDevCountersFollowDevSeqPrintfStats) {
  LinkStats64 s;
  // Distinct powers of two, so each sum shows exactly which fields went into it.
  uint64_t bit = 1;
  for (uint64_t* field :
       {&s.rx_packets,        &s.tx_packets,        &s.rx_bytes,         &s.tx_bytes,
        &s.rx_errors,         &s.tx_errors,         &s.rx_dropped,       &s.tx_dropped,
        &s.multicast,         &s.collisions,        &s.rx_length_errors, &s.rx_over_errors,
        &s.rx_crc_errors,     &s.rx_frame_errors,   &s.rx_fifo_errors,   &s.rx_missed_errors,
        &s.tx_aborted_errors, &s.tx_carrier_errors, &s.tx_fifo_errors,   &s.tx_heartbeat_errors,
        &s.tx_window_errors,  &s.rx_compressed,     &s.tx_compressed}) {
    *field = bit;
    bit <<= 1;
  }
  const CounterSet c = ProcNetDevCounters(s);
  EXPECT_EQ(c.Get(Counter::kReceiveBytes), s.rx_bytes);
  EXPECT_EQ(c.Get(Counter::kReceivePackets), s.rx_packets);
  EXPECT_EQ(c.Get(Counter::kReceiveErrors), s.rx_errors);
  EXPECT_EQ(c.Get(Counter::kReceiveDrop), s.rx_dropped + s.rx_missed_errors);
  EXPECT_EQ(c.Get(Counter::kReceiveFifo), s.rx_fifo_errors);
  EXPECT_EQ(c.Get(Counter::kReceiveFrame),
            s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors);
  EXPECT_EQ(c.Get(Counter::kReceiveCompressed), s.rx_compressed);
  EXPECT_EQ(c.Get(Counter::kReceiveMulticast), s.multicast);
  EXPECT_EQ(c.Get(Counter::kTransmitBytes), s.tx_bytes);
  EXPECT_EQ(c.Get(Counter::kTransmitPackets), s.tx_packets);
  EXPECT_EQ(c.Get(Counter::kTransmitErrors), s.tx_errors);
  EXPECT_EQ(c.Get(Counter::kTransmitDrop), s.tx_dropped);
  EXPECT_EQ(c.Get(Counter::kTransmitFifo), s.tx_fifo_errors);
  EXPECT_EQ(c.Get(Counter::kTransmitColls), s.collisions);
  EXPECT_EQ(c.Get(Counter::kTransmitCarrier),
            s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors);
  EXPECT_EQ(c.Get(Counter::kTransmitCompressed), s.tx_compressed);
  for (std::size_t i = 0; i < kProcNetDevCounterCount; ++i) {
    EXPECT_TRUE(c.Has(static_cast<Counter>(i)));
    EXPECT_FALSE(c.WrapsAt32Bits(static_cast<Counter>(i)));
  }
  EXPECT_FALSE(c.Has(Counter::kReceiveUnicast));  // IF-MIB only
}

TEST(RtnetlinkParserTest, ProcNetDevSumsWrapLikeTheKernelsU64) {
  LinkStats64 s;
  s.rx_dropped = UINT64_MAX;
  s.rx_missed_errors = 2;
  EXPECT_EQ(ProcNetDevCounters(s).Get(Counter::kReceiveDrop), 1u);
}

TEST(RtnetlinkParserTest, Stats64ReadsFieldsInKernelOrderAndAcceptsLongerStructs) {
  uint64_t raw[27];
  for (int i = 0; i < 27; ++i) raw[i] = 1000 + i;
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(5)
                          .String(IFLA_IFNAME, "x")
                          .Attr(IFLA_STATS64, raw, sizeof raw)
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  const auto& stats = *result.messages[0].link.stats64;
  EXPECT_EQ(stats.rx_packets, 1000u);
  EXPECT_EQ(stats.tx_bytes, 1003u);
  EXPECT_EQ(stats.multicast, 1008u);
  EXPECT_EQ(stats.rx_missed_errors, 1015u);
  EXPECT_EQ(stats.tx_compressed, 1022u);
  EXPECT_EQ(stats.rx_nohandler, 1023u);
  EXPECT_EQ(stats.rx_otherhost_dropped, 1024u);
}

TEST(RtnetlinkParserTest, Stats64FromOlderKernelsLeavesTheAppendedFieldsAbsent) {
  uint64_t raw[25];
  for (int i = 0; i < 25; ++i) raw[i] = 1000 + i;
  // 23 fields (before 4.6), 24 (4.6 to 5.18), and a trailing partial field, which is ignored.
  for (const std::size_t bytes : {std::size_t{23 * 8}, std::size_t{23 * 8 + 4}, std::size_t{24 * 8},
                                  std::size_t{24 * 8 + 7}}) {
    const Bytes message = MessageBuilder(RTM_NEWLINK)
                              .Ifinfo(5)
                              .String(IFLA_IFNAME, "x")
                              .Attr(IFLA_STATS64, raw, bytes)
                              .Finish();
    const auto result = ParseDatagram(message);
    ASSERT_EQ(result.messages.size(), 1u) << bytes;
    const auto& stats = *result.messages[0].link.stats64;
    EXPECT_EQ(stats.tx_compressed, 1022u);
    EXPECT_EQ(stats.rx_nohandler, bytes >= 24 * 8 ? std::optional<uint64_t>(1023) : std::nullopt)
        << bytes;
    EXPECT_EQ(stats.rx_otherhost_dropped, std::nullopt);
  }
}

// --- synthetic messages: control messages ------------------------------------------------------

TEST(RtnetlinkParserTest, ControlMessagesAreReportedInOrder) {
  const Bytes bytes = Concat({
      MessageBuilder(NLMSG_ERROR, 0, 7).I32(-EBUSY).Finish(),
      MessageBuilder(NLMSG_ERROR, 0, 8).I32(0).Finish(),
      MessageBuilder(NLMSG_NOOP).Finish(),
      MessageBuilder(RTM_NEWADDR).I32(0).Finish(),
      MessageBuilder(NLMSG_OVERRUN).Finish(),
      MessageBuilder(NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, 9).I32(0).Finish(),
  });
  const auto result = ParseDatagram(bytes);
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.messages.size(), 6u);
  EXPECT_EQ(result.messages[0].kind, Message::Kind::kError);
  EXPECT_EQ(result.messages[0].error, -EBUSY);
  EXPECT_EQ(result.messages[0].seq, 7u);
  EXPECT_EQ(result.messages[1].kind, Message::Kind::kError);
  EXPECT_EQ(result.messages[1].error, 0);
  EXPECT_EQ(result.messages[2].kind, Message::Kind::kOther);
  EXPECT_EQ(result.messages[3].kind, Message::Kind::kOther);
  EXPECT_EQ(result.messages[3].type, RTM_NEWADDR);
  EXPECT_EQ(result.messages[4].kind, Message::Kind::kOverrun);
  EXPECT_EQ(result.messages[5].kind, Message::Kind::kDone);
  EXPECT_TRUE(result.messages[5].flags & NLM_F_DUMP_INTR);
}

TEST(RtnetlinkParserTest, ErrorMessageWithoutItsErrnoIsTruncated) {
  Bytes bytes = MessageBuilder(NLMSG_ERROR).Finish();  // 16 bytes: no room for the s32
  const auto result = ParseDatagram(bytes);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated));
}

TEST(RtnetlinkParserTest, EmptyDatagramHasNoMessages) {
  const auto result = ParseDatagram({});
  EXPECT_TRUE(result.messages.empty());
  EXPECT_TRUE(result.errors.empty());
}

// --- synthetic messages: bad lengths -----------------------------------------------------------

void SetU32(Bytes& bytes, std::size_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, 4);
}
void SetU16(Bytes& bytes, std::size_t offset, uint16_t value) {
  std::memcpy(bytes.data() + offset, &value, 2);
}

TEST(RtnetlinkParserTest, NlmsgLenBeyondTheDatagramIsTruncatedAndEndsTheWalk) {
  Bytes bytes = Concat({LinkMessageBytes(RTM_NEWLINK, 2, "eth0", IF_OPER_UP),
                        LinkMessageBytes(RTM_NEWLINK, 3, "eth1", IF_OPER_UP)});
  const std::size_t second = LinkMessageBytes(RTM_NEWLINK, 2, "eth0", IF_OPER_UP).size();
  SetU32(bytes, second, static_cast<uint32_t>(bytes.size()));  // claims more than is left
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0].link.name, "eth0");
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated));
}

TEST(RtnetlinkParserTest, NlmsgLenSmallerThanItsHeaderIsMalformedAndEndsTheWalk) {
  for (const uint32_t length : {0u, 1u, 15u}) {
    Bytes bytes = Concat({LinkMessageBytes(RTM_NEWLINK, 2, "eth0", IF_OPER_UP),
                          LinkMessageBytes(RTM_NEWLINK, 3, "eth1", IF_OPER_UP)});
    SetU32(bytes, 0, length);
    const auto result = ParseDatagram(bytes);
    EXPECT_TRUE(result.messages.empty()) << length;
    EXPECT_THAT(result.errors, ElementsAre(ParseError::kMalformed)) << length;
  }
}

TEST(RtnetlinkParserTest, TrailingBytesShorterThanAHeaderAreTruncated) {
  Bytes bytes = LinkMessageBytes(RTM_NEWLINK, 2, "eth0", IF_OPER_UP);
  bytes.insert(bytes.end(), {1, 2, 3, 4, 5, 6, 7, 8});
  const auto result = ParseDatagram(bytes);
  EXPECT_EQ(result.messages.size(), 1u);
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated));
}

TEST(RtnetlinkParserTest, BadRtaLenRejectsOnlyItsMessage) {
  const Bytes good = LinkMessageBytes(RTM_NEWLINK, 3, "eth1", IF_OPER_UP);
  const std::size_t first_attribute = 16 + 16;
  struct Case {
    uint16_t rta_len;
    ParseError expected;
  };
  for (const Case& c : {Case{0, ParseError::kMalformed}, Case{3, ParseError::kMalformed},
                        Case{0xFFFF, ParseError::kTruncated}, Case{200, ParseError::kTruncated}}) {
    Bytes bad = LinkMessageBytes(RTM_NEWLINK, 2, "eth0", IF_OPER_UP);
    SetU16(bad, first_attribute, c.rta_len);
    const auto result = ParseDatagram(Concat({bad, good}));
    EXPECT_THAT(result.errors, ElementsAre(c.expected)) << c.rta_len;
    ASSERT_EQ(result.messages.size(), 1u) << c.rta_len;
    EXPECT_EQ(result.messages[0].link.name, "eth1");
  }
}

TEST(RtnetlinkParserTest, LinkMessageShorterThanIfinfomsgIsTruncated) {
  Bytes bytes = MessageBuilder(RTM_NEWLINK).I32(2).Finish();  // 4 of ifinfomsg's 16 bytes
  const auto result = ParseDatagram(bytes);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated));
}

TEST(RtnetlinkParserTest, AttributeRunningPastItsNestIsTruncated) {
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(2)
                          .String(IFLA_IFNAME, "eth0")
                          .BeginNest(IFLA_LINKINFO)
                          .String(IFLA_INFO_KIND, "veth")
                          .EndNest()
                          .Finish();
  Bytes bad = bytes;
  // The nest starts after the header (16), ifinfomsg (16) and IFLA_IFNAME (4 + 5 -> 12): its
  // inner IFLA_INFO_KIND header is 4 bytes further. Make the inner attribute claim 64 bytes.
  SetU16(bad, 16 + 16 + 12 + 4, 64);
  const auto result = ParseDatagram(bad);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated));
  ASSERT_EQ(ParseDatagram(bytes).messages.size(), 1u);
  EXPECT_EQ(ParseDatagram(bytes).messages[0].link.kind, "veth");
}

TEST(RtnetlinkParserTest, NestedFlagOnLinkinfoIsIgnored) {
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(2)
                          .String(IFLA_IFNAME, "br0")
                          .BeginNest(IFLA_LINKINFO | NLA_F_NESTED)
                          .String(IFLA_INFO_KIND, "bridge")
                          .EndNest()
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0].link.kind, "bridge");
}

// --- synthetic messages: bad values ------------------------------------------------------------

ParseError RejectionOf(const Bytes& bytes) {
  const auto result = ParseDatagram(bytes);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_EQ(result.errors.size(), 1u);
  return result.errors.empty() ? ParseError::kTruncated : result.errors[0];
}

TEST(RtnetlinkParserTest, AttributesOfTheWrongSizeAreMalformed) {
  const uint16_t u16 = 1500;
  const uint32_t u32 = 1;
  const uint8_t long_address[33] = {};
  const uint64_t short_stats[22] = {};
  const std::vector<std::pair<uint16_t, Bytes>> cases = {
      {IFLA_MTU,
       Bytes(reinterpret_cast<const uint8_t*>(&u16), reinterpret_cast<const uint8_t*>(&u16) + 2)},
      {IFLA_OPERSTATE,
       Bytes(reinterpret_cast<const uint8_t*>(&u32), reinterpret_cast<const uint8_t*>(&u32) + 4)},
      {IFLA_CARRIER, Bytes{}},
      {IFLA_MASTER, Bytes{1, 0}},
      {IFLA_LINK, Bytes{1, 0, 0, 0, 0}},
      {IFLA_CARRIER_CHANGES, Bytes{1}},
      {IFLA_CARRIER_UP_COUNT, Bytes{1, 2, 3}},
      {IFLA_CARRIER_DOWN_COUNT, Bytes{}},
      {IFLA_ADDRESS, Bytes(long_address, long_address + 33)},
      {IFLA_BROADCAST, Bytes(long_address, long_address + 33)},
      {IFLA_TXQLEN, Bytes{0xe8, 0x03}},
      {IFLA_LINKMODE, Bytes{0, 0, 0, 0}},
      {IFLA_GROUP, Bytes{7}},
      {IFLA_STATS64, Bytes(reinterpret_cast<const uint8_t*>(short_stats),
                           reinterpret_cast<const uint8_t*>(short_stats) + sizeof short_stats)},
  };
  for (const auto& [type, payload] : cases) {
    const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                            .Ifinfo(2)
                            .String(IFLA_IFNAME, "eth0")
                            .Attr(type, payload.data(), payload.size())
                            .Finish();
    EXPECT_EQ(RejectionOf(bytes), ParseError::kMalformed) << "attribute " << type;
  }
}

TEST(RtnetlinkParserTest, LinkWithoutAUsableNameOrIndexIsMalformed) {
  EXPECT_EQ(RejectionOf(MessageBuilder(RTM_NEWLINK).Ifinfo(2).U32(IFLA_MTU, 1500).Finish()),
            ParseError::kMalformed);
  for (const std::string_view name :
       {std::string_view(""), std::string_view("."), std::string_view(".."),
        std::string_view("a/b"), std::string_view("a:1"), std::string_view("a b"),
        std::string_view("sixteen-bytes-xx"), std::string_view("nb\xA0sp")}) {
    EXPECT_EQ(RejectionOf(MessageBuilder(RTM_NEWLINK).Ifinfo(2).String(IFLA_IFNAME, name).Finish()),
              ParseError::kMalformed)
        << name;
  }
  for (const int32_t index : {0, -1}) {
    EXPECT_EQ(RejectionOf(LinkMessageBytes(RTM_NEWLINK, index, "eth0", IF_OPER_UP)),
              ParseError::kMalformed);
  }
}

TEST(RtnetlinkParserTest, OddButValidValuesAreAccepted) {
  const uint8_t infiniband_address[20] = {0x80, 0, 0, 0x48, 0xfe, 0x80};
  const char name_without_nul[] = {'e', 't', 'h', '9'};
  const char alias_with_tail[] = {'u', 'p', '\0', 'x', 'y'};
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(42, IFF_UP | IFF_LOWER_UP)
                          .Attr(IFLA_IFNAME, name_without_nul, sizeof name_without_nul)
                          .U8(IFLA_OPERSTATE, 99)  // a state no kernel has yet
                          .Attr(IFLA_ADDRESS, infiniband_address, sizeof infiniband_address)
                          .Attr(IFLA_IFALIAS, alias_with_tail, sizeof alias_with_tail)
                          .Attr(IFLA_BROADCAST, nullptr, 0)  // not read, any size
                          .Attr(999, "whatever", 8)          // unknown attribute: skipped
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_TRUE(result.errors.empty());
  ASSERT_EQ(result.messages.size(), 1u);
  const LinkMessage& link = result.messages[0].link;
  EXPECT_EQ(link.name, "eth9");
  EXPECT_EQ(link.ifindex, 42u);
  EXPECT_EQ(link.oper_state, std::nullopt);
  EXPECT_EQ(link.address, "80:00:00:48:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
  EXPECT_EQ(link.alias, "up");
  EXPECT_EQ(link.carrier, std::nullopt);
}

TEST(RtnetlinkParserTest, EmptyAddressAliasAndKindAreAbsent) {
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(2)
                          .String(IFLA_IFNAME, "tun0")
                          .Attr(IFLA_ADDRESS, nullptr, 0)
                          .String(IFLA_IFALIAS, "")
                          .BeginNest(IFLA_LINKINFO)
                          .String(IFLA_INFO_KIND, "")
                          .EndNest()
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0].link.address, std::nullopt);
  EXPECT_EQ(result.messages[0].link.alias, std::nullopt);
  EXPECT_EQ(result.messages[0].link.kind, std::nullopt);
}

// --- every prefix, every corruption ------------------------------------------------------------

// Boundaries of the messages of a well-formed datagram: [start, start + nlmsg_len).
std::vector<std::pair<std::size_t, std::size_t>> MessageSpans(const Bytes& bytes) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t offset = 0;
  while (offset + 16 <= bytes.size()) {
    uint32_t length;
    std::memcpy(&length, bytes.data() + offset, 4);
    spans.emplace_back(offset, offset + length);
    offset += (length + 3) & ~3u;
  }
  return spans;
}

TEST(RtnetlinkParserTest, EveryPrefixOfEveryCapturedDatagramIsRejectedOrParsedSafely) {
  std::size_t prefixes = 0;
  for (const char* file : kAllFixtures) {
    const Bytes full = ReadTestdata(file);
    ASSERT_FALSE(full.empty()) << file;
    const auto whole = ParseDatagram(full);
    ASSERT_TRUE(whole.errors.empty()) << file;
    const auto spans = MessageSpans(full);
    ASSERT_EQ(spans.size(), whole.messages.size()) << file;
    for (std::size_t length = 0; length < full.size(); ++length) {
      // A heap copy of exactly `length` bytes: AddressSanitizer traps any read past it.
      const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
      const auto result = ParseDatagram(prefix);
      std::size_t complete = 0;
      bool cut_inside_a_message = false;
      for (const auto& [start, end] : spans) {
        if (end <= length) ++complete;
        if (start < length && length < end) cut_inside_a_message = true;
      }
      ASSERT_EQ(result.messages.size(), complete) << file << " prefix " << length;
      for (std::size_t i = 0; i < complete; ++i) {
        EXPECT_EQ(result.messages[i].type, whole.messages[i].type);
        EXPECT_EQ(result.messages[i].link.name, whole.messages[i].link.name);
      }
      if (cut_inside_a_message) {
        EXPECT_THAT(result.errors, ElementsAre(ParseError::kTruncated))
            << file << " prefix " << length;
      } else {
        EXPECT_TRUE(result.errors.empty()) << file << " prefix " << length;
      }
      ++prefixes;
    }
  }
  EXPECT_GT(prefixes, 30000u);
}

TEST(RtnetlinkParserTest, EveryPrefixOfARealLinkPayloadIsRejectedOrComplete) {
  const Bytes full = ReadTestdata("ev_flap_00.bin");
  ASSERT_GT(full.size(), 16u);
  const std::span<const uint8_t> payload(full.data() + 16, full.size() - 16);
  ParseError error;
  ASSERT_TRUE(ParseLinkPayload(payload, false, &error).has_value());
  std::size_t parsed = 0;
  for (std::size_t length = 0; length < payload.size(); ++length) {
    const Bytes prefix(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(length));
    error = ParseError::kMalformed;
    const auto link = ParseLinkPayload(prefix, false, &error);
    if (link) {
      // Only a prefix that ends between attributes parses, and it keeps the link's identity.
      EXPECT_EQ(link->name, "veth0");
      EXPECT_EQ(link->ifindex, 3u);
      ++parsed;
    } else if (length == 16) {
      EXPECT_EQ(error, ParseError::kMalformed);  // a complete ifinfomsg, but no name
    } else {
      EXPECT_EQ(error, ParseError::kTruncated) << length;
    }
  }
  EXPECT_GT(parsed, 10u);
}

TEST(RtnetlinkParserTest, RandomCorruptionOfRealDatagramsNeverCrashes) {
  std::mt19937 random(20241125);  // fixed seed: a failure reproduces
  std::size_t rejected = 0;
  for (const char* file : kAllFixtures) {
    const Bytes original = ReadTestdata(file);
    for (int round = 0; round < 300; ++round) {
      Bytes bytes = original;
      const int flips = 1 + static_cast<int>(random() % 8);
      for (int i = 0; i < flips; ++i) {
        bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
      }
      if (random() % 4 == 0) bytes.resize(random() % bytes.size());
      const auto result = ParseDatagram(bytes);
      rejected += result.errors.size();
      for (const auto& message : result.messages) {
        if (message.kind != Message::Kind::kLink) continue;
        EXPECT_TRUE(IsKernelInterfaceName(message.link.name));
        EXPECT_GT(message.link.ifindex, 0u);
      }
    }
  }
  EXPECT_GT(rejected, 0u);
}

// --- a bond's port (no bonding module here: hand-built messages) --------------------------------

TEST(RtnetlinkParserTest, BondPortSlaveDataIsReadIntoTheBondSlave) {
  const auto result = ParseDatagram(BondPortMessageBytes(5, "eth1", 4));
  ASSERT_TRUE(result.errors.empty());
  ASSERT_EQ(result.messages.size(), 1u);
  const LinkMessage& link = result.messages[0].link;
  EXPECT_EQ(link.kind, "veth");
  EXPECT_EQ(link.slave_kind, "bond");
  EXPECT_EQ(link.master, 4u);
  ASSERT_TRUE(link.bond_slave.has_value());
  const BondSlave& slave = *link.bond_slave;
  EXPECT_EQ(slave.active, true);
  EXPECT_EQ(slave.mii_status, kBondLinkUp);
  EXPECT_EQ(slave.link_failure_count, 3u);
  EXPECT_EQ(slave.queue_id, 2u);
  EXPECT_EQ(slave.ad_aggregator_id, 1u);
  EXPECT_EQ(slave.ad_actor_port_state, 61u);
  EXPECT_EQ(slave.ad_partner_port_state, 63u);

  const auto backup = ParseDatagram(BondPortMessageBytes(6, "eth2", 4, /*backup=*/true, 2));
  ASSERT_EQ(backup.messages.size(), 1u);
  ASSERT_TRUE(backup.messages[0].link.bond_slave.has_value());
  EXPECT_EQ(backup.messages[0].link.bond_slave->active, false);
  EXPECT_EQ(backup.messages[0].link.bond_slave->mii_status, 2u);  // BOND_LINK_DOWN
}

TEST(RtnetlinkParserTest, BondSlaveDataOutside8023adHasNoLacpFields) {
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(5)
                          .String(IFLA_IFNAME, "eth1")
                          .BeginNest(IFLA_LINKINFO)
                          .String(IFLA_INFO_SLAVE_KIND, "bond")
                          .BeginNest(IFLA_INFO_SLAVE_DATA)
                          .U8(IFLA_BOND_SLAVE_STATE, 7)  // no state the kernel has
                          .U32(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 0)
                          .U16(99, 5)  // an attribute of a later kernel: skipped
                          .EndNest()
                          .EndNest()
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  ASSERT_TRUE(result.messages[0].link.bond_slave.has_value());
  EXPECT_EQ(*result.messages[0].link.bond_slave, BondSlave{.link_failure_count = 0});
}

TEST(RtnetlinkParserTest, BondSlaveKindWithoutDataIsABondPortWithNothingKnown) {
  const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                          .Ifinfo(5)
                          .String(IFLA_IFNAME, "eth1")
                          .BeginNest(IFLA_LINKINFO)
                          .String(IFLA_INFO_SLAVE_KIND, "bond")
                          .EndNest()
                          .Finish();
  const auto result = ParseDatagram(bytes);
  ASSERT_EQ(result.messages.size(), 1u);
  EXPECT_EQ(result.messages[0].link.bond_slave, BondSlave{});
}

TEST(RtnetlinkParserTest, BondSlaveAttributesOfTheWrongSizeRejectTheMessage) {
  const std::vector<std::pair<uint16_t, Bytes>> cases = {
      {IFLA_BOND_SLAVE_STATE, Bytes{0, 0}},
      {IFLA_BOND_SLAVE_MII_STATUS, Bytes{}},
      {IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, Bytes{1, 0}},
      {IFLA_BOND_SLAVE_QUEUE_ID, Bytes{1}},
      {IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, Bytes{1, 0, 0, 0}},
      {IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, Bytes{61, 0}},
      {IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, Bytes{63}},
      {IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE, Bytes{0, 1}},  // 256: not an LACP state
  };
  for (const auto& [type, payload] : cases) {
    const Bytes bytes = MessageBuilder(RTM_NEWLINK)
                            .Ifinfo(5)
                            .String(IFLA_IFNAME, "eth1")
                            .BeginNest(IFLA_LINKINFO)
                            .String(IFLA_INFO_SLAVE_KIND, "bond")
                            .BeginNest(IFLA_INFO_SLAVE_DATA)
                            .Attr(type, payload.data(), payload.size())
                            .EndNest()
                            .EndNest()
                            .Finish();
    EXPECT_EQ(RejectionOf(bytes), ParseError::kMalformed) << "slave attribute " << type;
  }
  // A bridge port's slave data is not read, so the same bytes there are no error.
  const Bytes bridge_port = MessageBuilder(RTM_NEWLINK)
                                .Ifinfo(5)
                                .String(IFLA_IFNAME, "eth1")
                                .BeginNest(IFLA_LINKINFO)
                                .String(IFLA_INFO_SLAVE_KIND, "bridge")
                                .BeginNest(IFLA_INFO_SLAVE_DATA)
                                .Attr(IFLA_BOND_SLAVE_STATE, "\0\0", 2)
                                .EndNest()
                                .EndNest()
                                .Finish();
  EXPECT_EQ(ParseDatagram(bridge_port).messages.size(), 1u);
}

TEST(RtnetlinkParserTest, EveryPrefixOfBondSlaveDataIsRejectedOrParsedSafely) {
  const Bytes message = BondPortMessageBytes(5, "eth1", 4);
  const auto payload = std::span<const uint8_t>(message).subspan(16);
  ParseError whole_error = ParseError::kMalformed;
  const auto whole = ParseLinkPayload(payload, false, &whole_error);
  ASSERT_TRUE(whole.has_value());
  ASSERT_TRUE(whole->bond_slave.has_value());
  // IFLA_LINKINFO is the message's last attribute: cut anywhere inside it, the nest overruns what
  // is left and the message is truncated; cut before it, the link has no bond port data at all.
  std::size_t rejected = 0;
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    const std::vector<uint8_t> prefix(payload.begin(), payload.begin() + cut);
    ParseError error = ParseError::kMalformed;
    const auto link = ParseLinkPayload(prefix, false, &error);
    if (link) {
      EXPECT_FALSE(link->bond_slave.has_value()) << cut;
    } else {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0u);
  // Every slave-data prefix on its own, through the exposed parser: an attribute cut short is
  // truncated; one whole (its padding may be cut) is read with the value it had.
  const Bytes data = MessageBuilder(0)
                         .U8(IFLA_BOND_SLAVE_STATE, 1)
                         .U8(IFLA_BOND_SLAVE_MII_STATUS, 0)
                         .U32(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 9)
                         .Finish();
  const auto attributes = std::span<const uint8_t>(data).subspan(16);
  std::size_t truncated = 0;
  for (std::size_t cut = 0; cut <= attributes.size(); ++cut) {
    const std::vector<uint8_t> prefix(attributes.begin(), attributes.begin() + cut);
    ParseError error = ParseError::kMalformed;
    const auto slave = ParseBondSlaveData(prefix, &error);
    if (!slave) {
      EXPECT_EQ(error, ParseError::kTruncated) << cut;
      ++truncated;
      continue;
    }
    EXPECT_NE(slave->active, true) << cut;
    EXPECT_NE(slave->mii_status, std::optional<uint8_t>(1)) << cut;
    EXPECT_NE(slave->link_failure_count, std::optional<uint32_t>(0)) << cut;
    if (cut == attributes.size()) {
      EXPECT_EQ(*slave, (BondSlave{.active = false, .mii_status = 0, .link_failure_count = 9}));
    }
    EXPECT_EQ(slave->link_failure_count.has_value(), cut == attributes.size()) << cut;
  }
  EXPECT_GT(truncated, 0u);
}

TEST(RtnetlinkParserTest, BondPortFuzzSeedIsTheBuildersMessage) {
  // testdata/bond_port_00.bin seeds the fuzzer with slave data; it must stay what the builder
  // makes (and so what the tests above parse).
  EXPECT_EQ(ReadTestdata("bond_port_00.bin"), BondPortMessageBytes(5, "eth1", 4));
}

// --- conversion to the interface model ---------------------------------------------------------

TEST(RtnetlinkParserTest, ToInterfaceRecordFillsTheOneModelWithoutCounters) {
  const auto links = LinksByIndex({"dump_00.bin", "dump_01.bin"});
  const InterfaceRecord veth0 = ToInterfaceRecord(links.at(3));
  EXPECT_EQ(veth0.key, (InterfaceKey{std::string(kLocalSource), "veth0"}));
  EXPECT_EQ(veth0.labels, LocalDeviceLabels("veth0"));
  EXPECT_EQ(veth0.name, "veth0");
  const LinkAttributes& a = veth0.attributes;
  EXPECT_EQ(a.ifindex, 3u);
  EXPECT_EQ(a.iflink, 2u);
  EXPECT_EQ(a.mtu, 1500u);
  EXPECT_EQ(a.type, 1u);
  EXPECT_EQ(a.oper_state, OperState::kUp);
  EXPECT_EQ(a.admin_up, true);
  EXPECT_EQ(a.carrier, true);
  EXPECT_EQ(a.carrier_changes, 2u);
  EXPECT_EQ(a.carrier_up_count, 1u);
  EXPECT_EQ(a.carrier_down_count, 1u);
  EXPECT_EQ(a.address, "76:57:a1:21:98:05");
  EXPECT_EQ(a.alias, "uplink \"core\" 1");
  EXPECT_EQ(a.kind, "veth");
  EXPECT_EQ(a.speed_bps, std::nullopt);  // sysfs owns speed, duplex and virtual
  EXPECT_EQ(a.is_virtual, std::nullopt);
  EXPECT_TRUE(veth0.counters.Empty()) << "procfs owns counters";

  const InterfaceRecord lo = ToInterfaceRecord(links.at(1));
  EXPECT_EQ(lo.attributes.iflink, 1u);  // no IFLA_LINK: its own index, as sysfs says
  EXPECT_EQ(lo.attributes.admin_up, false);
  EXPECT_EQ(ToInterfaceRecord(links.at(6)).attributes.master_ifindex, 4u);
  EXPECT_EQ(a.tx_queue_len, 1000u);
  EXPECT_EQ(a.link_mode, 0u);
  EXPECT_EQ(a.group, 0u);
  EXPECT_EQ(a.broadcast, "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(a.master, std::nullopt) << "the name is LinkStateSync's to fill in";
  EXPECT_EQ(a.flags, std::nullopt) << "sysfs owns the flags";
  EXPECT_EQ(a.dormant, std::nullopt);
  EXPECT_EQ(a.bond_slave, std::nullopt);
}

TEST(RtnetlinkParserTest, ToInterfaceRecordCarriesTheBondPortAndNoMasterForIndexZero) {
  const auto result = ParseDatagram(BondPortMessageBytes(5, "eth1", 4));
  ASSERT_EQ(result.messages.size(), 1u);
  const InterfaceRecord record = ToInterfaceRecord(result.messages[0].link);
  EXPECT_EQ(record.attributes.master_ifindex, 4u);
  EXPECT_EQ(record.attributes.bond_slave, result.messages[0].link.bond_slave);
  LinkMessage link;
  link.name = "eth1";
  link.ifindex = 5;
  link.master = 0;  // no master, as an absent IFLA_MASTER
  EXPECT_EQ(ToInterfaceRecord(link).attributes.master_ifindex, std::nullopt);
}

TEST(RtnetlinkParserTest, CarrierFallsBackToLowerUpOnlyWhileUp) {
  LinkMessage link;
  link.name = "eth0";
  link.ifindex = 2;
  link.flags = IFF_UP | IFF_LOWER_UP;
  EXPECT_EQ(ToInterfaceRecord(link).attributes.carrier, true);
  link.flags = IFF_UP;
  EXPECT_EQ(ToInterfaceRecord(link).attributes.carrier, false);
  link.flags = 0;
  EXPECT_EQ(ToInterfaceRecord(link).attributes.carrier, std::nullopt);
  link.carrier = true;
  EXPECT_EQ(ToInterfaceRecord(link).attributes.carrier, true);
}

TEST(RtnetlinkParserTest, ParseErrorReasonsAreTheMetricLabels) {
  EXPECT_EQ(ParseErrorReason(ParseError::kTruncated), "truncated");
  EXPECT_EQ(ParseErrorReason(ParseError::kMalformed), "malformed");
}

}  // namespace
}  // namespace netif::rtnl
