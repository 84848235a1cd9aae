// EtherLike-MIB's dot3StatsTable: the pure parser (values, duplex, leniency, malformed input), its
// application to IF-MIB records, and the poll plan's probe (walked on metadata polls while the
// agent has the table, never again once it has not).
#include "collectors/snmp/ether_like_mib.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collectors/snmp/if_mib_poll_plan.h"
#include "support/snmp/fake_device.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

Varbind Dot3(uint32_t column, uint32_t index, SnmpType type, int64_t value) {
  Varbind vb;
  vb.oid.assign(kDot3StatsEntryOid.begin(), kDot3StatsEntryOid.end());
  vb.oid.push_back(column);
  vb.oid.push_back(index);
  vb.type = static_cast<uint8_t>(type);
  if (type == SnmpType::kInteger) {
    vb.integer = value;
  } else {
    vb.unsigned_value = static_cast<uint64_t>(value);
  }
  return vb;
}

std::optional<uint64_t> Extra(const InterfaceRecord& record, std::string_view name) {
  for (const auto& [definition, value] : record.extra_counters.values()) {
    if (definition->name == name) return value;
  }
  return std::nullopt;
}

TEST(EtherLikeMibTest, TheThirteenColumnsAndTheirNames) {
  ASSERT_EQ(Dot3ExtraCounters().size(), 13u);
  EXPECT_EQ(Dot3ExtraCounters()[1]->name, "netif_dot3_fcs_errors_total");
  EXPECT_EQ(Dot3CounterColumns()[1].number, 3u);
  EXPECT_EQ(Dot3CounterColumns()[12].name, "dot3StatsSymbolErrors");
  const std::vector<Oid> oids = Dot3ColumnOids();
  ASSERT_EQ(oids.size(), 14u);
  EXPECT_EQ(FormatOid(oids.back()), "1.3.6.1.2.1.10.7.2.1.19");
}

TEST(EtherLikeMibTest, CountersAndDuplexPerPort) {
  // As Linux snmpd answers for a veth pair (a sparse table), plus a port with every column.
  std::vector<Varbind> input = {
      Dot3(1, 2, SnmpType::kInteger, 2),  // dot3StatsIndex: not read
      Dot3(3, 2, SnmpType::kCounter32, 7), Dot3(19, 2, SnmpType::kInteger, 3),
      Dot3(3, 5, SnmpType::kCounter32, 0), Dot3(8, 5, SnmpType::kCounter32, 4),
      Dot3(19, 5, SnmpType::kInteger, 2),  Dot3(19, 6, SnmpType::kInteger, 1),
  };
  for (const Dot3CounterColumn& column : Dot3CounterColumns()) {
    input.push_back(Dot3(column.number, 9, SnmpType::kCounter32, column.number * 10));
  }
  Dot3Walk walk;
  walk.Add(input);
  EXPECT_EQ(walk.TakeMalformed(nullptr), 0u);
  const Dot3Ports ports = walk.TakePorts();
  ASSERT_EQ(ports.size(), 4u);
  EXPECT_EQ(ports.at(2).duplex, Duplex::kFull);
  EXPECT_EQ(ports.at(5).duplex, Duplex::kHalf);
  EXPECT_EQ(ports.at(6).duplex, Duplex::kUnknown);
  EXPECT_EQ(ports.at(9).present.count(), 13u);

  InterfaceRecords records(3);
  records[0].attributes.ifindex = 2;
  records[1].attributes.ifindex = 5;
  records[2].attributes.ifindex = 7;  // no dot3 row: untouched
  ApplyDot3(ports, records);
  EXPECT_EQ(Extra(records[0], "netif_dot3_fcs_errors_total"), 7u);
  EXPECT_EQ(Extra(records[0], "netif_dot3_late_collisions_total"), std::nullopt);
  EXPECT_EQ(records[0].attributes.duplex, Duplex::kFull);
  EXPECT_EQ(Extra(records[1], "netif_dot3_late_collisions_total"), 4u);
  EXPECT_EQ(records[1].attributes.duplex, Duplex::kHalf);
  EXPECT_TRUE(records[2].extra_counters.Empty());
  EXPECT_FALSE(records[2].attributes.duplex.has_value());
}

TEST(EtherLikeMibTest, LenientAboutCounterTypesStrictAboutTheRest) {
  Dot3Walk walk;
  walk.Add(std::vector<Varbind>{
      Dot3(3, 1, SnmpType::kCounter64, 1ll << 40),  // forgiven
      Dot3(2, 1, SnmpType::kGauge32, 5),            // forgiven
      Dot3(4, 1, SnmpType::kInteger, 6),            // forgiven
      Dot3(5, 1, SnmpType::kInteger, -6),           // negative
      Dot3(6, 1, SnmpType::kOctetString, 0),        // text
      Dot3(19, 1, SnmpType::kInteger, 4),           // no such duplex
      Dot3(3, 0, SnmpType::kCounter32, 1),          // index 0
  });
  std::vector<std::string> problems;
  EXPECT_EQ(walk.TakeMalformed(&problems), 4u);
  EXPECT_THAT(problems.at(0), HasSubstr("dot3StatsMultipleCollisionFrames.1"));
  const SnmpQuirkCounts quirks = walk.TakeQuirks();
  EXPECT_EQ(quirks.Count(SnmpQuirk::kCounter64InCounter32), 1u);
  EXPECT_EQ(quirks.Count(SnmpQuirk::kGaugeAsCounter), 1u);
  EXPECT_EQ(quirks.Count(SnmpQuirk::kIntegerAsCounter), 1u);
  const Dot3Ports ports = walk.TakePorts();
  ASSERT_EQ(ports.count(1), 1u);
  EXPECT_EQ(ports.at(1).counters[1], 1ull << 40);
  EXPECT_EQ(ports.at(1).present.count(), 3u);
  EXPECT_FALSE(ports.at(1).duplex.has_value());
}

// Walks to the end against `device` as the poller does; returns the number of walks the poll took.
int PollCountingWalks(IfMibPollPlan& plan, testing_support::FakeDevice& device, double now,
                      IfMibParseResult* parsed) {
  ColumnWalk walk = plan.StartPoll();
  int walks = 1;
  for (;;) {
    for (int requests = 0; !walk.done() && requests < 1000; ++requests) {
      const ColumnWalk::Request request = walk.NextRequest(kIfColumnCount);
      const std::vector<Varbind> response = device.agent().Bulk(request, 10);
      walk.OnResponse(request, response);
      plan.OnScalars(std::span<const Varbind>(response).first(request.non_repeaters));
      plan.AddVarbinds(walk.TakeVarbinds());
    }
    std::optional<ColumnWalk> next = plan.OnWalkDone();
    if (!next) break;
    walk = std::move(*next);
    ++walks;
  }
  *parsed = plan.Finish(now);
  return walks;
}

TEST(EtherLikeMibPlanTest, WalkedOnMetadataPollsWhileTheAgentHasIt) {
  testing_support::FakeDevice device;
  device.AddPort({.if_index = 1, .name = "Gi0/1"});
  device.AddPort({.if_index = 2, .name = "Gi0/2"});
  device.SetIfNumber(2);
  device.agent().Set(Dot3(3, 1, SnmpType::kCounter32, 42));
  device.agent().Set(Dot3(19, 1, SnmpType::kInteger, 2));
  SnmpTargetConfig config;
  config.name = "sw1";
  config.settings.metadata_every = 2;
  IfMibPollPlan plan(config, "snmp/sw1");
  IfMibParseResult parsed;
  EXPECT_EQ(PollCountingWalks(plan, device, 1000, &parsed), 2);  // IF-MIB, then dot3
  EXPECT_EQ(plan.has_dot3(), true);
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(Extra(parsed.records[0], "netif_dot3_fcs_errors_total"), 42u);
  EXPECT_EQ(parsed.records[0].attributes.duplex, Duplex::kHalf);
  EXPECT_TRUE(parsed.records[1].extra_counters.Empty());

  // A fast poll: no dot3 walk, the last values still on the port.
  device.agent().Set(Dot3(3, 1, SnmpType::kCounter32, 43));
  EXPECT_EQ(PollCountingWalks(plan, device, 1010, &parsed), 1);
  EXPECT_EQ(Extra(parsed.records[0], "netif_dot3_fcs_errors_total"), 42u);
  EXPECT_EQ(parsed.records[0].attributes.duplex, Duplex::kHalf);
  // The next metadata poll reads it again.
  EXPECT_EQ(PollCountingWalks(plan, device, 1020, &parsed), 2);
  EXPECT_EQ(Extra(parsed.records[0], "netif_dot3_fcs_errors_total"), 43u);
}

TEST(EtherLikeMibPlanTest, AnAgentWithoutTheTableIsProbedOnce) {
  testing_support::FakeDevice device;
  device.AddPort({.if_index = 1, .name = "Gi0/1"});
  device.SetIfNumber(1);
  SnmpTargetConfig config;
  config.name = "sw1";
  config.settings.metadata_every = 1;  // every poll a metadata poll
  IfMibPollPlan plan(config, "snmp/sw1");
  IfMibParseResult parsed;
  EXPECT_EQ(PollCountingWalks(plan, device, 1000, &parsed), 2);  // the probe
  EXPECT_EQ(plan.has_dot3(), false);
  EXPECT_EQ(PollCountingWalks(plan, device, 1010, &parsed), 1);
  EXPECT_EQ(PollCountingWalks(plan, device, 1020, &parsed), 1);
  EXPECT_TRUE(parsed.records.at(0).extra_counters.Empty());
}

}  // namespace
}  // namespace netif
