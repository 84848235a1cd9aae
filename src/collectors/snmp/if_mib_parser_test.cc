// The IF-MIB parser against the three recorded devices (real walks, read with the snmprec reader)
// and against hand-made malformed input. No agent needed.
#include "collectors/snmp/if_mib_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "config/snmp_config.h"
#include "exposition/metric_catalogue.h"
#include "support/snmp/snmprec.h"

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using testing_support::kCiscoRecording;
using testing_support::kLinuxRecording;
using testing_support::kUbiquitiRecording;
using testing_support::ReadSnmprecFile;
using testing_support::SharedSnmprec;

constexpr double kPollUnix = 1'700'000'000;

// The recording as a map from OID text to varbind, for expectations computed from the data.
class Recording {
 public:
  explicit Recording(const char* file) {
    const auto recording = ReadSnmprecFile(SharedSnmprec(file));
    EXPECT_TRUE(recording.problems.empty()) << ::testing::PrintToString(recording.problems);
    varbinds_ = recording.varbinds;
    for (const Varbind& vb : varbinds_) by_oid_[FormatOid(vb.oid)] = vb;
  }
  const std::vector<Varbind>& varbinds() const { return varbinds_; }
  const Varbind* Find(IfColumn column, uint32_t if_index) const {
    Oid oid = IfColumnOid(column);
    oid.push_back(if_index);
    auto it = by_oid_.find(FormatOid(oid));
    return it == by_oid_.end() ? nullptr : &it->second;
  }
  std::vector<uint32_t> Ports() const {
    std::vector<uint32_t> ports;
    for (const Varbind& vb : varbinds_) {
      bool malformed = false;
      auto instance = IfInstanceOf(vb.oid, &malformed);
      if (instance && instance->column == IfColumn::kDescr) ports.push_back(instance->if_index);
    }
    return ports;
  }

 private:
  std::vector<Varbind> varbinds_;
  std::map<std::string, Varbind> by_oid_;
};

IfMibParseOptions Options(const std::string& target = "sw1") {
  IfMibParseOptions options;
  options.source = "snmp/" + target;
  options.target = target;
  options.poll_unix_seconds = kPollUnix;
  return options;
}

const InterfaceRecord* Port(const IfMibParseResult& result, uint32_t if_index) {
  for (const auto& record : result.records) {
    if (record.attributes.ifindex == if_index) return &record;
  }
  return nullptr;
}

std::string Label(const InterfaceRecord& record, const std::string& name) {
  for (const auto& [key, value] : record.labels) {
    if (key == name) return value;
  }
  return "<absent>";
}

// The reference rule, written independently of the parser: the HC column when the port has it,
// else the 32-bit one (wrapping).
struct Expected {
  std::optional<uint64_t> value;
  bool wraps32 = false;
};
Expected Prefer(const Recording& r, uint32_t port, IfColumn hc, std::optional<IfColumn> narrow) {
  if (const Varbind* vb = r.Find(hc, port)) return {vb->unsigned_value, false};
  if (narrow) {
    if (const Varbind* vb = r.Find(*narrow, port)) return {vb->unsigned_value, true};
  }
  return {};
}

// A Counter32-only column (errors, discards): always wrapping.
Expected Only32(const Recording& r, uint32_t port, IfColumn column) {
  if (const Varbind* vb = r.Find(column, port)) return {vb->unsigned_value, true};
  return {};
}

void ExpectCounter(const InterfaceRecord& record, Counter counter, Expected want,
                   const std::string& what) {
  EXPECT_EQ(record.counters.Get(counter), want.value) << what;
  if (want.value) {
    EXPECT_EQ(record.counters.WrapsAt32Bits(counter), want.wraps32) << what;
  }
}

// Every port of the recording, every counter, checked against the reference rule.
void ExpectRecordingCounters(const char* file) {
  const Recording r(file);
  const IfMibParseResult result = ParseIfMib(r.varbinds(), Options());
  EXPECT_EQ(result.malformed, 0u) << ::testing::PrintToString(result.problems);
  ASSERT_EQ(result.records.size(), r.Ports().size());
  using C = IfColumn;
  for (uint32_t port : r.Ports()) {
    const InterfaceRecord* record = Port(result, port);
    ASSERT_NE(record, nullptr) << port;
    const std::string what = std::string(file) + " ifIndex " + std::to_string(port);
    ExpectCounter(*record, Counter::kReceiveBytes, Prefer(r, port, C::kHCInOctets, C::kInOctets),
                  what);
    ExpectCounter(*record, Counter::kTransmitBytes, Prefer(r, port, C::kHCOutOctets, C::kOutOctets),
                  what);
    ExpectCounter(*record, Counter::kReceiveUnicast,
                  Prefer(r, port, C::kHCInUcastPkts, C::kInUcastPkts), what);
    ExpectCounter(*record, Counter::kTransmitUnicast,
                  Prefer(r, port, C::kHCOutUcastPkts, C::kOutUcastPkts), what);
    ExpectCounter(*record, Counter::kReceiveMulticast,
                  Prefer(r, port, C::kHCInMulticastPkts, C::kInMulticastPkts), what);
    ExpectCounter(*record, Counter::kTransmitBroadcast,
                  Prefer(r, port, C::kHCOutBroadcastPkts, C::kOutBroadcastPkts), what);
    ExpectCounter(*record, Counter::kReceiveErrors, Only32(r, port, C::kInErrors), what);
    ExpectCounter(*record, Counter::kReceiveDrop, Only32(r, port, C::kInDiscards), what);
    ExpectCounter(*record, Counter::kTransmitErrors, Only32(r, port, C::kOutErrors), what);
    ExpectCounter(*record, Counter::kTransmitDrop, Only32(r, port, C::kOutDiscards), what);
    EXPECT_EQ(Label(*record, "ifIndex"), std::to_string(port));
  }
}

TEST(IfMibParserTest, EveryRecordedCounterFollowsTheHcFirstRule) {
  ExpectRecordingCounters(kCiscoRecording);
  ExpectRecordingCounters(kUbiquitiRecording);
  ExpectRecordingCounters(kLinuxRecording);
}

TEST(IfMibParserTest, CiscoSwitch) {
  const Recording r(kCiscoRecording);
  const IfMibParseResult result = ParseIfMib(r.varbinds(), Options("core-sw1"));
  ASSERT_EQ(result.records.size(), 57u);
  EXPECT_EQ(result.sys_uptime_ticks, 492446481u);
  EXPECT_EQ(result.malformed, 0u);

  // Gi0/1: names from ifName and ifDescr (hex-encoded in the recording), 10 Mb/s, MAC.
  const InterfaceRecord* gi01 = Port(result, 10101);
  ASSERT_NE(gi01, nullptr);
  EXPECT_EQ(gi01->key, (InterfaceKey{"snmp/core-sw1", "10101"}));
  EXPECT_EQ(gi01->name, "core-sw1/Gi0/1");
  EXPECT_THAT(
      gi01->labels,
      ElementsAre(Pair("target", "core-sw1"), Pair("ifIndex", "10101"), Pair("ifName", "Gi0/1"),
                  Pair("ifDescr", "GigabitEthernet0/1"), Pair("ifAlias", "")));
  EXPECT_EQ(gi01->attributes.speed_bps, 10'000'000u);
  EXPECT_EQ(gi01->attributes.mtu, 1500u);
  EXPECT_EQ(gi01->attributes.type, 6u);
  EXPECT_EQ(gi01->attributes.address, "e8:04:62:78:f2:01");
  EXPECT_EQ(gi01->attributes.admin_up, true);
  EXPECT_EQ(gi01->attributes.oper_state, OperState::kDown);
  EXPECT_EQ(gi01->attributes.alias, "");
  // ifLastChange 16180 ticks after the agent started, sysUpTime 492446481 ticks now.
  ASSERT_TRUE(gi01->attributes.last_change_seconds.has_value());
  EXPECT_DOUBLE_EQ(*gi01->attributes.last_change_seconds,
                   kPollUnix - 492446481 / 100.0 + 16180 / 100.0);

  // A gigabit uplink whose Counter32 octets already wrapped: the HC value is exported.
  const InterfaceRecord* uplink = Port(result, 10149);
  ASSERT_NE(uplink, nullptr);
  EXPECT_EQ(uplink->counters.Get(Counter::kReceiveBytes), 1050166720685u);
  EXPECT_FALSE(uplink->counters.WrapsAt32Bits(Counter::kReceiveBytes));
  EXPECT_EQ(uplink->attributes.speed_bps, 1'000'000'000u);
  // receive packets = HC unicast + multicast + broadcast.
  const uint64_t want_packets = r.Find(IfColumn::kHCInUcastPkts, 10149)->unsigned_value +
                                r.Find(IfColumn::kHCInMulticastPkts, 10149)->unsigned_value +
                                r.Find(IfColumn::kHCInBroadcastPkts, 10149)->unsigned_value;
  EXPECT_EQ(uplink->counters.Get(Counter::kReceivePackets), want_packets);
  EXPECT_FALSE(uplink->counters.WrapsAt32Bits(Counter::kReceivePackets));

  // Null0: ifSpeed saturated -> ifHighSpeed 10000 Mb/s; no HC counters -> 32-bit, wrapping;
  // neither three packet parts nor ifInNUcastPkts -> no packet total.
  const InterfaceRecord* null0 = Port(result, 10501);
  ASSERT_NE(null0, nullptr);
  EXPECT_EQ(Label(*null0, "ifName"), "Nu0");
  EXPECT_EQ(null0->attributes.speed_bps, 10'000'000'000u);
  EXPECT_EQ(null0->counters.Get(Counter::kReceiveBytes), 0u);
  EXPECT_TRUE(null0->counters.WrapsAt32Bits(Counter::kReceiveBytes));
  EXPECT_FALSE(null0->counters.Has(Counter::kReceivePackets));
  EXPECT_FALSE(null0->attributes.address.has_value());  // empty ifPhysAddress

  // Both widths are in use on this device (Null0 needs the 32-bit octets).
  EXPECT_TRUE(result.used_columns.test(IfColumnIndex(IfColumn::kHCInOctets)));
  EXPECT_TRUE(result.used_columns.test(IfColumnIndex(IfColumn::kInOctets)));
}

TEST(IfMibParserTest, UbiquitiWithout64BitCounters) {
  const Recording r(kUbiquitiRecording);
  const IfMibParseResult result = ParseIfMib(r.varbinds(), Options("ap1"));
  ASSERT_EQ(result.records.size(), 9u);
  const InterfaceRecord* eth0 = Port(result, 2);
  ASSERT_NE(eth0, nullptr);
  // No ifXTable: the ifName label falls back to ifDescr.
  EXPECT_EQ(Label(*eth0, "ifName"), "eth0");
  EXPECT_EQ(Label(*eth0, "ifDescr"), "eth0");
  EXPECT_EQ(Label(*eth0, "ifAlias"), "");
  EXPECT_FALSE(eth0->attributes.alias.has_value());  // the device has no ifAlias at all
  EXPECT_EQ(eth0->name, "ap1/eth0");
  EXPECT_EQ(eth0->counters.Get(Counter::kReceiveBytes), 1694564523u);
  EXPECT_TRUE(eth0->counters.WrapsAt32Bits(Counter::kReceiveBytes));
  EXPECT_EQ(eth0->counters.Get(Counter::kTransmitBytes), 2858543320u);
  // ifInUcastPkts + ifInNUcastPkts, modulo 2^32, wrapping.
  EXPECT_EQ(eth0->counters.Get(Counter::kReceivePackets), (262636125u + 192914572u) % (1ull << 32));
  EXPECT_TRUE(eth0->counters.WrapsAt32Bits(Counter::kReceivePackets));
  EXPECT_EQ(eth0->attributes.speed_bps, 100'000'000u);
  EXPECT_EQ(eth0->attributes.address, "04:18:d6:2b:0a:92");
  EXPECT_FALSE(eth0->attributes.last_change_seconds.has_value());  // ifLastChange 0: unknown
  // lo: ifSpeed 0 means unknown, not zero.
  EXPECT_FALSE(Port(result, 1)->attributes.speed_bps.has_value());
  // Only 32-bit columns are in use, so a fast walk skips ifXTable entirely.
  EXPECT_TRUE(result.used_columns.test(IfColumnIndex(IfColumn::kInOctets)));
  EXPECT_FALSE(result.used_columns.test(IfColumnIndex(IfColumn::kHCInOctets)));
}

TEST(IfMibParserTest, LinuxHost) {
  const Recording r(kLinuxRecording);
  const IfMibParseResult result = ParseIfMib(r.varbinds(), Options("host"));
  ASSERT_EQ(result.records.size(), 11u);
  const InterfaceRecord* lo = Port(result, 1);
  EXPECT_EQ(Label(*lo, "ifName"), "lo");
  EXPECT_EQ(lo->counters.Get(Counter::kReceiveBytes), 16840u);
  EXPECT_EQ(lo->counters.Get(Counter::kReceivePackets), 194u);  // 194 + 0 + 0, all HC
  EXPECT_EQ(lo->attributes.speed_bps, 10'000'000u);
  EXPECT_EQ(lo->attributes.oper_state, OperState::kUp);
  const InterfaceRecord* ens32 = Port(result, 2);
  EXPECT_EQ(ens32->counters.Get(Counter::kReceiveBytes), 357853804u);  // HC, not 357322003
  // Every port has HC octets: the 32-bit octets are not needed on fast walks.
  EXPECT_FALSE(result.used_columns.test(IfColumnIndex(IfColumn::kInOctets)));
  EXPECT_TRUE(result.used_columns.test(IfColumnIndex(IfColumn::kInErrors)));
}

// ---- hand-made input ----

Varbind Column(IfColumn column, uint32_t if_index, SnmpType type, uint64_t value) {
  Varbind vb;
  vb.oid = IfColumnOid(column);
  vb.oid.push_back(if_index);
  vb.type = static_cast<uint8_t>(type);
  if (type == SnmpType::kInteger) {
    vb.integer = static_cast<int64_t>(value);
  } else {
    vb.unsigned_value = value;
  }
  return vb;
}

Varbind Text(IfColumn column, uint32_t if_index, std::string text) {
  Varbind vb;
  vb.oid = IfColumnOid(column);
  vb.oid.push_back(if_index);
  vb.type = static_cast<uint8_t>(SnmpType::kOctetString);
  vb.bytes = std::move(text);
  return vb;
}

Varbind SysUpTime(uint64_t ticks) {
  Varbind vb;
  vb.oid.assign(kSysUpTimeInstance.begin(), kSysUpTimeInstance.end());
  vb.type = static_cast<uint8_t>(SnmpType::kTimeTicks);
  vb.unsigned_value = ticks;
  return vb;
}

TEST(IfMibParserTest, MalformedVarbindsAreSkippedAndCounted) {
  using C = IfColumn;
  std::vector<Varbind> input = {
      Text(C::kDescr, 1, "eth0"),
      Column(C::kHCInOctets, 1, SnmpType::kCounter64, 1000),
      // Wrong types.
      Text(C::kInErrors, 1, "lots"),
      Column(C::kHCOutOctets, 1, SnmpType::kCounter32, 5),
      Column(C::kMtu, 1, SnmpType::kGauge32, 1500),
      // Out of range.
      Column(C::kInDiscards, 1, SnmpType::kCounter32, 1ull << 32),
      Column(C::kAdminStatus, 1, SnmpType::kInteger, 9),
      Column(C::kOperStatus, 1, SnmpType::kInteger, 0),
      Column(C::kType, 1, SnmpType::kInteger, 0),
      // Negative.
      Varbind{[] {
                Oid oid = IfColumnOid(C::kMtu);
                oid.push_back(1);
                return oid;
              }(),
              static_cast<uint8_t>(SnmpType::kInteger), -1, 0, ""},
      // Repeated instance: the first value stands.
      Column(C::kHCInOctets, 1, SnmpType::kCounter64, 2000),
      // Malformed index: none, two sub-identifiers, zero.
      Varbind{IfColumnOid(C::kSpeed), static_cast<uint8_t>(SnmpType::kGauge32), 0, 5, ""},
      Varbind{[] {
                Oid oid = IfColumnOid(C::kSpeed);
                oid.push_back(1);
                oid.push_back(2);
                return oid;
              }(),
              static_cast<uint8_t>(SnmpType::kGauge32), 0, 5, ""},
      Column(C::kSpeed, 0, SnmpType::kGauge32, 5),
      // sysUpTime with the wrong type.
      Varbind{Oid(kSysUpTimeInstance.begin(), kSysUpTimeInstance.end()),
              static_cast<uint8_t>(SnmpType::kCounter32), 0, 5, ""},
      // A string too long for a label.
      Text(C::kAlias, 1, std::string(kMaxDisplayStringBytes + 1, 'a')),
      // An unknown tag.
      Varbind{[] {
                Oid oid = IfColumnOid(C::kOutErrors);
                oid.push_back(1);
                return oid;
              }(),
              0x47, 0, 1, ""},
  };
  // Ignored without counting: other objects, columns not read, exceptions.
  input.push_back(Varbind{{1, 3, 6, 1, 2, 1, 1, 5, 0}, 4, 0, 0, "sysName"});
  input.push_back(Column(static_cast<IfColumn>(0), 1, SnmpType::kInteger, 1));  // ifDescr wrong
  input.back().oid[9] = 21;  // ifOutQLen: a column the exporter does not read
  Varbind end;
  end.oid = IfColumnOid(C::kName);
  end.oid.push_back(1);
  end.type = static_cast<uint8_t>(SnmpType::kNoSuchInstance);
  input.push_back(end);

  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_EQ(result.malformed, 15u) << ::testing::PrintToString(result.problems);
  EXPECT_EQ(result.problems.size(), kMaxReportedProblems);
  EXPECT_THAT(result.problems[0], HasSubstr("ifInErrors.1: want Counter32, got OCTET STRING"));
  ASSERT_EQ(result.records.size(), 1u);
  const InterfaceRecord& eth0 = result.records[0];
  EXPECT_EQ(eth0.counters.Get(Counter::kReceiveBytes), 1000u);
  EXPECT_FALSE(eth0.counters.Has(Counter::kTransmitBytes));
  EXPECT_FALSE(eth0.counters.Has(Counter::kReceiveErrors));
  EXPECT_FALSE(eth0.counters.Has(Counter::kReceiveDrop));
  EXPECT_FALSE(eth0.attributes.mtu.has_value());
  EXPECT_FALSE(eth0.attributes.admin_up.has_value());
  EXPECT_FALSE(eth0.attributes.oper_state.has_value());
  EXPECT_FALSE(eth0.attributes.speed_bps.has_value());
  EXPECT_FALSE(eth0.attributes.alias.has_value());
  EXPECT_FALSE(result.sys_uptime_ticks.has_value());
}

TEST(IfMibParserTest, GarbageNeverCrashes) {
  // Every tag, odd OIDs, huge values: whatever comes in, the parser returns.
  std::vector<Varbind> input;
  for (unsigned tag = 0; tag < 256; tag += 7) {
    for (IfColumn column : {IfColumn::kDescr, IfColumn::kOperStatus, IfColumn::kHCInOctets,
                            IfColumn::kSpeed, IfColumn::kPhysAddress, IfColumn::kLastChange}) {
      Varbind vb;
      vb.oid = IfColumnOid(column);
      vb.oid.push_back(1 + tag % 3);
      vb.type = static_cast<uint8_t>(tag);
      vb.integer = -static_cast<int64_t>(tag) * 1'000'000'007;
      vb.unsigned_value = ~uint64_t{0} - tag;
      vb.bytes = std::string(tag, '\xff');
      input.push_back(vb);
    }
  }
  input.push_back(Varbind{{}, 2, 0, 0, ""});
  input.push_back(Varbind{{1, 3, 6, 1, 2, 1, 2, 2, 1}, 2, 0, 0, ""});
  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_GT(result.malformed, 0u);
  EXPECT_LE(result.records.size(), 3u);
}

TEST(IfMibParserTest, LabelsNamesAndSelection) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      Text(C::kDescr, 3, std::string("GigabitEthernet0/3\0\0", 20)),  // trailing NULs dropped
      Text(C::kName, 3, "Gi0/3"),
      Text(C::kAlias, 3, "uplink to core"),
      Text(C::kDescr, 4, "unnamed"),
      Text(C::kName, 4, ""),
      Text(C::kDescr, 5, ""),
      Text(C::kDescr, 6, "Null0"),
      Text(C::kName, 7, "Gi0/3"),  // a duplicate name: both ports stay, told apart by ifIndex
  };
  IfMibParseOptions options = Options("edge");
  options.static_labels = {{"site", "lab"}, {"rack", "r1"}};
  options.selected = [](std::string_view name, std::string_view descr, std::string_view alias) {
    return name != "Null0" && descr != "Null0" && alias != "skip";
  };
  const IfMibParseResult result = ParseIfMib(input, options);
  ASSERT_EQ(result.records.size(), 4u);
  EXPECT_EQ(result.if_indexes, (std::set<uint32_t>{3, 4, 5, 6, 7}));
  EXPECT_THAT(result.records[0].labels,
              ElementsAre(Pair("target", "edge"), Pair("ifIndex", "3"), Pair("ifName", "Gi0/3"),
                          Pair("ifDescr", "GigabitEthernet0/3"), Pair("ifAlias", "uplink to core"),
                          Pair("site", "lab"), Pair("rack", "r1")));
  EXPECT_EQ(result.records[0].attributes.alias, "uplink to core");
  EXPECT_EQ(Label(result.records[1], "ifName"), "unnamed");  // empty ifName -> ifDescr
  EXPECT_EQ(result.records[1].name, "edge/unnamed");
  EXPECT_EQ(result.records[2].name, "edge/5");  // no name at all -> the ifIndex
  EXPECT_EQ(result.records[3].key.id, "7");
  EXPECT_EQ(result.records[3].name, "edge/Gi0/3");
}

TEST(IfMibParserTest, SpeedRules) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      Column(C::kSpeed, 1, SnmpType::kGauge32, 1'544'000),  // T1: ifSpeed is exact
      Column(C::kHighSpeed, 1, SnmpType::kGauge32, 2),
      Column(C::kSpeed, 2, SnmpType::kGauge32, 4294967295),  // saturated: ifHighSpeed
      Column(C::kHighSpeed, 2, SnmpType::kGauge32, 100'000),
      Column(C::kHighSpeed, 3, SnmpType::kGauge32, 25'000),  // no ifSpeed at all
      Column(C::kSpeed, 4, SnmpType::kGauge32, 4294967295),  // saturated, nothing better
      Column(C::kSpeed, 5, SnmpType::kGauge32, 0),           // unknown
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  ASSERT_EQ(result.records.size(), 5u);
  EXPECT_EQ(result.records[0].attributes.speed_bps, 1'544'000u);
  EXPECT_EQ(result.records[1].attributes.speed_bps, 100'000'000'000u);
  EXPECT_EQ(result.records[2].attributes.speed_bps, 25'000'000'000u);
  EXPECT_FALSE(result.records[3].attributes.speed_bps.has_value());
  EXPECT_FALSE(result.records[4].attributes.speed_bps.has_value());
}

TEST(IfMibParserTest, PacketSumsAcrossWidths) {
  using C = IfColumn;
  const uint64_t near_top = (1ull << 32) - 10;
  const std::vector<Varbind> input = {
      // Port 1: HC unicast, 32-bit multicast and broadcast: a 32-bit sum, modulo 2^32.
      Column(C::kHCInUcastPkts, 1, SnmpType::kCounter64, (1ull << 40) + 5),
      Column(C::kInMulticastPkts, 1, SnmpType::kCounter32, near_top),
      Column(C::kInBroadcastPkts, 1, SnmpType::kCounter32, 20),
      // Port 2: unicast + non-unicast only.
      Column(C::kInUcastPkts, 2, SnmpType::kCounter32, near_top),
      Column(C::kInNUcastPkts, 2, SnmpType::kCounter32, 30),
      // Port 3: unicast alone: no total.
      Column(C::kInUcastPkts, 3, SnmpType::kCounter32, 7),
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0].counters.Get(Counter::kReceivePackets),
            (5 + near_top + 20) % (1ull << 32));
  EXPECT_TRUE(result.records[0].counters.WrapsAt32Bits(Counter::kReceivePackets));
  EXPECT_EQ(result.records[0].counters.Get(Counter::kReceiveUnicast), (1ull << 40) + 5);
  EXPECT_EQ(result.records[1].counters.Get(Counter::kReceivePackets),
            (near_top + 30) % (1ull << 32));
  EXPECT_FALSE(result.records[2].counters.Has(Counter::kReceivePackets));
  EXPECT_TRUE(result.used_columns.test(IfColumnIndex(C::kInNUcastPkts)));
}

Varbind Integer(IfColumn column, uint32_t if_index, int64_t value) {
  Varbind vb = Column(column, if_index, SnmpType::kInteger, 0);
  vb.integer = value;
  return vb;
}

// A device with no ifXTable whose agent sends Counter64 in ifTable's Counter32 columns (the
// issue's device): 64-bit counters, nothing skipped, every byte/packet/error/drop counter there.
TEST(IfMibQuirksTest, Counter64InIfTableIsA64BitCounter) {
  using C = IfColumn;
  const uint64_t big = (1ull << 33) + 7;  // beyond 2^32: no Counter32 could hold it
  const std::vector<Varbind> input = {
      Text(C::kDescr, 1, "eth0"),
      Column(C::kInOctets, 1, SnmpType::kCounter64, big),
      Column(C::kOutOctets, 1, SnmpType::kCounter64, big + 1),
      Column(C::kInUcastPkts, 1, SnmpType::kCounter64, big + 2),
      Column(C::kInNUcastPkts, 1, SnmpType::kCounter64, 3),
      Column(C::kOutUcastPkts, 1, SnmpType::kCounter64, 10),
      Column(C::kOutNUcastPkts, 1, SnmpType::kCounter32, 4),  // one part 32-bit: a 32-bit sum
      Column(C::kInErrors, 1, SnmpType::kCounter64, big + 3),
      Column(C::kInDiscards, 1, SnmpType::kCounter64, 5),
      Column(C::kOutErrors, 1, SnmpType::kCounter64, 6),
      Column(C::kOutDiscards, 1, SnmpType::kCounter64, 7),
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_EQ(result.malformed, 0u) << ::testing::PrintToString(result.problems);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kCounter64InCounter32), 9u);
  EXPECT_THAT(result.quirks.examples[static_cast<size_t>(SnmpQuirk::kCounter64InCounter32)],
              HasSubstr("ifInOctets.1: Counter64"));
  ASSERT_EQ(result.records.size(), 1u);
  const CounterSet& c = result.records[0].counters;
  for (auto [counter, value] :
       std::vector<std::pair<Counter, uint64_t>>{{Counter::kReceiveBytes, big},
                                                 {Counter::kTransmitBytes, big + 1},
                                                 {Counter::kReceiveUnicast, big + 2},
                                                 {Counter::kReceivePackets, big + 2 + 3},
                                                 {Counter::kReceiveErrors, big + 3},
                                                 {Counter::kReceiveDrop, 5},
                                                 {Counter::kTransmitErrors, 6},
                                                 {Counter::kTransmitDrop, 7}}) {
    EXPECT_EQ(c.Get(counter), value) << static_cast<int>(counter);
    EXPECT_FALSE(c.WrapsAt32Bits(counter)) << static_cast<int>(counter);
  }
  EXPECT_EQ(c.Get(Counter::kTransmitPackets), 14u);
  EXPECT_TRUE(c.WrapsAt32Bits(Counter::kTransmitPackets));
}

TEST(IfMibQuirksTest, GaugeOrIntegerCountersAre32Bit) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      Column(C::kInOctets, 1, SnmpType::kGauge32, 100),
      Column(C::kHCOutOctets, 1, SnmpType::kGauge32, 200),  // a gauge is 32-bit even in HC
      Integer(C::kInErrors, 1, 3),
      Integer(C::kOutErrors, 1, -1),                              // negative: unclear, skipped
      Column(C::kInDiscards, 1, SnmpType::kGauge32, 1ull << 32),  // beyond a Gauge32: skipped
      Column(C::kOutDiscards, 1, SnmpType::kTimeTicks, 9),        // not a counter: skipped
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kGaugeAsCounter), 2u);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kIntegerAsCounter), 1u);
  EXPECT_EQ(result.malformed, 3u) << ::testing::PrintToString(result.problems);
  ASSERT_EQ(result.records.size(), 1u);
  const CounterSet& c = result.records[0].counters;
  EXPECT_EQ(c.Get(Counter::kReceiveBytes), 100u);
  EXPECT_TRUE(c.WrapsAt32Bits(Counter::kReceiveBytes));
  EXPECT_EQ(c.Get(Counter::kTransmitBytes), 200u);
  EXPECT_TRUE(c.WrapsAt32Bits(Counter::kTransmitBytes));
  EXPECT_EQ(c.Get(Counter::kReceiveErrors), 3u);
  EXPECT_FALSE(c.Has(Counter::kTransmitErrors));
  EXPECT_FALSE(c.Has(Counter::kReceiveDrop));
  EXPECT_FALSE(c.Has(Counter::kTransmitDrop));
}

TEST(IfMibQuirksTest, SpeedsInOtherShapes) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      Text(C::kSpeed, 1, "1000000000"),                             // text
      Text(C::kSpeed, 2, std::string("100000000\0", 10)),           // text with its NUL
      Text(C::kSpeed, 3, "1 Gbps"),                                 // not a number: skipped
      Column(C::kSpeed, 4, SnmpType::kCounter64, 10'000'000'000),   // 10G, past 2^32-1
      Column(C::kSpeed, 5, SnmpType::kGauge32, 40'000'000'000),     // out of a Gauge32's range
      Integer(C::kSpeed, 6, 100'000'000),                           // INTEGER
      Integer(C::kSpeed, 7, -1),                                    // negative: skipped
      Integer(C::kHighSpeed, 8, 1000),                              // ifHighSpeed as INTEGER
      Column(C::kSpeed, 9, SnmpType::kGauge32, 4294967295),         // saturated ...
      Column(C::kHighSpeed, 9, SnmpType::kGauge32, 0),              // ... and no better
      Column(C::kHighSpeed, 10, SnmpType::kCounter64, 1ull << 33),  // ifHighSpeed too big
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_EQ(result.malformed, 3u) << ::testing::PrintToString(result.problems);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kSpeedOctetString), 2u);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kSpeedOutOfRange), 2u);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kSpeedWrongType), 2u);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kHighSpeedZero), 1u);
  std::map<uint32_t, std::optional<uint64_t>> speeds;
  for (const auto& record : result.records) {
    speeds[*record.attributes.ifindex] = record.attributes.speed_bps;
  }
  EXPECT_EQ(speeds[1], 1'000'000'000u);
  EXPECT_EQ(speeds[2], 100'000'000u);
  EXPECT_FALSE(speeds[3].has_value());
  EXPECT_EQ(speeds[4], 10'000'000'000u);
  EXPECT_EQ(speeds[5], 40'000'000'000u);
  EXPECT_EQ(speeds[6], 100'000'000u);
  EXPECT_FALSE(speeds[7].has_value());
  EXPECT_EQ(speeds[8], 1'000'000'000u);
  EXPECT_FALSE(speeds[9].has_value());  // never guessed
  EXPECT_FALSE(speeds[10].has_value());
}

TEST(IfMibQuirksTest, EmptyIfNameAndHolesAreCounted) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      Text(C::kDescr, 1, "port 1"),
      Text(C::kName, 1, ""),
      Column(C::kInOctets, 1, SnmpType::kCounter32, 1),
      Text(C::kDescr, 2, "port 2"),
      Text(C::kName, 2, "p2"),
      Column(C::kInOctets, 2, SnmpType::kCounter32, 2),
      Text(C::kDescr, 3, "port 3"),  // a hole: no ifName, no ifInOctets
      Text(C::kDescr, 4, "port 4"),
      Text(C::kName, 4, "p4"),
      Text(C::kInOctets, 4, "x"),  // refused, but answered: no hole
  };
  const IfMibParseResult result = ParseIfMib(input, Options());
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kEmptyIfName), 1u);
  EXPECT_EQ(result.quirks.Count(SnmpQuirk::kTableHole), 1u);
  EXPECT_THAT(result.quirks.examples[static_cast<size_t>(SnmpQuirk::kTableHole)],
              HasSubstr(".3 missing"));
  EXPECT_EQ(result.malformed, 1u);
  ASSERT_EQ(result.records.size(), 4u);
  EXPECT_EQ(Label(result.records[0], "ifName"), "port 1");
  EXPECT_EQ(result.records[2].counters.Has(Counter::kReceiveBytes), false);
  EXPECT_EQ(Label(result.records[2], "ifName"), "port 3");
}

TEST(IfMibQuirksTest, WellBehavedRecordingsHaveNoTypeQuirks) {
  for (const char* file : {kCiscoRecording, kUbiquitiRecording, kLinuxRecording}) {
    const Recording r(file);
    const IfMibParseResult result = ParseIfMib(r.varbinds(), Options());
    for (SnmpQuirk quirk : {SnmpQuirk::kCounter64InCounter32, SnmpQuirk::kGaugeAsCounter,
                            SnmpQuirk::kIntegerAsCounter, SnmpQuirk::kSpeedWrongType,
                            SnmpQuirk::kSpeedOctetString, SnmpQuirk::kSpeedOutOfRange}) {
      EXPECT_EQ(result.quirks.Count(quirk), 0u) << file << " " << SnmpQuirkName(quirk);
    }
  }
}

TEST(IfMibParserTest, LastChangeAcrossAnUptimeWrap) {
  using C = IfColumn;
  const std::vector<Varbind> input = {
      SysUpTime(1000),                                              // 10 s after sysUpTime wrapped
      Column(C::kLastChange, 1, SnmpType::kTimeTicks, 500),         // 5 s after the wrap
      Column(C::kLastChange, 2, SnmpType::kTimeTicks, 4294967000),  // before the wrap
      Column(C::kLastChange, 3, SnmpType::kTimeTicks, 0),           // before the agent started
  };
  IfMibParseOptions options = Options();
  options.agent_epoch_unix_seconds = 5000;  // the agent's TimeTicks were 0 at unix 5000
  const IfMibParseResult result = ParseIfMib(input, options);
  EXPECT_DOUBLE_EQ(*result.records[0].attributes.last_change_seconds, 5005);
  EXPECT_DOUBLE_EQ(*result.records[1].attributes.last_change_seconds,
                   5000 + (4294967000.0 - 4294967296.0) / 100);
  EXPECT_FALSE(result.records[2].attributes.last_change_seconds.has_value());
}

TEST(AgentEpochTest, StaysPutWithinTheTolerance) {
  AgentEpoch epoch;
  EXPECT_DOUBLE_EQ(epoch.Update(100'000, 2000.0), 1000.0);
  EXPECT_DOUBLE_EQ(epoch.Update(110'000, 2100.3), 1000.0);  // 0.3 s of latency: unchanged
  EXPECT_DOUBLE_EQ(epoch.Update(120'000, 2199.1), 1000.0);
  EXPECT_DOUBLE_EQ(epoch.Update(500, 3000.0), 2995.0);  // the agent restarted
}

TEST(FormatPhysAddressTest, HexPairs) {
  EXPECT_EQ(FormatPhysAddress(std::string("\x00\x1b\x21\xff\x0a\x01", 6)), "00:1b:21:ff:0a:01");
  EXPECT_EQ(FormatPhysAddress(""), "");
  EXPECT_EQ(FormatPhysAddress("\xab"), "ab");
}

// ---- drift checks ----

// Static target labels may not shadow a label any metric family adds (config/snmp_config.h
// keeps the list, since config/ may not depend on exposition/).
TEST(SnmpReservedLabelsTest, CoverEveryExtraLabelOfTheCatalogue) {
  for (const MetricDefinition& definition : InterfaceMetricCatalogue()) {
    std::stringstream labels{std::string(definition.extra_labels)};
    for (std::string label; std::getline(labels, label, ',');) {
      EXPECT_TRUE(CheckSnmpLabelName(label).has_value())
          << definition.name << " adds label " << label << ", which kSnmpReservedLabels lacks";
    }
  }
  for (std::string_view label : kSnmpInterfaceLabels) {
    EXPECT_TRUE(CheckSnmpLabelName(label).has_value()) << label;
  }
}

// The README's mapping table names every column the parser reads.
TEST(SnmpReadmeTest, MappingTableNamesEveryColumn) {
  std::ifstream in(std::string(NETIF_SOURCE_DIR) + "/src/collectors/snmp/README.md");
  ASSERT_TRUE(in) << "src/collectors/snmp/README.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  for (const IfColumnInfo& info : kIfColumns) {
    EXPECT_THAT(text.str(), HasSubstr("| `" + std::string(info.name) + "`"))
        << info.name << " has no row in the README's mapping table";
  }
}

}  // namespace
}  // namespace netif
