// The ownership table against itself and against docs/architecture.md's "Which source wins".
#include "model/link_facts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace netif {
namespace {

int CountFields(LinkFacts facts) {
  int n = 0;
  ForEachLinkFact(facts, [&](auto) { ++n; });
  return n;
}

TEST(LinkFactsTest, EveryAttributeBelongsToOneGroupOrIsDeviceReported) {
  // LinkAttributes has 33 fields; last_change_seconds is an SNMP device's own report, and the
  // four driver facts (driver, versions, bus info) are ethtool's, outside these groups.
  int total = 0;
  for (const LinkFacts facts : kAllLinkFacts) total += CountFields(facts);
  EXPECT_EQ(total, 28);
  // Each field once: filling an empty set from a full one, group by group, never overwrites.
  LinkAttributes full;
  full.ifindex = 1;
  full.iflink = 2;
  full.master_ifindex = 3;
  full.mtu = 1500;
  full.type = 1;
  full.speed_bps = 10;
  full.duplex = Duplex::kFull;
  full.oper_state = OperState::kUp;
  full.admin_up = true;
  full.carrier = true;
  full.carrier_changes = 4;
  full.carrier_up_count = 2;
  full.carrier_down_count = 2;
  full.address = "aa:bb:cc:dd:ee:ff";
  full.alias = "uplink";
  full.kind = "veth";
  full.is_virtual = true;
  full.master = "br0";
  full.broadcast = "ff:ff:ff:ff:ff:ff";
  full.tx_queue_len = 1000;
  full.flags = 0x1003;
  full.dormant = false;
  full.link_mode = 0;
  full.addr_assign_type = 0;
  full.name_assign_type = 4;
  full.group = 7;
  full.dev_id = 0;
  full.bond_slave = BondSlave{.active = true};
  LinkAttributes filled;
  for (const LinkFacts facts : kAllLinkFacts) FillMissingFacts(facts, full, filled);
  EXPECT_EQ(filled, full);
  for (const LinkFacts facts : kAllLinkFacts) ClearFacts(facts, filled);
  EXPECT_EQ(filled, LinkAttributes{});
}

TEST(LinkFactsTest, WhatAnEventClearsIsAmongTheSettingsItOwns) {
  LinkAttributes settings;
  ForEachLinkFact(LinkFacts::kSettings, [&](auto field) { (settings.*field).emplace(); });
  int cleared = 0;
  ForEachFactEventsClear([&](auto field) {
    EXPECT_TRUE((settings.*field).has_value());
    ++cleared;
  });
  EXPECT_EQ(cleared, 4);
}

TEST(LinkFactsTest, SysfsReadsEverythingWithoutNetlinkAndOnlyTheMediumWithIt) {
  EXPECT_EQ(SysfsOwnedFacts(false), LinkFactsSet::All());
  EXPECT_EQ(SysfsOwnedFacts(true), LinkFactsSet({LinkFacts::kMedium}));
}

TEST(LinkFactsTest, RowsAreInEnumOrder) {
  for (std::size_t i = 0; i < kLinkFactsOwnership.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(kLinkFactsOwnership[i].facts), i);
  }
}

// docs/architecture.md holds one row per group under "## Which source wins":
// | facts | fields | with netlink | without netlink | ... |
TEST(LinkFactsTest, ArchitectureDocShowsTheSameTable) {
  std::ifstream file(std::string(NETIF_SOURCE_DIR) + "/docs/architecture.md");
  ASSERT_TRUE(file) << "cannot read docs/architecture.md";
  std::string line;
  bool in_section = false;
  std::set<std::string> rows;
  while (std::getline(file, line)) {
    if (line.starts_with("## ")) in_section = line == "## Which source wins";
    if (in_section && line.starts_with("| ")) rows.insert(line);
  }
  for (const LinkFactsOwnership& row : kLinkFactsOwnership) {
    std::ostringstream expected;
    expected << "| " << row.name << " | " << row.fields << " | " << row.owner_with_netlink << " | "
             << row.owner_without_netlink << " |";
    bool found = false;
    for (const std::string& doc_row : rows) found |= doc_row.starts_with(expected.str());
    EXPECT_TRUE(found) << "docs/architecture.md lacks a row starting with: " << expected.str();
  }
}

}  // namespace
}  // namespace netif
