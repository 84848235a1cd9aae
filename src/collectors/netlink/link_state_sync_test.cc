#include "collectors/netlink/link_state_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "collectors/netlink/rtnetlink_test_util.h"
#include "store/store.h"

namespace netif {
namespace {

using rtnl::testing::BondPortMessageBytes;
using rtnl::testing::Bytes;
using rtnl::testing::Concat;
using rtnl::testing::LinkMessageBytes;
using rtnl::testing::MessageBuilder;
using rtnl::testing::ReadTestdata;
using ::testing::ElementsAre;

constexpr uint8_t kOperDown = 2;
constexpr uint8_t kOperUp = 6;

// An RTM_NEWLINK of a port of `master` (an ifindex), as a dump reply when `seq` and `pid` are
// the dump's.
Bytes PortMessageBytes(int32_t index, std::string_view name, uint32_t master, uint32_t seq = 0,
                       uint16_t nlmsg_flags = 0, uint32_t pid = 0) {
  return MessageBuilder(RTM_NEWLINK, nlmsg_flags, seq, pid)
      .Ifinfo(index, IFF_UP)
      .String(IFLA_IFNAME, name)
      .U8(IFLA_OPERSTATE, kOperUp)
      .U32(IFLA_MASTER, master)
      .Finish();
}

class LinkStateSyncTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(DeviceFilter()); }

  void Make(DeviceFilter filter) {
    sync_ = std::make_unique<LinkStateSync>(std::move(filter), store_, metrics_);
  }

  // Each call is one second after the previous one: events and dumps are ordered in time.
  SampleTime Tick() {
    now_ += 1;
    return {now_, 1.7e9 + now_};
  }

  void Feed(const Bytes& bytes) {
    ASSERT_EQ(sync_->OnDatagram(bytes, Tick()), LinkStateSync::Outcome::kOk);
  }
  void Feed(const char* file) {
    const Bytes bytes = ReadTestdata(file);
    ASSERT_FALSE(bytes.empty()) << file;
    Feed(bytes);
  }

  // The captured dump answered the capture tool's request: sequence 1 from its port id, which
  // the dump replies carry.
  uint32_t DumpPortId() {
    const auto parsed = rtnl::ParseDatagram(ReadTestdata("dump_02.bin"));
    return parsed.messages.at(0).pid;
  }
  void FeedCapturedDump() {
    ASSERT_TRUE(sync_->WantsDump());
    sync_->DumpRequested(1, DumpPortId(), Tick());
    for (const char* file : {"dump_00.bin", "dump_01.bin", "dump_02.bin"}) Feed(file);
    ASSERT_FALSE(sync_->dump_in_progress());
  }

  // Single-threaded: the store keeps the current snapshot (and so the view) alive.
  const InterfaceView* Find(std::string_view name) const {
    const auto snapshot = store_.Current();
    for (const auto& view : snapshot->interfaces) {
      if (view->record.name == name) return view.get();
    }
    return nullptr;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    const auto snapshot = store_.Current();
    for (const auto& view : snapshot->interfaces) names.push_back(view->record.name);
    return names;
  }
  double Errors(const std::string& reason) {
    return metrics_.Counter("netif_netlink_errors_total", {{"reason", reason}}).Value();
  }
  double Events() { return metrics_.Counter("netif_netlink_events_total").Value(); }
  double Resyncs() { return metrics_.Counter("netif_netlink_resyncs_total").Value(); }

  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics metrics_;
  std::unique_ptr<LinkStateSync> sync_;
  double now_ = 100;
};

TEST_F(LinkStateSyncTest, CapturedDumpFillsTheStoreWithLinkState) {
  FeedCapturedDump();
  EXPECT_THAT(Names(),
              ElementsAre("br0", "lo", "mv0", "t0", "veth0", "veth0p", "veth1", "veth1p", "vx0"));
  const InterfaceView* veth0 = Find("veth0");
  ASSERT_NE(veth0, nullptr);
  const LinkAttributes& a = veth0->record.attributes;
  EXPECT_EQ(a.oper_state, OperState::kUp);
  EXPECT_EQ(a.admin_up, true);
  EXPECT_EQ(a.carrier, true);
  EXPECT_EQ(a.kind, "veth");
  EXPECT_EQ(a.ifindex, 3u);
  EXPECT_EQ(veth0->record.labels, LocalDeviceLabels("veth0"));
  EXPECT_TRUE(veth0->record.counters.Empty());
  // The first sight of a link is a baseline, not a transition.
  EXPECT_EQ(veth0->link.transitions_up + veth0->link.transitions_down, 0u);
  EXPECT_EQ(Events(), 9);
  EXPECT_EQ(Resyncs(), 1);
  EXPECT_EQ(sync_->complete_dumps(), 1u);
  EXPECT_FALSE(sync_->WantsDump());
}

TEST_F(LinkStateSyncTest, CapturedFlapCountsOneTransitionEachWay) {
  FeedCapturedDump();
  for (const char* file :
       {"ev_flap_00.bin", "ev_flap_01.bin", "ev_flap_02.bin", "ev_flap_03.bin", "ev_flap_04.bin"}) {
    Feed(file);
  }
  for (const char* device : {"veth0", "veth0p"}) {
    const InterfaceView* view = Find(device);
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(view->link.transitions_down, 1u) << device;
    EXPECT_EQ(view->link.transitions_up, 1u) << device;
    EXPECT_EQ(view->record.attributes.oper_state, OperState::kUp);
    EXPECT_TRUE(view->link.last_change_unix_seconds.has_value());
  }
  EXPECT_EQ(Find("veth0")->record.attributes.carrier_changes, 4u);
}

TEST_F(LinkStateSyncTest, TheObserverSeesEachNewLinkOfAnExportedLinkBeforeTheStore) {
  std::vector<std::string> observed;
  sync_ = std::make_unique<LinkStateSync>(
      DeviceFilter("", "veth1.*"), store_, metrics_, [&](const InterfaceRecord& record) {
        // Called before the store applies the event: the store does not know the new state yet.
        const InterfaceView* view = Find(record.name);
        observed.push_back(record.name + (view && view->record.attributes.oper_state ==
                                                      record.attributes.oper_state
                                              ? " applied"
                                              : " pending"));
      });
  FeedCapturedDump();
  EXPECT_THAT(observed, ElementsAre("lo pending", "veth0p pending", "veth0 pending", "br0 pending",
                                    "mv0 pending", "vx0 pending", "t0 pending"));
  observed.clear();
  Feed(LinkMessageBytes(RTM_NEWLINK, 3, "veth0", kOperDown, IFF_BROADCAST));
  Feed(LinkMessageBytes(RTM_NEWLINK, 4, "veth1", kOperDown, IFF_BROADCAST));  // filtered out
  Feed(LinkMessageBytes(RTM_DELLINK, 3, "veth0", kOperDown, IFF_BROADCAST));  // not a NEWLINK
  EXPECT_THAT(observed, ElementsAre("veth0 pending"));
}

TEST_F(LinkStateSyncTest, EveryFlapInOneDatagramIsCounted) {
  FeedCapturedDump();
  std::vector<Bytes> messages;
  for (int i = 0; i < 50; ++i) {
    messages.push_back(LinkMessageBytes(RTM_NEWLINK, 3, "veth0", kOperDown, IFF_BROADCAST));
    messages.push_back(LinkMessageBytes(RTM_NEWLINK, 3, "veth0", kOperUp));
  }
  Bytes datagram;
  for (const auto& message : messages)
    datagram.insert(datagram.end(), message.begin(), message.end());
  Feed(datagram);
  EXPECT_EQ(Find("veth0")->link.transitions_down, 50u);
  EXPECT_EQ(Find("veth0")->link.transitions_up, 50u);
  EXPECT_EQ(Events(), 9 + 100);
}

TEST_F(LinkStateSyncTest, CapturedCreateRenameBridgeAndDeleteFollowTheKernel) {
  FeedCapturedDump();
  Feed("ev_create_00.bin");
  Feed("ev_create_01.bin");
  ASSERT_NE(Find("veth2"), nullptr);
  ASSERT_NE(Find("veth2p"), nullptr);

  Feed("ev_rename_00.bin");
  EXPECT_EQ(Find("veth2"), nullptr);
  ASSERT_NE(Find("wan0"), nullptr);
  EXPECT_EQ(Find("wan0")->record.attributes.ifindex, 11u);
  EXPECT_EQ(Find("wan0")->record.labels, LocalDeviceLabels("wan0"));

  for (const char* file :
       {"ev_bridge_00.bin", "ev_bridge_01.bin", "ev_bridge_02.bin", "ev_bridge_03.bin",
        "ev_bridge_04.bin", "ev_bridge_05.bin", "ev_bridge_06.bin"}) {
    Feed(file);
  }
  // ev_bridge_05 is an AF_BRIDGE RTM_DELLINK: veth2p left the bridge, it still exists.
  ASSERT_NE(Find("veth2p"), nullptr);

  Feed("ev_delete_00.bin");
  Feed("ev_delete_01.bin");
  EXPECT_EQ(Find("wan0"), nullptr);
  EXPECT_EQ(Find("veth2p"), nullptr);
  EXPECT_EQ(Names().size(), 9u);
}

TEST_F(LinkStateSyncTest, DumpRemovesWhatItDidNotListButKeepsWhatAppearedMeanwhile) {
  InterfaceRecord ghost;
  ghost.key = {std::string(kLocalSource), "ghost0"};
  ghost.name = "ghost0";
  ghost.attributes.ifindex = 77;
  store_.ApplySample(kLocalSource, {ghost}, Tick());

  sync_->DumpRequested(1, DumpPortId(), Tick());
  Feed("dump_00.bin");
  Feed(LinkMessageBytes(RTM_NEWLINK, 50, "late0", kOperUp));  // an event during the dump
  Feed("dump_01.bin");
  Feed("dump_02.bin");
  EXPECT_EQ(Find("ghost0"), nullptr);
  EXPECT_NE(Find("late0"), nullptr);
  EXPECT_EQ(Names().size(), 10u);
}

TEST_F(LinkStateSyncTest, LinkDeletedDuringTheDumpIsNotBroughtBack) {
  sync_->DumpRequested(1, DumpPortId(), Tick());
  Feed("dump_00.bin");
  Feed(LinkMessageBytes(RTM_DELLINK, 2, "veth0p", kOperDown));  // listed, then deleted
  Feed("dump_01.bin");
  Feed("dump_02.bin");
  EXPECT_EQ(Find("veth0p"), nullptr);
  EXPECT_EQ(Names().size(), 8u);
}

TEST_F(LinkStateSyncTest, InterruptedDumpIsRetakenWithoutRemovingAnything) {
  InterfaceRecord ghost;
  ghost.key = {std::string(kLocalSource), "ghost0"};
  ghost.name = "ghost0";
  store_.ApplySample(kLocalSource, {ghost}, Tick());
  sync_->DumpRequested(9, 4242, Tick());
  Feed(LinkMessageBytes(RTM_NEWLINK, 2, "eth0", kOperUp, 0x1003, 9, NLM_F_MULTI, 4242));
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_INTR, 9, 4242).I32(0).Finish());
  EXPECT_FALSE(sync_->dump_in_progress());
  EXPECT_TRUE(sync_->WantsDump());
  EXPECT_NE(Find("ghost0"), nullptr) << "an interrupted listing may have skipped it";
  EXPECT_NE(Find("eth0"), nullptr);
  EXPECT_EQ(sync_->complete_dumps(), 0u);
}

TEST_F(LinkStateSyncTest, LostEventsAskForADumpAndCountTheirReason) {
  FeedCapturedDump();
  sync_->OnLostEvents("enobufs");
  EXPECT_TRUE(sync_->WantsDump());
  EXPECT_EQ(Errors("enobufs"), 1);
  // Lost again while the resync runs: one more dump after it.
  sync_->DumpRequested(2, 99, Tick());
  sync_->OnLostEvents("truncated");
  EXPECT_FALSE(sync_->WantsDump()) << "one dump at a time";
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 2, 99).I32(0).Finish());
  EXPECT_TRUE(sync_->WantsDump());
  EXPECT_EQ(Errors("truncated"), 1);
  EXPECT_EQ(Resyncs(), 2);
  Feed(MessageBuilder(NLMSG_OVERRUN).Finish());
  EXPECT_EQ(Errors("enobufs"), 2);
}

TEST_F(LinkStateSyncTest, RefusedDumpFailsTheSocketButAnAckDoesNot) {
  sync_->DumpRequested(5, 77, Tick());
  EXPECT_EQ(sync_->OnDatagram(MessageBuilder(NLMSG_ERROR, 0, 5, 77).I32(0).Finish(), Tick()),
            LinkStateSync::Outcome::kOk);
  EXPECT_EQ(sync_->OnDatagram(MessageBuilder(NLMSG_ERROR, 0, 5, 78).I32(-EBUSY).Finish(), Tick()),
            LinkStateSync::Outcome::kOk)
      << "another port's error is not about our dump";
  EXPECT_EQ(sync_->OnDatagram(MessageBuilder(NLMSG_ERROR, 0, 5, 77).I32(-EBUSY).Finish(), Tick()),
            LinkStateSync::Outcome::kDumpFailed);
  EXPECT_TRUE(sync_->WantsDump());
}

TEST_F(LinkStateSyncTest, AnotherRequestersMessagesDoNotEndOurDump) {
  sync_->DumpRequested(5, 77, Tick());
  // `ip link set` makes the kernel send events stamped with ip's own port id and sequence.
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 5, 1234).I32(0).Finish());
  EXPECT_TRUE(sync_->dump_in_progress());
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 6, 77).I32(0).Finish());
  EXPECT_TRUE(sync_->dump_in_progress());
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 5, 77).I32(0).Finish());
  EXPECT_FALSE(sync_->dump_in_progress());
}

TEST_F(LinkStateSyncTest, ParseErrorsAreCountedAndTheRestIsApplied) {
  Bytes bad = LinkMessageBytes(RTM_NEWLINK, 2, "bad0", kOperUp);
  const uint16_t rta_len = 2;
  std::memcpy(bad.data() + 32, &rta_len, 2);
  Feed(Concat({bad, LinkMessageBytes(RTM_NEWLINK, 3, "good0", kOperUp)}));
  EXPECT_EQ(Errors("malformed"), 1);
  EXPECT_EQ(Find("bad0"), nullptr);
  EXPECT_NE(Find("good0"), nullptr);
  Bytes cut = LinkMessageBytes(RTM_NEWLINK, 4, "cut0", kOperUp);
  cut.resize(cut.size() - 3);
  Feed(cut);
  EXPECT_EQ(Errors("truncated"), 1);
  EXPECT_EQ(Find("cut0"), nullptr);
  EXPECT_EQ(Events(), 1);
}

TEST_F(LinkStateSyncTest, FilterAppliesByNameAndFollowsRenames) {
  Make(DeviceFilter("", "wan.*"));
  FeedCapturedDump();
  Feed("ev_create_00.bin");
  Feed("ev_create_01.bin");
  ASSERT_NE(Find("veth2"), nullptr);
  Feed("ev_rename_00.bin");  // veth2 -> wan0: leaves the exported set
  EXPECT_EQ(Find("veth2"), nullptr);
  EXPECT_EQ(Find("wan0"), nullptr);
  Feed(LinkMessageBytes(RTM_NEWLINK, 11, "lan0", kOperDown));  // renamed back in
  ASSERT_NE(Find("lan0"), nullptr);
  EXPECT_EQ(Find("lan0")->record.attributes.oper_state, OperState::kDown);
  // An excluded link created from scratch never shows.
  Feed(LinkMessageBytes(RTM_NEWLINK, 60, "wan9", kOperUp));
  EXPECT_EQ(Find("wan9"), nullptr);
}

TEST_F(LinkStateSyncTest, IncludeFilterKeepsOnlyMatchingLinksThroughADump) {
  Make(DeviceFilter("veth0.*", ""));
  FeedCapturedDump();
  EXPECT_THAT(Names(), ElementsAre("veth0", "veth0p"));
}

TEST_F(LinkStateSyncTest, ResetForgetsTheDumpInProgress) {
  sync_->DumpRequested(3, 7, Tick());
  sync_->Reset();
  EXPECT_FALSE(sync_->dump_in_progress());
  EXPECT_TRUE(sync_->WantsDump());
}

// --- the master's name ------------------------------------------------------------------------

std::optional<std::string> MasterOf(const InterfaceView* view) {
  if (view == nullptr) return "(no such interface)";
  return view->record.attributes.master;
}

TEST_F(LinkStateSyncTest, CapturedDumpNamesTheMasterOfABridgePort) {
  FeedCapturedDump();
  EXPECT_EQ(MasterOf(Find("veth1")), "br0");
  EXPECT_EQ(Find("veth1")->record.attributes.master_ifindex, 4u);
  EXPECT_EQ(MasterOf(Find("veth0")), std::nullopt);
  EXPECT_EQ(MasterOf(Find("br0")), std::nullopt);
  EXPECT_EQ(Find("veth0")->record.attributes.tx_queue_len, 1000u);
  EXPECT_EQ(Find("veth0")->record.attributes.broadcast, "ff:ff:ff:ff:ff:ff");
  EXPECT_FALSE(sync_->WantsDump()) << "br0 came before its port: nothing to restate";
}

TEST_F(LinkStateSyncTest, CapturedEnslaveAndReleaseSetTheMasterAndClearItAtOnce) {
  FeedCapturedDump();
  Feed("ev_create_00.bin");
  Feed("ev_create_01.bin");
  EXPECT_EQ(MasterOf(Find("veth2p")), std::nullopt);
  Feed("ev_bridge_00.bin");  // `ip link set veth2p master br0`
  EXPECT_EQ(MasterOf(Find("veth2p")), "br0");
  for (const char* file : {"ev_bridge_01.bin", "ev_bridge_02.bin", "ev_bridge_03.bin",
                           "ev_bridge_04.bin", "ev_bridge_05.bin", "ev_bridge_06.bin"}) {
    Feed(file);
  }
  // `ip link set veth2p nomaster`: the last RTM_NEWLINK has no IFLA_MASTER.
  EXPECT_EQ(MasterOf(Find("veth2p")), std::nullopt);
  EXPECT_EQ(Find("veth2p")->record.attributes.master_ifindex, std::nullopt);
  // A sample (which does not read settings while netlink runs) does not bring it back.
  InterfaceRecord sample;
  sample.key = {std::string(kLocalSource), "veth2p"};
  sample.name = "veth2p";
  store_.ApplySample(kLocalSource, {sample}, Tick());
  EXPECT_EQ(MasterOf(Find("veth2p")), std::nullopt);
}

TEST_F(LinkStateSyncTest, PortListedBeforeItsMasterIsNamedByOneMoreDump) {
  auto dump = [&](uint32_t seq) {
    sync_->DumpRequested(seq, 77, Tick());
    Feed(PortMessageBytes(3, "eth1", 9, seq, NLM_F_MULTI, 77));
    Feed(LinkMessageBytes(RTM_NEWLINK, 9, "br9", kOperUp, 0x1003, seq, NLM_F_MULTI, 77));
    Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, seq, 77).I32(0).Finish());
  };
  dump(1);
  EXPECT_EQ(MasterOf(Find("eth1")), std::nullopt) << "br9 was not known yet";
  EXPECT_EQ(Find("eth1")->record.attributes.master_ifindex, 9u);
  ASSERT_TRUE(sync_->WantsDump());
  dump(2);
  EXPECT_EQ(MasterOf(Find("eth1")), "br9");
  EXPECT_FALSE(sync_->WantsDump()) << "one more dump, not one per dump";
  EXPECT_EQ(Resyncs(), 2);
}

TEST_F(LinkStateSyncTest, RenamedMasterIsRestatedForItsPortsByADump) {
  sync_->DumpRequested(1, 77, Tick());  // the first dump, of a namespace without links yet
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 1, 77).I32(0).Finish());
  Feed(LinkMessageBytes(RTM_NEWLINK, 9, "br9", kOperUp));
  Feed(PortMessageBytes(3, "eth1", 9));
  EXPECT_EQ(MasterOf(Find("eth1")), "br9");
  EXPECT_FALSE(sync_->WantsDump());
  // The kernel announces the master's new name, not its ports'.
  Feed(LinkMessageBytes(RTM_NEWLINK, 9, "lan9", kOperUp));
  ASSERT_TRUE(sync_->WantsDump());
  sync_->DumpRequested(4, 77, Tick());
  Feed(PortMessageBytes(3, "eth1", 9, 4, NLM_F_MULTI, 77));
  Feed(LinkMessageBytes(RTM_NEWLINK, 9, "lan9", kOperUp, 0x1003, 4, NLM_F_MULTI, 77));
  Feed(MessageBuilder(NLMSG_DONE, NLM_F_MULTI, 4, 77).I32(0).Finish());
  EXPECT_EQ(MasterOf(Find("eth1")), "lan9");
  EXPECT_FALSE(sync_->WantsDump());
  // A link that is no one's master is renamed without a dump.
  Feed(LinkMessageBytes(RTM_NEWLINK, 3, "eth9", kOperUp));
  EXPECT_FALSE(sync_->WantsDump());
}

TEST_F(LinkStateSyncTest, AFilteredOutMasterStillNamesItsPorts) {
  Make(DeviceFilter("", "br.*"));
  FeedCapturedDump();
  EXPECT_EQ(Find("br0"), nullptr);
  EXPECT_EQ(MasterOf(Find("veth1")), "br0");
}

TEST_F(LinkStateSyncTest, BondPortStateFollowsEventsAndGoesWithTheBond) {
  Feed(LinkMessageBytes(RTM_NEWLINK, 4, "bond0", kOperUp));
  Feed(BondPortMessageBytes(5, "eth1", 4));
  const InterfaceView* port = Find("eth1");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(MasterOf(port), "bond0");
  ASSERT_TRUE(port->record.attributes.bond_slave.has_value());
  EXPECT_EQ(port->record.attributes.bond_slave->active, true);
  EXPECT_EQ(port->record.attributes.bond_slave->ad_actor_port_state, 61u);
  // Failover: the bond makes it a backup whose link is down.
  Feed(BondPortMessageBytes(5, "eth1", 4, /*backup=*/true, /*mii_status=*/2));
  EXPECT_EQ(Find("eth1")->record.attributes.bond_slave->active, false);
  EXPECT_EQ(Find("eth1")->record.attributes.bond_slave->mii_status, 2u);
  // Released from the bond: no IFLA_MASTER, no slave data.
  Feed(LinkMessageBytes(RTM_NEWLINK, 5, "eth1", kOperUp));
  EXPECT_EQ(MasterOf(Find("eth1")), std::nullopt);
  EXPECT_EQ(Find("eth1")->record.attributes.bond_slave, std::nullopt);
}

}  // namespace
}  // namespace netif
