// LinkStatsReader against a scripted kernel (no privileges): names from the first RTM_GETLINK
// dump and from events, counters from RTM_GETSTATS, interrupted and refused dumps, lost events,
// bounds. The real kernel socket is read once at the end (read-only, this namespace); the kernel
// end to end is tests/integration/link_stats_test.cc.
#include "collectors/netlink/link_stats_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "collectors/netlink/rtnetlink_test_util.h"
#include "collectors/netlink/scripted_kernel_test_util.h"
#include "collectors/procfs/net_dev_parser.h"

namespace netif {
namespace {

using namespace std::chrono_literals;
using rtnl::testing::Bytes;
using rtnl::testing::Concat;
using rtnl::testing::LinkMessageBytes;
using rtnl::testing::MessageBuilder;
using rtnl::testing::StatsMessageBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using rtnl::testing::kPortId;
using rtnl::testing::ScriptedKernel;
using rtnl::testing::ScriptedSocket;

class LinkStatsReaderTest : public ::testing::Test {
 protected:
  LinkStatsReaderTest() {
    kernel_.SetLink(1, "lo", 100);
    kernel_.SetLink(2, "eth0", 200);
    kernel_.SetLink(3, "eth1", 300);
  }

  LinkStatsReader MakeReader(LinkStatsReader::Options options = {}) {
    return LinkStatsReader(options, [this](Status* status) -> std::unique_ptr<RtnetlinkSocket> {
      ++opened_;
      if (refuse_open_) {
        *status = Status::Error("socket(AF_NETLINK, NETLINK_ROUTE): Permission denied");
        return nullptr;
      }
      return std::make_unique<ScriptedSocket>(kernel_);
    });
  }

  // name -> rx_packets of one read; fails the test on a read error.
  std::map<std::string, uint64_t> ReadOk(LinkStatsReader& reader) {
    std::vector<LinkStatsReader::LinkCounters> links;
    const Status status = reader.Read(links, errors_);
    EXPECT_TRUE(status.ok()) << status.message();
    std::map<std::string, uint64_t> out;
    for (const auto& link : links) out[link.name] = link.stats.rx_packets;
    return out;
  }

  ScriptedKernel kernel_;
  std::vector<rtnl::ParseError> errors_;
  int opened_ = 0;
  bool refuse_open_ = false;
};

using Counts = std::map<std::string, uint64_t>;

TEST_F(LinkStatsReaderTest, FirstReadNamesTheLinksOnceThenOnlyStatsAreDumped) {
  auto reader = MakeReader();
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.link_dumps, 1);
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.link_dumps, 1) << "names come from events after the first dump";
  EXPECT_EQ(kernel_.stats_dumps, 3);
  EXPECT_EQ(reader.name_dumps(), 1u);
  EXPECT_EQ(opened_, 1);
  EXPECT_TRUE(errors_.empty());
}

TEST_F(LinkStatsReaderTest, EveryFieldOfTheStructIsReadIncludingTheAppendedOnes) {
  auto reader = MakeReader();
  std::vector<LinkStatsReader::LinkCounters> links;
  ASSERT_TRUE(reader.Read(links, errors_).ok());
  ASSERT_EQ(links.size(), 3u);
  // The fake lists lo and eth1 in its first datagram, eth0 in the second: the dump's order.
  ASSERT_EQ(links[2].name, "eth0");
  const rtnl::LinkStats64& s = links[2].stats;  // base 200: field i = 200 + i
  EXPECT_EQ(s.rx_packets, 200u);
  EXPECT_EQ(s.rx_bytes, 202u);
  EXPECT_EQ(s.rx_length_errors, 210u);
  EXPECT_EQ(s.rx_over_errors, 211u);
  EXPECT_EQ(s.rx_crc_errors, 212u);
  EXPECT_EQ(s.rx_missed_errors, 215u);
  EXPECT_EQ(s.tx_aborted_errors, 216u);
  EXPECT_EQ(s.tx_heartbeat_errors, 219u);
  EXPECT_EQ(s.tx_window_errors, 220u);
  EXPECT_EQ(s.tx_compressed, 222u);
  EXPECT_EQ(s.rx_nohandler, 223u);
  EXPECT_EQ(s.rx_otherhost_dropped, 224u);
}

TEST_F(LinkStatsReaderTest, AnOlderKernelsShorterStructLeavesTheLaterFieldsAbsent) {
  kernel_.stats_fields = 23;  // before Linux 4.6: no rx_nohandler
  auto reader = MakeReader();
  std::vector<LinkStatsReader::LinkCounters> links;
  ASSERT_TRUE(reader.Read(links, errors_).ok());
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].stats.tx_compressed, 122u);
  EXPECT_EQ(links[0].stats.rx_nohandler, std::nullopt);
  EXPECT_EQ(links[0].stats.rx_otherhost_dropped, std::nullopt);
  kernel_.stats_fields = 24;  // 4.6 .. 5.18
  links.clear();
  ASSERT_TRUE(reader.Read(links, errors_).ok());
  EXPECT_EQ(links[0].stats.rx_nohandler, 123u);
  EXPECT_EQ(links[0].stats.rx_otherhost_dropped, std::nullopt);
}

TEST_F(LinkStatsReaderTest, RenamesAndDeletionsArriveAsEventsWithoutANewNameDump) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.SetLink(2, "wan0", 200);
  kernel_.Event(RTM_NEWLINK, 2, "wan0");
  kernel_.DeleteLink(3);
  kernel_.Event(RTM_DELLINK, 3, "eth1");
  kernel_.SetLink(4, "veth9", 400);
  kernel_.Event(RTM_NEWLINK, 4, "veth9");
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"wan0", 200}, {"veth9", 400}}));
  EXPECT_EQ(kernel_.link_dumps, 1);
}

TEST_F(LinkStatsReaderTest, ARenameDuringTheDumpNamesTheCountersAsTheLinkIsAtItsEnd) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.between_stats_datagrams = [this] {
    kernel_.SetLink(2, "wan0", 200);
    kernel_.Event(RTM_NEWLINK, 2, "wan0");  // among the replies, as the kernel queues it
  };
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"wan0", 200}, {"eth1", 300}}));
}

TEST_F(LinkStatsReaderTest, BridgePortMessagesNeitherRenameNorDelete) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.Event(RTM_DELLINK, 2, "eth0", AF_BRIDGE);  // "left the bridge"
  kernel_.Event(RTM_NEWLINK, 3, "other", AF_BRIDGE);
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
}

TEST_F(LinkStatsReaderTest, LostEventsRebuildTheNamesFromADump) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.SetLink(2, "wan0", 200);  // its event was lost in the overflow
  kernel_.Push(RtnetlinkSocket::ReceiveStatus::kOverflow);
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"wan0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.link_dumps, 2);

  kernel_.SetLink(2, "eth0", 200);
  kernel_.Push(RtnetlinkSocket::ReceiveStatus::kTruncated);  // a datagram cut: same
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.link_dumps, 3);

  kernel_.SetLink(2, "wan0", 200);
  kernel_.Push(RtnetlinkSocket::ReceiveStatus::kData, MessageBuilder(NLMSG_OVERRUN).Finish());
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"wan0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.link_dumps, 4);
}

TEST_F(LinkStatsReaderTest, ALinkWithoutAKnownNameTriggersOneNameDump) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.SetLink(9, "new0", 900);  // no event (a test cannot lose one more plainly)
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}, {"new0", 900}}));
  EXPECT_EQ(kernel_.link_dumps, 2);
}

TEST_F(LinkStatsReaderTest, AnInterruptedStatsDumpIsRetakenOnce) {
  auto reader = MakeReader();
  kernel_.interrupt_stats_dumps = 1;
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(kernel_.stats_dumps, 2);
}

TEST_F(LinkStatsReaderTest, InterruptedTwiceFailsAsInterruptedAndKeepsTheSocket) {
  auto reader = MakeReader();
  kernel_.interrupt_stats_dumps = 2;
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("interrupted twice"));
  EXPECT_TRUE(reader.interrupted());
  EXPECT_TRUE(links.empty());
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_FALSE(reader.interrupted());
  EXPECT_EQ(opened_, 1) << "the dump was read to its end: the socket is fine";
  EXPECT_EQ(kernel_.link_dumps, 1);
}

TEST_F(LinkStatsReaderTest, AnyOtherFailureStartsTheNextReadOnANewSocket) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.Push(RtnetlinkSocket::ReceiveStatus::kError);
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(reader.interrupted());
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_EQ(opened_, 2);
  EXPECT_EQ(kernel_.link_dumps, 2) << "a new socket starts with new names";
}

TEST_F(LinkStatsReaderTest, ARefusedDumpFailsWithTheKernelsReason) {
  auto reader = MakeReader();
  kernel_.refuse_stats_errno = EOPNOTSUPP;  // a kernel before 4.7 has no RTM_GETSTATS
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("RTM_GETSTATS"));
  EXPECT_THAT(status.message(), HasSubstr(std::strerror(EOPNOTSUPP)));
}

TEST_F(LinkStatsReaderTest, ASocketThatCannotBeOpenedFailsTheRead) {
  refuse_open_ = true;
  auto reader = MakeReader();
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("Permission denied"));
  refuse_open_ = false;
  EXPECT_EQ(ReadOk(reader).size(), 3u);
}

TEST_F(LinkStatsReaderTest, ADumpThatNeverEndsFailsAtTheTimeout) {
  LinkStatsReader::Options options;
  options.timeout = 50ms;
  auto reader = MakeReader(options);
  ReadOk(reader);
  kernel_.withhold_done = true;
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("did not finish within 50 ms"));
  EXPECT_TRUE(links.empty());
}

TEST_F(LinkStatsReaderTest, ADumpOverItsByteCapFails) {
  LinkStatsReader::Options options;
  options.max_bytes = 400;  // the names dump fits, two stats replies do not
  auto reader = MakeReader(options);
  std::vector<LinkStatsReader::LinkCounters> links;
  const Status status = reader.Read(links, errors_);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("larger than 400 bytes"));
}

TEST_F(LinkStatsReaderTest, MalformedRepliesAreSkippedAndReturnedTheRestIsRead) {
  auto reader = MakeReader();
  ReadOk(reader);
  kernel_.between_stats_datagrams = [this] {
    // A reply of this dump (seq 3: names 1, stats 2, this 3) whose struct is too short, and one
    // with ifindex 0.
    const uint64_t short_struct[10] = {};
    kernel_.Push(RtnetlinkSocket::ReceiveStatus::kData,
                 Concat({MessageBuilder(RTM_NEWSTATS, NLM_F_MULTI, 3, kPortId)
                             .IfStats(2)
                             .Attr(IFLA_STATS_LINK_64, short_struct, sizeof short_struct)
                             .Finish(),
                         StatsMessageBytes(0, 5, 25, 3, NLM_F_MULTI, kPortId)}));
  };
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
  EXPECT_THAT(errors_, ElementsAre(rtnl::ParseError::kMalformed, rtnl::ParseError::kMalformed));
}

TEST_F(LinkStatsReaderTest, RepliesOfAnEarlierDumpAreNotTakenForThisOnes) {
  auto reader = MakeReader();
  ReadOk(reader);
  // Among this dump's replies (seq 3): one of an earlier request of ours (seq 1), and a reply
  // and a DONE of another process's dump that happen to carry the same sequence number.
  kernel_.between_stats_datagrams = [this] {
    kernel_.Push(RtnetlinkSocket::ReceiveStatus::kData,
                 Concat({StatsMessageBytes(2, 999, 25, 1, NLM_F_MULTI, kPortId),
                         StatsMessageBytes(3, 999, 25, 3, NLM_F_MULTI, kPortId + 1),
                         MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 3, kPortId + 1).I32(0).Finish()}));
  };
  EXPECT_EQ(ReadOk(reader), (Counts{{"lo", 100}, {"eth0", 200}, {"eth1", 300}}));
}

// The real kernel, read-only, in this test's own network namespace: the same links as
// /proc/net/dev, and counters that never run ahead of a /proc/net/dev read taken after.
TEST(LinkStatsReaderKernelTest, ListsTheLinksOfProcNetDevWithCountersItDoesNotOvertake) {
  LinkStatsReader reader({});
  std::vector<LinkStatsReader::LinkCounters> links;
  std::vector<rtnl::ParseError> errors;
  const Status status = reader.Read(links, errors);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(errors.empty());
  std::ifstream in("/proc/net/dev");
  std::stringstream text;
  text << in.rdbuf();
  const NetDevParseResult procfs = ParseNetDev(text.str());
  std::set<std::string> procfs_names;
  for (const auto& record : procfs.records) procfs_names.insert(record.name);
  std::set<std::string> netlink_names;
  for (const auto& link : links) {
    netlink_names.insert(link.name);
    for (const auto& record : procfs.records) {
      if (record.name != link.name) continue;
      const CounterSet ours = rtnl::ProcNetDevCounters(link.stats);
      for (std::size_t i = 0; i < kProcNetDevCounterCount; ++i) {
        const auto counter = static_cast<Counter>(i);
        EXPECT_LE(*ours.Get(counter), *record.counters.Get(counter)) << link.name << " " << i;
      }
    }
  }
  EXPECT_EQ(netlink_names, procfs_names);
  EXPECT_TRUE(netlink_names.contains("lo"));
}

}  // namespace
}  // namespace netif
