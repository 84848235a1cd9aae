// Which source owns which fact about a host link: the one declared table that the local source
// (what it reads from sysfs, what its cache may serve), the sysfs reader (which files) and the
// store (what a sample that lacks a fact keeps) all read. docs/architecture.md's "Which source
// wins" shows the same table, and link_facts_test.cc keeps the two equal.
//
// The facts of a link come in groups that change together and are reported together:
//   state     oper state, admin up, carrier, carrier change counts: change with every flap
//   settings  ifindex, iflink, master, kind, mtu, type, address, alias: change when an
//             administrator changes the link; every RTM_NEWLINK states them in full
//   medium    speed, duplex, virtual: only sysfs (ethtool) knows them
// An SNMP target's ports are a source of their own, which owns every fact it reports.
//
// Thread-safety: constant data and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "model/interface_record.h"

namespace netif {

enum class LinkFacts : uint8_t { kState, kSettings, kMedium };
inline constexpr std::array<LinkFacts, 3> kAllLinkFacts = {LinkFacts::kState, LinkFacts::kSettings,
                                                           LinkFacts::kMedium};

// A set of groups, for a reader told which to read.
class LinkFactsSet {
 public:
  constexpr LinkFactsSet() = default;
  constexpr LinkFactsSet(std::initializer_list<LinkFacts> facts) {
    for (const LinkFacts f : facts) Add(f);
  }
  static constexpr LinkFactsSet All();
  constexpr void Add(LinkFacts f) { bits_ |= Bit(f); }
  constexpr bool Has(LinkFacts f) const { return (bits_ & Bit(f)) != 0; }
  constexpr bool Empty() const { return bits_ == 0; }
  constexpr bool operator==(const LinkFactsSet&) const = default;

 private:
  static constexpr uint8_t Bit(LinkFacts f) {
    return static_cast<uint8_t>(1u << static_cast<int>(f));
  }
  uint8_t bits_ = 0;
};

// What the store does with a group that a periodic sample does not carry.
enum class WhenSampleLacks : uint8_t {
  kKeepLast,        // keep the value the interface had (the last event's, or an earlier sample's)
  kKeepEventValue,  // keep it once an event source reported the interface: the facts are then
                    // the events', and a sample (which does not read them) must not erase them
  kLeaveAbsent,     // a sample always carries what is known; absent means unknown
};

struct LinkFactsOwnership {
  LinkFacts facts;
  std::string_view name;    // "state", "settings", "medium"
  std::string_view fields;  // as docs/architecture.md lists them
  // Who reports the group while the netlink source runs, and without it.
  std::string_view owner_with_netlink;
  std::string_view owner_without_netlink;
  WhenSampleLacks when_sample_lacks;
};

// The table, one row per group, in LinkFacts order.
inline constexpr std::array<LinkFactsOwnership, 3> kLinkFactsOwnership = {{
    {LinkFacts::kState, "state", "oper state, admin up, carrier, carrier change counts", "netlink",
     "sysfs", WhenSampleLacks::kKeepLast},
    {LinkFacts::kSettings, "settings", "ifindex, iflink, master, kind, mtu, type, address, alias",
     "netlink", "sysfs", WhenSampleLacks::kKeepEventValue},
    {LinkFacts::kMedium, "medium", "speed, duplex, virtual", "sysfs", "sysfs",
     WhenSampleLacks::kLeaveAbsent},
}};

constexpr LinkFactsSet LinkFactsSet::All() {
  LinkFactsSet set;
  for (const LinkFacts facts : kAllLinkFacts) set.Add(facts);
  return set;
}

// The groups a local source reads from sysfs: those whose owner is sysfs.
constexpr LinkFactsSet SysfsOwnedFacts(bool netlink_runs) {
  LinkFactsSet set;
  for (const auto& row : kLinkFactsOwnership) {
    if ((netlink_runs ? row.owner_with_netlink : row.owner_without_netlink) == "sysfs") {
      set.Add(row.facts);
    }
  }
  return set;
}

// Calls visit(&LinkAttributes::field) for each field of the group. The one place a field is
// assigned to a group.
template <typename Visit>
constexpr void ForEachLinkFact(LinkFacts facts, Visit&& visit) {
  switch (facts) {
    case LinkFacts::kState:
      visit(&LinkAttributes::oper_state);
      visit(&LinkAttributes::admin_up);
      visit(&LinkAttributes::carrier);
      visit(&LinkAttributes::carrier_changes);
      visit(&LinkAttributes::carrier_up_count);
      visit(&LinkAttributes::carrier_down_count);
      return;
    case LinkFacts::kSettings:
      visit(&LinkAttributes::ifindex);
      visit(&LinkAttributes::iflink);
      visit(&LinkAttributes::master_ifindex);
      visit(&LinkAttributes::kind);
      visit(&LinkAttributes::mtu);
      visit(&LinkAttributes::type);
      visit(&LinkAttributes::address);
      visit(&LinkAttributes::alias);
      return;
    case LinkFacts::kMedium:
      visit(&LinkAttributes::speed_bps);
      visit(&LinkAttributes::duplex);
      visit(&LinkAttributes::is_virtual);
      return;
  }
}

// Sets each field of `facts` that `to` lacks to `from`'s value.
inline void FillMissingFacts(LinkFacts facts, const LinkAttributes& from, LinkAttributes& to) {
  ForEachLinkFact(facts, [&](auto field) {
    if (!(to.*field)) to.*field = from.*field;
  });
}

// Clears each field of `facts`.
inline void ClearFacts(LinkFacts facts, LinkAttributes& attributes) {
  ForEachLinkFact(facts, [&](auto field) { (attributes.*field).reset(); });
}

}  // namespace netif
