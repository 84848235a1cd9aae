#include "collectors/sysfs/sysfs_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "support/recording_file_reader.h"
#include "util/file_reader.h"

namespace netif {
namespace {

using ::testing::Optional;
using testing_support::RecordingFileReader;

constexpr char kBadName[] =
    "bad\xff"
    "0";

// --- Parse helpers -------------------------------------------------------------------------------

TEST(SysfsParseTest, TrimTrailingWhitespace) {
  EXPECT_EQ(sysfs::TrimTrailingWhitespace("up\n"), "up");
  EXPECT_EQ(sysfs::TrimTrailingWhitespace("up \r\n\t"), "up");
  EXPECT_EQ(sysfs::TrimTrailingWhitespace(" up"), " up");
  EXPECT_EQ(sysfs::TrimTrailingWhitespace("\n"), "");
  EXPECT_EQ(sysfs::TrimTrailingWhitespace(""), "");
}

TEST(SysfsParseTest, U32) {
  EXPECT_THAT(sysfs::ParseU32("1500\n"), Optional(1500u));
  EXPECT_THAT(sysfs::ParseU32("0\n"), Optional(0u));
  EXPECT_THAT(sysfs::ParseU32("4294967295\n"), Optional(4294967295u));
  EXPECT_EQ(sysfs::ParseU32("4294967296\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32("-1\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32("+1\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32(" 1\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32("1 2\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32("0x10\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32("\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU32(""), std::nullopt);
}

TEST(SysfsParseTest, U64) {
  EXPECT_THAT(sysfs::ParseU64("3\n"), Optional(uint64_t{3}));
  EXPECT_THAT(sysfs::ParseU64("18446744073709551615\n"),
              Optional(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(sysfs::ParseU64("18446744073709551616\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU64("three\n"), std::nullopt);
}

TEST(SysfsParseTest, Carrier) {
  EXPECT_THAT(sysfs::ParseCarrier("1\n"), Optional(true));
  EXPECT_THAT(sysfs::ParseCarrier("0\n"), Optional(false));
  EXPECT_EQ(sysfs::ParseCarrier("2\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseCarrier("10\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseCarrier(""), std::nullopt);
}

TEST(SysfsParseTest, SpeedIsMegabitsAndUnknownSentinelsAreAbsent) {
  EXPECT_THAT(sysfs::ParseSpeedBps("1000\n"), Optional(uint64_t{1'000'000'000}));
  EXPECT_THAT(sysfs::ParseSpeedBps("10\n"), Optional(uint64_t{10'000'000}));
  EXPECT_THAT(sysfs::ParseSpeedBps("400000\n"), Optional(uint64_t{400'000'000'000}));
  EXPECT_THAT(sysfs::ParseSpeedBps("2147483647\n"), Optional(uint64_t{2147483647} * 1'000'000));
  EXPECT_EQ(sysfs::ParseSpeedBps("-1\n"), std::nullopt);          // SPEED_UNKNOWN, signed
  EXPECT_EQ(sysfs::ParseSpeedBps("4294967295\n"), std::nullopt);  // SPEED_UNKNOWN, unsigned
  EXPECT_EQ(sysfs::ParseSpeedBps("2147483648\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseSpeedBps("0\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseSpeedBps("-100\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseSpeedBps("1000Mb/s\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseSpeedBps(""), std::nullopt);
}

TEST(SysfsParseTest, Flags) {
  EXPECT_THAT(sysfs::ParseFlags("0x1003\n"), Optional(0x1003u));
  EXPECT_THAT(sysfs::ParseFlags("0X9\n"), Optional(0x9u));
  EXPECT_THAT(sysfs::ParseFlags("0\n"), Optional(0u));
  EXPECT_THAT(sysfs::ParseFlags("1002\n"), Optional(0x1002u));
  EXPECT_THAT(sysfs::ParseFlags("0xffffffff\n"), Optional(0xffffffffu));
  EXPECT_EQ(sysfs::ParseFlags("0x100000000\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseFlags("0x\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseFlags("0xg\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseFlags("-0x1\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseFlags(""), std::nullopt);
}

TEST(SysfsParseTest, SmallNumbersGroupAndDormant) {
  EXPECT_THAT(sysfs::ParseU8("4\n"), Optional(uint8_t{4}));
  EXPECT_THAT(sysfs::ParseU8("255\n"), Optional(uint8_t{255}));
  EXPECT_EQ(sysfs::ParseU8("256\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU8("-1\n"), std::nullopt);
  EXPECT_THAT(sysfs::ParseGroup("7\n"), Optional(7u));
  EXPECT_THAT(sysfs::ParseGroup("-1\n"), Optional(4294967295u));
  EXPECT_THAT(sysfs::ParseGroup("-2147483648\n"), Optional(2147483648u));
  EXPECT_EQ(sysfs::ParseGroup("2147483648\n"), std::nullopt) << "the kernel prints an int";
  EXPECT_THAT(sysfs::ParseDormant("1\n"), Optional(true));
  EXPECT_THAT(sysfs::ParseDormant("0\n"), Optional(false));
  EXPECT_EQ(sysfs::ParseDormant("2\n"), std::nullopt);
  EXPECT_THAT(sysfs::ParseFlags("0x0\n"), Optional(0u));  // dev_id
}

TEST(SysfsParseTest, MasterNameFromLink) {
  EXPECT_EQ(sysfs::MasterNameFromLink("../br0"), "br0");
  EXPECT_EQ(sysfs::MasterNameFromLink("../../../virtual/net/bond0"), "bond0");
  EXPECT_EQ(sysfs::MasterNameFromLink("br0"), "br0");
  EXPECT_EQ(sysfs::MasterNameFromLink("../"), std::nullopt);
  EXPECT_EQ(sysfs::MasterNameFromLink(""), std::nullopt);
}

TEST(SysfsParseTest, BondingSlaveFiles) {
  EXPECT_THAT(sysfs::ParseBondSlaveState("active\n"), Optional(true));
  EXPECT_THAT(sysfs::ParseBondSlaveState("backup\n"), Optional(false));
  EXPECT_EQ(sysfs::ParseBondSlaveState("standby\n"), std::nullopt);
  EXPECT_THAT(sysfs::ParseBondMiiStatus("up\n"), Optional(kBondLinkUp));
  EXPECT_THAT(sysfs::ParseBondMiiStatus("going down\n"), Optional(uint8_t{1}));
  EXPECT_THAT(sysfs::ParseBondMiiStatus("down\n"), Optional(uint8_t{2}));
  EXPECT_THAT(sysfs::ParseBondMiiStatus("going back\n"), Optional(uint8_t{3}));
  EXPECT_EQ(sysfs::ParseBondMiiStatus("unknown\n"), std::nullopt);
  EXPECT_THAT(sysfs::ParseU16OrNotApplicable("61\n"), Optional(uint16_t{61}));
  EXPECT_EQ(sysfs::ParseU16OrNotApplicable("N/A\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseU16OrNotApplicable("65536\n"), std::nullopt);
}

TEST(SysfsParseTest, Address) {
  EXPECT_THAT(sysfs::ParseAddress("52:54:00:12:34:56\n"),
              Optional(std::string("52:54:00:12:34:56")));
  EXPECT_THAT(sysfs::ParseAddress("AE:0F:91:3C:7A:3F\n"),
              Optional(std::string("ae:0f:91:3c:7a:3f")));
  EXPECT_THAT(sysfs::ParseAddress("00:00:00:00\n"), Optional(std::string("00:00:00:00")));
  EXPECT_THAT(sysfs::ParseAddress("ff\n"), Optional(std::string("ff")));
  std::string longest = "00";
  for (int i = 1; i < 32; ++i) longest += ":00";
  EXPECT_THAT(sysfs::ParseAddress(longest + "\n"), Optional(longest));
  EXPECT_EQ(sysfs::ParseAddress(longest + ":00\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseAddress("\n"), std::nullopt);  // a link type without an address
  EXPECT_EQ(sysfs::ParseAddress(""), std::nullopt);
  EXPECT_EQ(sysfs::ParseAddress("52:54:00:12:34:5\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseAddress("52-54-00-12-34-56\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseAddress("52:54:00:12:34:5g\n"), std::nullopt);
  EXPECT_EQ(sysfs::ParseAddress(":52:54\n"), std::nullopt);
}

TEST(SysfsParseTest, AliasKeepsItsBytesButNotTheKernelsNewline) {
  EXPECT_THAT(sysfs::ParseAlias("uplink \"core\" \\ 1\n"),
              Optional(std::string("uplink \"core\" \\ 1")));
  EXPECT_THAT(sysfs::ParseAlias("trailing space \n"), Optional(std::string("trailing space ")));
  EXPECT_THAT(sysfs::ParseAlias("two\nlines\n"), Optional(std::string("two\nlines")));
  EXPECT_THAT(sysfs::ParseAlias("caf\xc3\xa9\n"), Optional(std::string("caf\xc3\xa9")));
  EXPECT_THAT(sysfs::ParseAlias("no newline"), Optional(std::string("no newline")));
  EXPECT_EQ(sysfs::ParseAlias(""), std::nullopt);  // current kernels: no alias, empty file
  EXPECT_EQ(sysfs::ParseAlias("\n"), std::nullopt);
}

// --- SysfsReader on in-memory trees --------------------------------------------------------------

// A physical NIC, up, with every attribute readable.
void AddEth0(InMemoryFileReader& fs, const std::string& root = "/sys") {
  const std::string dir = root + "/class/net/eth0/";
  fs.AddFile(dir + "operstate", "up\n");
  fs.AddFile(dir + "carrier", "1\n");
  fs.AddFile(dir + "speed", "1000\n");
  fs.AddFile(dir + "duplex", "full\n");
  fs.AddFile(dir + "mtu", "1500\n");
  fs.AddFile(dir + "carrier_changes", "3\n");
  fs.AddFile(dir + "carrier_up_count", "2\n");
  fs.AddFile(dir + "carrier_down_count", "1\n");
  fs.AddFile(dir + "address", "52:54:00:12:34:56\n");
  fs.AddFile(dir + "ifindex", "2\n");
  fs.AddFile(dir + "iflink", "2\n");
  fs.AddFile(dir + "type", "1\n");
  fs.AddFile(dir + "ifalias", "uplink \"core\" \\ 1\n");
  fs.AddFile(dir + "flags", "0x1003\n");
  fs.AddFile(dir + "broadcast", "ff:ff:ff:ff:ff:ff\n");
  fs.AddFile(dir + "tx_queue_len", "1000\n");
  fs.AddFile(dir + "link_mode", "0\n");
  fs.AddFile(dir + "netdev_group", "0\n");
  fs.AddFile(dir + "dormant", "0\n");
  fs.AddFile(dir + "addr_assign_type", "0\n");
  fs.AddFile(dir + "name_assign_type", "4\n");
  fs.AddFile(dir + "dev_id", "0x0\n");
}

LinkAttributes Eth0Attributes() {
  LinkAttributes a;
  a.ifindex = 2;
  a.iflink = 2;
  a.mtu = 1500;
  a.type = 1;
  a.speed_bps = 1'000'000'000;
  a.duplex = Duplex::kFull;
  a.oper_state = OperState::kUp;
  a.admin_up = true;
  a.carrier = true;
  a.carrier_changes = 3;
  a.carrier_up_count = 2;
  a.carrier_down_count = 1;
  a.address = "52:54:00:12:34:56";
  a.alias = "uplink \"core\" \\ 1";
  a.is_virtual = false;
  a.flags = 0x1003;
  a.broadcast = "ff:ff:ff:ff:ff:ff";
  a.tx_queue_len = 1000;
  a.link_mode = 0;
  a.group = 0;
  a.dormant = false;
  a.addr_assign_type = 0;
  a.name_assign_type = 4;
  a.dev_id = 0;
  return a;
}

TEST(SysfsReaderTest, ReadsEveryAttributeOfAPhysicalLink) {
  InMemoryFileReader fs;
  AddEth0(fs);
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes));
  EXPECT_EQ(attributes, Eth0Attributes());
}

TEST(SysfsReaderTest, RefusedFilesAreReportedAndTheOtherAttributesStillRead) {
  // A FIFO in place of `speed` (reading it would wait for a writer), a device in place of `mtu`
  // (/dev/zero never ends) and an `ifalias` longer than any attribute.
  InMemoryFileReader fs;
  AddEth0(fs);
  fs.AddSpecialFile("/sys/class/net/eth0/speed", S_IFIFO);
  fs.AddSpecialFile("/sys/class/net/eth0/mtu", S_IFCHR);
  fs.AddFile("/sys/class/net/eth0/ifalias", std::string(kMaxAttributeBytes + 1, 'a'));
  LinkAttributes attributes;
  std::vector<RefusedRead> refused;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes, &refused));
  LinkAttributes expected = Eth0Attributes();
  expected.speed_bps.reset();
  expected.mtu.reset();
  expected.alias.reset();
  EXPECT_EQ(attributes, expected);
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0].path, "/sys/class/net/eth0/speed");
  EXPECT_EQ(refused[0].why, "not a regular file (a FIFO)");
  EXPECT_EQ(refused[0].reason, "not_regular_file");
  EXPECT_EQ(refused[1].path, "/sys/class/net/eth0/mtu");
  EXPECT_EQ(refused[1].why, "not a regular file (a character device)");
  EXPECT_EQ(refused[2].path, "/sys/class/net/eth0/ifalias");
  EXPECT_EQ(refused[2].why, "larger than 4096 bytes");
  EXPECT_EQ(refused[2].reason, "too_large");
}

TEST(SysfsReaderTest, RootMayEndInASlash) {
  InMemoryFileReader fs;
  AddEth0(fs, "/host/sys");
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/host/sys/").ReadAttributes("eth0", {}, attributes));
  EXPECT_EQ(attributes, Eth0Attributes());
}

TEST(SysfsReaderTest, WithoutLinkStateSkipsWhatNetlinkOwns) {
  InMemoryFileReader fs;
  AddEth0(fs);
  LinkAttributes attributes;
  SysfsReader::Options options;
  options.facts = {LinkFacts::kSettings, LinkFacts::kMedium};
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, attributes));
  LinkAttributes expected = Eth0Attributes();
  expected.oper_state.reset();
  expected.carrier.reset();
  expected.carrier_changes.reset();
  expected.carrier_up_count.reset();
  expected.carrier_down_count.reset();
  expected.admin_up.reset();
  EXPECT_EQ(attributes, expected);
}

TEST(SysfsReaderTest, WithoutSlowAttributesReadsOnlyLinkState) {
  InMemoryFileReader fs;
  AddEth0(fs);
  LinkAttributes attributes;
  SysfsReader::Options options;
  options.facts = {LinkFacts::kState};
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, attributes));
  const LinkAttributes full = Eth0Attributes();
  EXPECT_EQ(attributes.oper_state, full.oper_state);
  EXPECT_EQ(attributes.carrier, full.carrier);
  EXPECT_EQ(attributes.admin_up, full.admin_up);
  EXPECT_FALSE(attributes.speed_bps.has_value());
  EXPECT_FALSE(attributes.mtu.has_value());
  EXPECT_FALSE(attributes.is_virtual.has_value());
}

TEST(SysfsReaderTest, WhatNetlinkLacksIsTheMedium) {
  // The sampler's mode while netlink runs: the files an RTM_NEWLINK message also carries are not
  // opened at all.
  InMemoryFileReader tree;
  AddEth0(tree);
  RecordingFileReader fs(tree);
  LinkAttributes attributes;
  SysfsReader::Options options;
  options.facts = {LinkFacts::kMedium};
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, attributes));
  EXPECT_THAT(fs.reads, ::testing::ElementsAre(
                            "/sys/class/net/eth0/speed", "/sys/class/net/eth0/duplex",
                            "/sys/class/net/eth0/dormant", "/sys/class/net/eth0/addr_assign_type",
                            "/sys/class/net/eth0/name_assign_type", "/sys/class/net/eth0/dev_id",
                            "/sys/class/net/eth0/flags"));
  EXPECT_THAT(fs.exists_checks,
              ::testing::ElementsAre("/sys/class/net/eth0", "/sys/devices/virtual/net/eth0"));
  const LinkAttributes full = Eth0Attributes();
  LinkAttributes expected;
  ForEachLinkFact(LinkFacts::kMedium, [&](auto field) { expected.*field = full.*field; });
  EXPECT_EQ(attributes, expected);
  EXPECT_TRUE(expected.flags.has_value());
  EXPECT_FALSE(attributes.admin_up.has_value()) << "IFF_UP is the state's, not asked for";
}

TEST(SysfsReaderTest, MasterIsTheNameItsSymlinkPointsTo) {
  InMemoryFileReader fs;
  AddEth0(fs);
  fs.AddSymlink("/sys/class/net/eth0/master", "../../../virtual/net/br0");
  LinkAttributes attributes;
  SysfsReader::Options options;
  options.facts = {LinkFacts::kSettings};
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, attributes));
  EXPECT_EQ(attributes.master, "br0");
  EXPECT_EQ(attributes.master_ifindex, std::nullopt) << "sysfs has no index for it";
  EXPECT_EQ(attributes.broadcast, "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(attributes.tx_queue_len, 1000u);
  EXPECT_EQ(attributes.bond_slave, std::nullopt);
  // Not enslaved: no link, no master.
  InMemoryFileReader alone;
  AddEth0(alone);
  LinkAttributes free;
  EXPECT_TRUE(SysfsReader(alone, "/sys").ReadAttributes("eth0", options, free));
  EXPECT_EQ(free.master, std::nullopt);
}

TEST(SysfsReaderTest, BondPortStateComesFromBondingSlave) {
  InMemoryFileReader fs;
  AddEth0(fs);
  const std::string dir = "/sys/class/net/eth0/bonding_slave/";
  fs.AddSymlink("/sys/class/net/eth0/master", "../bond0");
  fs.AddFile(dir + "state", "backup\n");
  fs.AddFile(dir + "mii_status", "going back\n");
  fs.AddFile(dir + "link_failure_count", "4\n");
  fs.AddFile(dir + "perm_hwaddr", "52:54:00:12:34:56\n");
  fs.AddFile(dir + "queue_id", "0\n");
  fs.AddFile(dir + "ad_aggregator_id", "2\n");
  fs.AddFile(dir + "ad_actor_oper_port_state", "61\n");
  fs.AddFile(dir + "ad_partner_oper_port_state", "63\n");
  SysfsReader::Options options;
  options.facts = {LinkFacts::kSettings};
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, attributes));
  EXPECT_EQ(attributes.master, "bond0");
  ASSERT_TRUE(attributes.bond_slave.has_value());
  EXPECT_EQ(*attributes.bond_slave, (BondSlave{.active = false,
                                               .mii_status = 3,
                                               .link_failure_count = 4,
                                               .queue_id = 0,
                                               .ad_aggregator_id = 2,
                                               .ad_actor_port_state = 61,
                                               .ad_partner_port_state = 63}));
  // Outside 802.3ad mode the kernel prints N/A.
  for (const char* file :
       {"ad_aggregator_id", "ad_actor_oper_port_state", "ad_partner_oper_port_state"}) {
    fs.AddFile(dir + file, "N/A\n");
  }
  fs.AddFile(dir + "state", "active\n");
  LinkAttributes active_backup;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", options, active_backup));
  ASSERT_TRUE(active_backup.bond_slave.has_value());
  EXPECT_EQ(*active_backup.bond_slave,
            (BondSlave{.active = true, .mii_status = 3, .link_failure_count = 4, .queue_id = 0}));
}

TEST(SysfsReaderTest, WhatTheKernelRefusesForADownLinkIsAbsent) {
  // Down: dormant fails with EINVAL; a name the kernel does not know how it got fails too.
  InMemoryFileReader down;
  const std::string dir = "/sys/class/net/eth1/";
  down.AddFile(dir + "operstate", "down\n");
  down.AddFile(dir + "flags", "0x1002\n");
  down.AddFile(dir + "addr_assign_type", "3\n");
  down.AddFile(dir + "dev_id", "0x1\n");
  down.AddFile(dir + "netdev_group", "-1\n");  // group 4294967295, printed as an int
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(down, "/sys").ReadAttributes("eth1", {}, attributes));
  EXPECT_EQ(attributes.dormant, std::nullopt);
  EXPECT_EQ(attributes.name_assign_type, std::nullopt);
  EXPECT_EQ(attributes.flags, 0x1002u);
  EXPECT_EQ(attributes.admin_up, false);
  EXPECT_EQ(attributes.addr_assign_type, 3u);
  EXPECT_EQ(attributes.dev_id, 1u);
  EXPECT_EQ(attributes.group, 4294967295u);
}

TEST(SysfsReaderTest, VirtualLinkWithUnreadableAttributes) {
  // lo: no speed or duplex (reading them fails with EINVAL), no alias (empty file).
  InMemoryFileReader fs;
  const std::string dir = "/sys/class/net/lo/";
  fs.AddFile(dir + "operstate", "unknown\n");
  fs.AddFile(dir + "carrier", "1\n");
  fs.AddFile(dir + "mtu", "65536\n");
  fs.AddFile(dir + "address", "00:00:00:00:00:00\n");
  fs.AddFile(dir + "ifindex", "1\n");
  fs.AddFile(dir + "type", "772\n");
  fs.AddFile(dir + "ifalias", "");
  fs.AddFile(dir + "flags", "0x9\n");
  fs.AddDirectory("/sys/devices/virtual/net/lo");
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("lo", {}, attributes));
  EXPECT_THAT(attributes.is_virtual, Optional(true));
  EXPECT_THAT(attributes.oper_state, Optional(OperState::kUnknown));
  EXPECT_THAT(attributes.admin_up, Optional(true));
  EXPECT_THAT(attributes.type, Optional(772u));
  EXPECT_EQ(attributes.speed_bps, std::nullopt);
  EXPECT_EQ(attributes.duplex, std::nullopt);
  EXPECT_EQ(attributes.alias, std::nullopt);
  EXPECT_EQ(attributes.iflink, std::nullopt);
  EXPECT_EQ(attributes.carrier_changes, std::nullopt);
}

TEST(SysfsReaderTest, DownLinkWithoutCarrierAndUnknownSpeed) {
  InMemoryFileReader fs;
  const std::string dir = "/sys/class/net/eth1/";
  fs.AddFile(dir + "operstate", "down\n");
  fs.AddFile(dir + "speed", "-1\n");
  fs.AddFile(dir + "duplex", "unknown\n");
  fs.AddFile(dir + "flags", "0x1002\n");
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth1", {}, attributes));
  EXPECT_THAT(attributes.oper_state, Optional(OperState::kDown));
  EXPECT_THAT(attributes.admin_up, Optional(false));
  EXPECT_THAT(attributes.duplex, Optional(Duplex::kUnknown));
  EXPECT_EQ(attributes.carrier, std::nullopt);
  EXPECT_EQ(attributes.speed_bps, std::nullopt);
  EXPECT_THAT(attributes.is_virtual, Optional(false));
}

TEST(SysfsReaderTest, MalformedValuesAreLeftOut) {
  InMemoryFileReader fs;
  const std::string dir = "/sys/class/net/eth0/";
  fs.AddFile(dir + "operstate", "sideways\n");
  fs.AddFile(dir + "carrier", "maybe\n");
  fs.AddFile(dir + "speed", "0\n");
  fs.AddFile(dir + "duplex", "triple\n");
  fs.AddFile(dir + "mtu", "-1500\n");
  fs.AddFile(dir + "carrier_changes", "lots\n");
  fs.AddFile(dir + "address", "not-a-mac\n");
  fs.AddFile(dir + "ifindex", "99999999999\n");
  fs.AddFile(dir + "type", "\n");
  fs.AddFile(dir + "flags", "0xzz\n");
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes));
  LinkAttributes expected;
  expected.is_virtual = false;
  EXPECT_EQ(attributes, expected);
}

TEST(SysfsReaderTest, FieldsItCannotReadKeepTheirValue) {
  // ReadAttributes only sets; a caller merging sources keeps what it had for missing files.
  InMemoryFileReader fs;
  fs.AddFile("/sys/class/net/eth0/mtu", "1500\n");
  LinkAttributes attributes;
  attributes.mtu = 9000;
  attributes.speed_bps = 25'000'000'000;
  attributes.kind = "vlan";
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes));
  EXPECT_THAT(attributes.mtu, Optional(1500u));
  EXPECT_THAT(attributes.speed_bps, Optional(uint64_t{25'000'000'000}));
  EXPECT_THAT(attributes.kind, Optional(std::string("vlan")));
}

TEST(SysfsReaderTest, VanishedDeviceReturnsFalseAndSetsNothing) {
  InMemoryFileReader fs;
  AddEth0(fs);
  LinkAttributes attributes;
  EXPECT_FALSE(SysfsReader(fs, "/sys").ReadAttributes("eth9", {}, attributes));
  EXPECT_EQ(attributes, LinkAttributes{});
}

TEST(SysfsReaderTest, NamesThatWouldLeaveTheDirectoryAreRejected) {
  InMemoryFileReader fs;
  AddEth0(fs);
  fs.AddFile("/sys/class/mtu", "1500\n");
  fs.AddFile("/sys/mtu", "1500\n");
  const SysfsReader reader(fs, "/sys");
  for (const std::string_view device :
       {std::string_view(""), std::string_view("."), std::string_view(".."),
        std::string_view("../net/eth0"), std::string_view("eth0/../eth0"),
        std::string_view("eth0\0x", 6)}) {
    LinkAttributes attributes;
    EXPECT_FALSE(reader.ReadAttributes(device, {}, attributes)) << device;
    EXPECT_EQ(attributes, LinkAttributes{});
  }
}

TEST(SysfsReaderTest, NonUtf8DeviceName) {
  InMemoryFileReader fs;
  fs.AddFile(std::string("/sys/class/net/") + kBadName + "/mtu", "1500\n");
  fs.AddDirectory(std::string("/sys/devices/virtual/net/") + kBadName);
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes(kBadName, {}, attributes));
  EXPECT_THAT(attributes.mtu, Optional(1500u));
  EXPECT_THAT(attributes.is_virtual, Optional(true));
}

// Serves a device whose directory disappears after the first few reads, as when an interface is
// deleted while it is being read.
class VanishingFileReader final : public FileReader {
 public:
  VanishingFileReader(const FileReader& inner, std::string device_dir, int reads_before_vanishing)
      : inner_(inner), device_dir_(std::move(device_dir)), reads_left_(reads_before_vanishing) {}

  FileRead Read(const std::string& path, std::size_t max_bytes) const override {
    if (reads_left_ <= 0) {
      FileRead gone;
      gone.status = FileReadStatus::kUnavailable;
      gone.error_number = ENOENT;
      return gone;
    }
    --reads_left_;
    return inner_.Read(path, max_bytes);
  }
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override {
    return inner_.ListDirectory(path);
  }
  bool Exists(const std::string& path) const override {
    if (reads_left_ <= 0 && path.starts_with(device_dir_)) return false;
    return inner_.Exists(path);
  }
  std::optional<std::string> ReadLink(const std::string& path) const override {
    if (reads_left_ <= 0) return std::nullopt;
    return inner_.ReadLink(path);
  }

 private:
  const FileReader& inner_;
  std::string device_dir_;
  mutable int reads_left_;
};

TEST(SysfsReaderTest, DeviceVanishingWhileReadReturnsFalse) {
  InMemoryFileReader inner;
  AddEth0(inner);
  const VanishingFileReader fs(inner, "/sys/class/net/eth0", 3);
  LinkAttributes attributes;
  EXPECT_FALSE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes));
}

TEST(SysfsReaderTest, DeviceThatStaysWhileReadReturnsTrue) {
  InMemoryFileReader inner;
  AddEth0(inner);
  const VanishingFileReader fs(inner, "/sys/class/net/eth0", 1000);
  LinkAttributes attributes;
  EXPECT_TRUE(SysfsReader(fs, "/sys").ReadAttributes("eth0", {}, attributes));
  EXPECT_EQ(attributes, Eth0Attributes());
}

// --- SysfsReader on real directory trees ---------------------------------------------------------

// Attribute files copied from a real kernel (6.18): this machine's virtio eth0 and a private
// network namespace holding lo, a bridge, veth pairs (one down) and a name with a 0xFF byte.
// Attributes whose read failed with EINVAL there are absent here.
class SysfsCaptureTest : public ::testing::Test {
 protected:
  LinkAttributes Read(std::string_view device) {
    LinkAttributes attributes;
    EXPECT_TRUE(reader_.ReadAttributes(device, {}, attributes)) << device;
    return attributes;
  }

  RealFileReader fs_;
  SysfsReader reader_{fs_, std::string(NETIF_SOURCE_DIR) + "/src/collectors/sysfs/testdata/sys"};
};

TEST_F(SysfsCaptureTest, Loopback) {
  LinkAttributes expected;
  expected.ifindex = 1;
  expected.iflink = 1;
  expected.mtu = 65536;
  expected.type = 772;  // ARPHRD_LOOPBACK
  expected.oper_state = OperState::kUnknown;
  expected.admin_up = true;
  expected.carrier = true;
  expected.carrier_changes = 0;
  expected.carrier_up_count = 0;
  expected.carrier_down_count = 0;
  expected.address = "00:00:00:00:00:00";
  expected.is_virtual = true;
  expected.flags = 0x9;  // IFF_UP | IFF_LOOPBACK
  EXPECT_EQ(Read("lo"), expected);
}

TEST_F(SysfsCaptureTest, VethWithAlias) {
  LinkAttributes expected;
  expected.ifindex = 2;
  expected.iflink = 3;  // its peer
  expected.mtu = 1500;
  expected.type = 1;
  expected.speed_bps = 10'000'000'000;
  expected.duplex = Duplex::kFull;
  expected.oper_state = OperState::kUp;
  expected.admin_up = true;
  expected.carrier = true;
  expected.carrier_changes = 2;
  expected.carrier_up_count = 1;
  expected.carrier_down_count = 1;
  expected.address = "96:d1:32:22:88:2b";
  expected.alias = "peer \"x\"";
  expected.is_virtual = true;
  expected.flags = 0x1003;
  EXPECT_EQ(Read("veth0p"), expected);
}

TEST_F(SysfsCaptureTest, Bridge) {
  const LinkAttributes bridge = Read("br0");
  EXPECT_THAT(bridge.duplex, Optional(Duplex::kUnknown));
  EXPECT_THAT(bridge.speed_bps, Optional(uint64_t{10'000'000'000}));
  EXPECT_THAT(bridge.is_virtual, Optional(true));
  EXPECT_EQ(bridge.alias, std::nullopt);
}

TEST_F(SysfsCaptureTest, AdministrativelyDownVeth) {
  for (const std::string_view device :
       {std::string_view("vethlongname015"), std::string_view(kBadName)}) {
    const LinkAttributes down = Read(device);
    EXPECT_THAT(down.oper_state, Optional(OperState::kDown)) << device;
    EXPECT_THAT(down.admin_up, Optional(false)) << device;
    EXPECT_EQ(down.carrier, std::nullopt) << device;
    EXPECT_EQ(down.speed_bps, std::nullopt) << device;
    EXPECT_EQ(down.duplex, std::nullopt) << device;
    EXPECT_THAT(down.mtu, Optional(1500u)) << device;
    EXPECT_THAT(down.is_virtual, Optional(true)) << device;
  }
}

TEST_F(SysfsCaptureTest, PhysicalVirtioNicWithUnknownSpeed) {
  const LinkAttributes nic = Read("eth0");
  EXPECT_THAT(nic.is_virtual, Optional(false));
  EXPECT_EQ(nic.speed_bps, std::nullopt);  // virtio reports -1
  EXPECT_THAT(nic.duplex, Optional(Duplex::kUnknown));
  EXPECT_THAT(nic.oper_state, Optional(OperState::kUp));
  EXPECT_THAT(nic.carrier, Optional(true));
  EXPECT_THAT(nic.address, Optional(std::string("02:fc:00:00:00:01")));
  EXPECT_EQ(nic.alias, std::nullopt);
}

TEST_F(SysfsCaptureTest, MissingDevice) {
  LinkAttributes attributes;
  EXPECT_FALSE(reader_.ReadAttributes("eth7", {}, attributes));
}

// The end-to-end fixture host (tests/fixtures/host1); its README says what each link exercises.
class HostFixtureTest : public SysfsCaptureTest {
 protected:
  LinkAttributes ReadHost(std::string_view device) {
    LinkAttributes attributes;
    EXPECT_TRUE(host_.ReadAttributes(device, {}, attributes)) << device;
    return attributes;
  }
  SysfsReader host_{fs_, std::string(NETIF_SOURCE_DIR) + "/tests/fixtures/host1/sys"};
};

TEST_F(HostFixtureTest, Eth0) {
  const LinkAttributes eth0 = ReadHost("eth0");
  EXPECT_EQ(eth0, Eth0Attributes());
}

TEST_F(HostFixtureTest, Eth1IsDownWithoutCarrierOrSpeed) {
  const LinkAttributes eth1 = ReadHost("eth1");
  EXPECT_THAT(eth1.oper_state, Optional(OperState::kDown));
  EXPECT_THAT(eth1.admin_up, Optional(false));
  EXPECT_EQ(eth1.carrier, std::nullopt);
  EXPECT_EQ(eth1.speed_bps, std::nullopt);
  EXPECT_THAT(eth1.duplex, Optional(Duplex::kUnknown));
  EXPECT_THAT(eth1.is_virtual, Optional(false));
  EXPECT_EQ(eth1.dormant, std::nullopt);  // no file: the kernel refuses it while down
  EXPECT_THAT(eth1.group, Optional(7u));
  EXPECT_THAT(eth1.dev_id, Optional(1u));
  EXPECT_THAT(eth1.flags, Optional(0x1002u));
}

TEST_F(HostFixtureTest, BridgePortNamesItsMasterThroughARealSymlink) {
  EXPECT_THAT(ReadHost("veth7a3f").master, Optional(std::string("br0")));
  EXPECT_EQ(ReadHost("br0").master, std::nullopt);
  EXPECT_EQ(ReadHost(kBadName).name_assign_type, std::nullopt);
}

TEST_F(HostFixtureTest, VirtualLinks) {
  for (const std::string_view device : {std::string_view("lo"), std::string_view("veth7a3f"),
                                        std::string_view("br0"), std::string_view(kBadName)}) {
    EXPECT_THAT(ReadHost(device).is_virtual, Optional(true)) << device;
  }
  EXPECT_EQ(ReadHost("veth7a3f").speed_bps, std::nullopt);
  EXPECT_THAT(ReadHost("veth7a3f").iflink, Optional(5u));
  EXPECT_THAT(ReadHost("br0").speed_bps, Optional(uint64_t{10'000'000'000}));
  EXPECT_THAT(ReadHost(kBadName).oper_state, Optional(OperState::kUnknown));
  EXPECT_THAT(ReadHost(kBadName).admin_up, Optional(true));
}

}  // namespace
}  // namespace netif
