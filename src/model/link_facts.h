// Which source owns which fact about a host link: the one declared table that the local source
// (what it reads from sysfs, what its cache may serve), the sysfs reader (which files) and the
// store (what a sample that lacks a fact keeps) all read. docs/architecture.md's "Which source
// wins" shows the same table, and link_facts_test.cc keeps the two equal.
//
// The facts of a link come in groups that change together and are reported together:
//   state     oper state, admin up, carrier, carrier change counts: change with every flap
//   settings  ifindex, iflink, master, kind, mtu, type, address, alias, broadcast, tx queue
//             length, link mode, group, bond port state: change when an administrator (or the
//             bond) changes the link; every RTM_NEWLINK states them in full
//   medium    speed, duplex, virtual, and the facts netlink does not carry or cannot state as
//             sysfs shows them: flags (sysfs shows dev->flags; ifi_flags takes IFF_PROMISC and
//             IFF_ALLMULTI from what user space asked, not from what the kernel set, and the
//             kernel's own allmulti changes send no event), dormant, address and name assign
//             type, dev id. Only sysfs knows them, so sysfs owns them whoever runs.
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
    {LinkFacts::kSettings, "settings",
     "ifindex, iflink, master, kind, mtu, type, address, alias, broadcast, tx queue length, link "
     "mode, group, bond port state",
     "netlink", "sysfs", WhenSampleLacks::kKeepEventValue},
    {LinkFacts::kMedium, "medium",
     "speed, duplex, virtual, flags, dormant, address assign type, name assign type, dev id",
     "sysfs", "sysfs", WhenSampleLacks::kLeaveAbsent},
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
      visit(&LinkAttributes::master);
      visit(&LinkAttributes::broadcast);
      visit(&LinkAttributes::tx_queue_len);
      visit(&LinkAttributes::link_mode);
      visit(&LinkAttributes::group);
      visit(&LinkAttributes::bond_slave);
      return;
    case LinkFacts::kMedium:
      visit(&LinkAttributes::speed_bps);
      visit(&LinkAttributes::duplex);
      visit(&LinkAttributes::is_virtual);
      visit(&LinkAttributes::flags);
      visit(&LinkAttributes::dormant);
      visit(&LinkAttributes::addr_assign_type);
      visit(&LinkAttributes::name_assign_type);
      visit(&LinkAttributes::dev_id);
      return;
  }
}

// Calls visit(&LinkAttributes::field) for each settings field an RTM_NEWLINK carries only while
// the link has it (the kernel leaves IFLA_IFALIAS, IFLA_MASTER and the bond's slave data out when
// there is none): in an event, absent means "none", and the store clears what the event lacks.
// Everywhere else absent means "not said" and keeps the old value. The master's name belongs here
// with its index: a port that left its bridge has neither.
template <typename Visit>
constexpr void ForEachFactEventsClear(Visit&& visit) {
  visit(&LinkAttributes::alias);
  visit(&LinkAttributes::master_ifindex);
  visit(&LinkAttributes::master);
  visit(&LinkAttributes::bond_slave);
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
