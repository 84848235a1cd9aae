// The IF-MIB poll plan against a made-up device in an in-memory agent: which columns each poll
// walks, the slow columns reused from the last metadata poll as parsed values, the walk of the
// remaining columns when the ports change or the agent restarts, and ifNumber.0 sizing the walk.
#include "collectors/snmp/if_mib_poll_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "support/snmp/fake_device.h"
#include "support/snmp/recording_sink.h"

namespace netif {
namespace {

using testing_support::FakeDevice;
using testing_support::FakePort;
using testing_support::LabelValue;

SnmpTargetConfig Config(uint32_t metadata_every) {
  SnmpTargetConfig config;
  config.name = "sw1";
  config.settings.metadata_every = metadata_every;
  return config;
}

// The columns a walk asks for (its first request, as wide as it goes).
IfColumnSet ColumnsOf(const ColumnWalk& walk) {
  IfColumnSet columns;
  const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
  for (size_t k = request.non_repeaters; k < request.oids.size(); ++k) {
    for (const IfColumnInfo& info : kIfColumns) {
      if (request.oids[k] == IfColumnOid(info.column)) columns.set(IfColumnIndex(info.column));
    }
  }
  return columns;
}

// Walks to the end against `device`, as the poller does; the plan hears the first response's
// scalars. Returns the varbinds.
std::vector<Varbind> Walk(ColumnWalk& walk, FakeDevice& device, IfMibPollPlan& plan) {
  for (int requests = 0; !walk.done() && requests < 1000; ++requests) {
    const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
    const std::vector<Varbind> response = device.agent().Bulk(request, 10);
    walk.OnResponse(request, response);
    plan.OnScalars(std::span<const Varbind>(response).first(request.non_repeaters));
  }
  return walk.TakeVarbinds();
}

// One whole poll; `walks` counts the walks it took.
IfMibParseResult Poll(IfMibPollPlan& plan, FakeDevice& device, double unix_seconds,
                      int* walks = nullptr) {
  ColumnWalk walk = plan.StartPoll();
  int count = 1;
  for (;;) {
    const std::vector<Varbind> varbinds = Walk(walk, device, plan);
    std::optional<ColumnWalk> next = plan.OnWalkDone(varbinds);
    if (!next) break;
    walk = std::move(*next);
    ++count;
  }
  if (walks != nullptr) *walks = count;
  return plan.Finish(unix_seconds);
}

class IfMibPollPlanTest : public ::testing::Test {
 protected:
  IfMibPollPlanTest() {
    device_.AddPort({.if_index = 1, .name = "Gi0/1", .alias = "uplink"});
    device_.AddPort({.if_index = 2, .name = "Gi0/2", .alias = "server"});
    device_.SetIfNumber(2);
  }

  FakeDevice device_;
};

TEST_F(IfMibPollPlanTest, FirstPollWalksEveryColumnAndAsksForTheScalars) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  const ColumnWalk walk = plan.StartPoll();
  EXPECT_TRUE(plan.metadata());
  EXPECT_EQ(ColumnsOf(walk), IfColumnSet().set());
  const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
  ASSERT_EQ(request.non_repeaters, 2u);
  EXPECT_EQ(request.oids[0], Oid(kSysUpTimeObject.begin(), kSysUpTimeObject.end()));
  EXPECT_EQ(request.oids[1], Oid(kIfNumberObject.begin(), kIfNumberObject.end()));
  EXPECT_FALSE(plan.expected_rows().has_value());
}

TEST_F(IfMibPollPlanTest, IfNumberSizesTheFirstWalk) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  plan.StartPoll();
  Varbind if_number;
  if_number.oid = Oid(kIfNumberInstance.begin(), kIfNumberInstance.end());
  if_number.type = static_cast<uint8_t>(SnmpType::kInteger);
  if_number.integer = 48;
  plan.OnScalars(std::span<const Varbind>(&if_number, 1));
  EXPECT_EQ(plan.expected_rows(), 48u);
  // An absurd ifNumber is capped at what a walk may read of one column: max_interfaces.
  const SnmpTargetConfig other_config = Config(10);
  IfMibPollPlan other(other_config, "snmp/sw1");
  other.StartPoll();
  if_number.integer = 2000000000;
  other.OnScalars(std::span<const Varbind>(&if_number, 1));
  EXPECT_EQ(other.expected_rows(), other_config.settings.max_interfaces);
}

// A device with more ports than the target allows: the walk stops at the first row past the
// limit, and the plan holds no more than max_interfaces ports when it does.
TEST_F(IfMibPollPlanTest, AWalkStopsOneRowPastMaxInterfaces) {
  SnmpTargetConfig plan_config = Config(10);
  plan_config.settings.max_interfaces = 5;
  for (uint32_t i = 3; i <= 40; ++i)
    device_.AddPort({.if_index = i, .name = "p" + std::to_string(i)});
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  ColumnWalk walk = plan.StartPoll();
  int requests = 0;
  for (; !walk.done() && requests < 100; ++requests) {
    const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
    walk.OnResponse(request, device_.agent().Bulk(request, 3));
    plan.AddVarbinds(walk.TakeVarbinds());
    EXPECT_LE(plan.varbinds_read(), 2 + 5 * kIfColumnCount);
  }
  EXPECT_EQ(walk.limit_crossed(), ColumnWalk::Limit::kRows);
  EXPECT_FALSE(plan.TooManyInterfaces());  // rows 1..5 of each column, then the stop
  EXPECT_LE(requests, 3);                  // 3 rows per request: the sixth row comes in the second
}

TEST_F(IfMibPollPlanTest, TheVarbindBudgetIsThePollsNotEachWalks) {
  SnmpTargetConfig plan_config = Config(10);
  plan_config.settings.max_varbinds = 2 + 2 * kIfColumnCount;  // a full poll of the 2 ports
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  ASSERT_EQ(Poll(plan, device_, 1000).records.size(), 2u);
  device_.AddPort({.if_index = 3, .name = "Gi0/3"});
  // The fast walk sees a new port and asks for the slow columns: that walk has what the fast
  // one left of the budget, which three ports' slow columns exceed.
  ColumnWalk walk = plan.StartPoll();
  for (int requests = 0; !walk.done() && requests < 100; ++requests) {
    const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
    walk.OnResponse(request, device_.agent().Bulk(request, 10));
    plan.AddVarbinds(walk.TakeVarbinds());
  }
  ASSERT_EQ(walk.limit_crossed(), ColumnWalk::Limit::kNone);
  std::optional<ColumnWalk> slow = plan.OnWalkDone();
  ASSERT_TRUE(slow.has_value());
  for (int requests = 0; !slow->done() && requests < 100; ++requests) {
    const ColumnWalk::Request request = slow->NextRequest(kIfColumnCount);
    slow->OnResponse(request, device_.agent().Bulk(request, 10));
    plan.AddVarbinds(slow->TakeVarbinds());
  }
  EXPECT_EQ(slow->limit_crossed(), ColumnWalk::Limit::kVarbinds);
  EXPECT_LE(plan.varbinds_read(), plan_config.settings.max_varbinds);
}

TEST_F(IfMibPollPlanTest, PortsSpreadOverColumnsCountAsInterfaces) {
  // Two columns of two rows each, but with different ifIndexes: neither column crosses
  // max_interfaces, the poll's ports do.
  SnmpTargetConfig plan_config = Config(10);
  plan_config.settings.max_interfaces = 3;
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  plan.StartPoll();
  std::vector<Varbind> varbinds;
  for (uint32_t i = 1; i <= 4; ++i) {
    Varbind vb;
    vb.oid = IfColumnOid(i % 2 == 0 ? IfColumn::kAdminStatus : IfColumn::kOperStatus);
    vb.oid.push_back(i);
    vb.type = static_cast<uint8_t>(SnmpType::kInteger);
    vb.integer = 1;
    varbinds.push_back(vb);
  }
  plan.AddVarbinds(std::span<const Varbind>(varbinds).first(3));
  EXPECT_FALSE(plan.TooManyInterfaces());
  plan.AddVarbinds(std::span<const Varbind>(varbinds).subspan(3));
  EXPECT_TRUE(plan.TooManyInterfaces());
}

TEST_F(IfMibPollPlanTest, FastPollsWalkOnlyTheFastColumnsInUseAndReuseParsedSlowValues) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  const IfMibParseResult full = Poll(plan, device_, 1000);
  ASSERT_EQ(full.records.size(), 2u);

  const ColumnWalk walk = plan.StartPoll();
  EXPECT_FALSE(plan.metadata());
  EXPECT_EQ(plan.expected_rows(), 2u);  // the ports the last walk found
  const IfColumnSet columns = ColumnsOf(walk);
  EXPECT_TRUE((columns & SlowIfColumns()).none()) << columns;
  EXPECT_TRUE(columns.test(IfColumnIndex(IfColumn::kOperStatus)));
  EXPECT_TRUE(columns.test(IfColumnIndex(IfColumn::kHCInOctets)));
  // Every port has HC octets: the 32-bit twin is not walked.
  EXPECT_FALSE(columns.test(IfColumnIndex(IfColumn::kInOctets)));

  // The alias changes on the device; a fast poll still shows the one parsed at the metadata poll,
  // and the counters it read itself.
  device_.SetText(IfColumn::kAlias, 1, "renamed");
  device_.SetUnsigned(IfColumn::kHCInOctets, 1, SnmpType::kCounter64, 5555);
  int walks = 0;
  const IfMibParseResult parsed = Poll(plan, device_, 1010, &walks);
  ASSERT_EQ(parsed.records.size(), 2u);
  const InterfaceRecord& port1 = parsed.records[0];
  EXPECT_EQ(LabelValue(port1, "ifName"), "Gi0/1");
  EXPECT_EQ(LabelValue(port1, "ifAlias"), "uplink");
  EXPECT_EQ(port1.attributes.speed_bps, 1000u * 1000 * 1000);
  EXPECT_EQ(port1.attributes.mtu, 1500u);
  EXPECT_EQ(port1.attributes.address, "00:11:22:33:44:01");
  EXPECT_EQ(port1.counters.Get(Counter::kReceiveBytes), 5555u);
  EXPECT_EQ(walks, 1);
}

TEST_F(IfMibPollPlanTest, MetadataPollEveryNthPoll) {
  const SnmpTargetConfig plan_config = Config(3);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  std::string pattern;
  for (int i = 0; i < 7; ++i) {
    plan.StartPoll();
    pattern += plan.metadata() ? 'M' : 'f';
    plan.Abort();
    Poll(plan, device_, 1000 + 10 * i);
  }
  // StartPoll() then Abort() does not count as a poll: the pattern is that of the polls made.
  EXPECT_EQ(pattern, "MffMffM");
}

TEST_F(IfMibPollPlanTest, AFailedMetadataPollLeavesItDue) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  plan.StartPoll();
  plan.Abort();
  plan.StartPoll();
  EXPECT_TRUE(plan.metadata());
}

TEST_F(IfMibPollPlanTest, ChangedPortsAreFollowedByAWalkOfTheRemainingColumns) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  Poll(plan, device_, 1000);

  device_.RemovePort(2);
  device_.AddPort({.if_index = 3, .name = "Gi0/3", .alias = "new"});
  ColumnWalk fast = plan.StartPoll();
  const IfColumnSet fast_columns = ColumnsOf(fast);
  const std::vector<Varbind> varbinds = Walk(fast, device_, plan);
  std::optional<ColumnWalk> rest = plan.OnWalkDone(varbinds);
  ASSERT_TRUE(rest.has_value());
  EXPECT_TRUE(plan.metadata());
  EXPECT_EQ(ColumnsOf(*rest), ~fast_columns);  // exactly what the fast walk left out
  EXPECT_EQ(plan.expected_rows(), 2u);
  const std::vector<Varbind> more = Walk(*rest, device_, plan);
  EXPECT_FALSE(plan.OnWalkDone(more).has_value());
  const IfMibParseResult parsed = plan.Finish(1010);
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(parsed.records[1].key.id, "3");
  EXPECT_EQ(LabelValue(parsed.records[1], "ifName"), "Gi0/3");
  EXPECT_EQ(LabelValue(parsed.records[1], "ifAlias"), "new");
}

TEST_F(IfMibPollPlanTest, AnAgentRestartIsFollowedByAWalkOfTheRemainingColumns) {
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  Poll(plan, device_, 1000);
  device_.SetUptime(101000);  // 10 s later: no restart
  int walks = 0;
  Poll(plan, device_, 1010, &walks);
  EXPECT_EQ(walks, 1);

  // The agent restarted and numbered its ports differently: same ifIndexes, other names.
  device_.SetUptime(500);
  device_.SetText(IfColumn::kName, 1, "Te1/1");
  const IfMibParseResult parsed = Poll(plan, device_, 1020, &walks);
  EXPECT_EQ(walks, 2);
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(LabelValue(parsed.records[0], "ifName"), "Te1/1");
  // ifLastChange (50 ticks) is placed after the new epoch: 1020 - 5 s + 0.5 s.
  ASSERT_TRUE(parsed.records[0].attributes.last_change_seconds.has_value());
  EXPECT_DOUBLE_EQ(*parsed.records[0].attributes.last_change_seconds, 1020 - 5 + 0.5);
}

TEST_F(IfMibPollPlanTest, AMalformedSlowValueIsCountedWhenReadNotOnEveryFastPoll) {
  device_.SetUnsigned(IfColumn::kMtu, 2, SnmpType::kCounter32, 1500);  // MTU is an INTEGER
  const SnmpTargetConfig plan_config = Config(10);
  IfMibPollPlan plan(plan_config, "snmp/sw1");
  const IfMibParseResult full = Poll(plan, device_, 1000);
  EXPECT_EQ(full.malformed, 1u);
  ASSERT_EQ(full.problems.size(), 1u);
  EXPECT_NE(full.problems[0].find("ifMtu.2"), std::string::npos) << full.problems[0];
  const IfMibParseResult fast = Poll(plan, device_, 1010);
  EXPECT_EQ(fast.malformed, 0u);
  ASSERT_EQ(fast.records.size(), 2u);
  EXPECT_FALSE(fast.records[1].attributes.mtu.has_value());
  EXPECT_EQ(fast.records[0].attributes.mtu, 1500u);
}

TEST_F(IfMibPollPlanTest, PortSelectionAppliesToCachedNames) {
  SnmpTargetConfig config = Config(10);
  auto exclude = AnchoredRegex::Compile("Gi0/2");
  ASSERT_TRUE(std::holds_alternative<AnchoredRegex>(exclude));
  config.settings.interface_exclude = std::get<AnchoredRegex>(exclude);
  IfMibPollPlan plan(config, "snmp/sw1");
  EXPECT_EQ(Poll(plan, device_, 1000).records.size(), 1u);
  const IfMibParseResult fast = Poll(plan, device_, 1010);
  ASSERT_EQ(fast.records.size(), 1u);
  EXPECT_EQ(fast.records[0].key, (InterfaceKey{"snmp/sw1", "1"}));
}

}  // namespace
}  // namespace netif
