// The one interface model every collector produces and every later stage consumes.
//
// A collector (procfs, sysfs, netlink, SNMP) fills an InterfaceRecord with what it knows; fields it
// does not know stay empty (std::optional / absent counter) and are never guessed. The store merges
// records, analytics derive rates from consecutive counter values, and the exposition renders them.
//
// Thread-safety: plain values; no internal synchronization.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/extra_counters.h"
#include "util/populated_allocator.h"

namespace netif {

// The fixed counters: those the analytics derive rates, utilization, health and anomalies from.
// The first 16 are /proc/net/dev's columns in order; the rest exist only in IF-MIB (SNMP). Values
// are the device's absolute counts, as the device reports them. A source's other counters travel
// as ExtraCounters (model/extra_counters.h) and need no change here.
enum class Counter : uint8_t {
  kReceiveBytes,
  kReceivePackets,
  kReceiveErrors,
  kReceiveDrop,
  kReceiveFifo,
  kReceiveFrame,
  kReceiveCompressed,
  kReceiveMulticast,
  kTransmitBytes,
  kTransmitPackets,
  kTransmitErrors,
  kTransmitDrop,
  kTransmitFifo,
  kTransmitColls,
  kTransmitCarrier,
  kTransmitCompressed,
  // IF-MIB only.
  kReceiveUnicast,
  kReceiveBroadcast,
  kReceiveUnknownProtos,
  kTransmitUnicast,
  kTransmitMulticast,
  kTransmitBroadcast,
  kCount,
};
inline constexpr std::size_t kCounterCount = static_cast<std::size_t>(Counter::kCount);
inline constexpr std::size_t kProcNetDevCounterCount = 16;

inline constexpr std::size_t CounterIndex(Counter c) { return static_cast<std::size_t>(c); }

// A fixed-size set of counters; each is present or not, and 64-bit or 32-bit wide (SNMP Counter32
// wraps at 2^32, which the analytics must know to compute a delta across a wrap).
class CounterSet {
 public:
  void Set(Counter c, uint64_t value, bool wraps_at_32_bits = false) {
    const auto i = CounterIndex(c);
    values_[i] = value;
    present_.set(i);
    wraps32_.set(i, wraps_at_32_bits);
  }
  void Clear(Counter c) { present_.reset(CounterIndex(c)); }
  bool Has(Counter c) const { return present_.test(CounterIndex(c)); }
  std::optional<uint64_t> Get(Counter c) const {
    if (!Has(c)) return std::nullopt;
    return values_[CounterIndex(c)];
  }
  uint64_t ValueOr(Counter c, uint64_t fallback) const { return Get(c).value_or(fallback); }
  bool WrapsAt32Bits(Counter c) const { return wraps32_.test(CounterIndex(c)); }
  bool Empty() const { return present_.none(); }
  // Counters present in `newer` overwrite ours; the others are kept.
  void MergeFrom(const CounterSet& newer);

  bool operator==(const CounterSet&) const = default;

 private:
  std::array<uint64_t, kCounterCount> values_{};
  std::bitset<kCounterCount> present_;
  std::bitset<kCounterCount> wraps32_;
};

// RFC 2863 operational states; the kernel's IF_OPER_* and IF-MIB's ifOperStatus map onto these.
enum class OperState : uint8_t {
  kUnknown,
  kNotPresent,
  kDown,
  kLowerLayerDown,
  kTesting,
  kDormant,
  kUp,
};
std::string_view OperStateName(
    OperState s);  // "up", "down", "lowerlayerdown", ... (sysfs spelling)
std::optional<OperState> ParseOperState(std::string_view sysfs_text);

enum class Duplex : uint8_t { kUnknown, kHalf, kFull };
std::string_view DuplexName(Duplex d);  // "unknown", "half", "full"
std::optional<Duplex> ParseDuplex(std::string_view sysfs_text);

// A bond port's state as its bond reports it (IFLA_INFO_SLAVE_DATA of a link whose slave kind is
// "bond", or /sys/class/net/<dev>/bonding_slave/). Each field is optional: absent when the source
// did not say; the 802.3ad fields exist only in that mode, once the port has an aggregator.
// Each member has an initializer so that a designated initializer may name only some.
struct BondSlave {
  std::optional<bool> active{};                    // state: active (true) or backup (false)
  std::optional<uint8_t> mii_status{};             // BOND_LINK_UP 0, FAIL 1, DOWN 2, BACK 3
  std::optional<uint32_t> link_failure_count{};    // link_failure_count
  std::optional<uint16_t> queue_id{};              // queue_id
  std::optional<uint16_t> ad_aggregator_id{};      // ad_aggregator_id
  std::optional<uint8_t> ad_actor_port_state{};    // ad_actor_oper_port_state (LACP bits)
  std::optional<uint8_t> ad_partner_port_state{};  // ad_partner_oper_port_state (LACP bits)
  bool operator==(const BondSlave&) const = default;
};
inline constexpr uint8_t kBondLinkUp = 0;  // BOND_LINK_UP, the MII status of a usable port

// Who sits behind a host veth (the Kubernetes source, collectors/kubernetes/): the pod that
// owns the network namespace of the veth's peer, or only that namespace's name outside
// Kubernetes. Empty strings are "unknown": the source leaves a label empty rather than guess.
struct PodIdentity {
  std::string namespace_name;  // the pod's Kubernetes namespace
  std::string pod;             // the pod's name
  std::string pod_uid;
  std::string container_id;  // only when a single container holds the network namespace
  std::string netns;         // the host's name for the namespace, else "net:[<inode>]"
  bool operator==(const PodIdentity&) const = default;
};

// Slow-changing facts about a link. Every field is optional: absent means "this source does not
// know", never "zero".
struct LinkAttributes {
  std::optional<uint32_t> ifindex;
  std::optional<uint32_t> iflink;
  std::optional<uint32_t> master_ifindex;
  std::optional<uint32_t> mtu;
  std::optional<uint32_t> type;       // ARPHRD_* for local links, ifType for SNMP
  std::optional<uint64_t> speed_bps;  // bits per second; absent when unknown (virtual links)
  std::optional<Duplex> duplex;
  std::optional<OperState> oper_state;
  std::optional<bool> admin_up;  // IFF_UP / ifAdminStatus
  std::optional<bool> carrier;   // IFF_LOWER_UP / sysfs carrier
  std::optional<uint64_t> carrier_changes;
  std::optional<uint64_t> carrier_up_count;
  std::optional<uint64_t> carrier_down_count;
  std::optional<std::string> address;  // "aa:bb:cc:dd:ee:ff"
  std::optional<std::string> alias;    // ifalias / ifAlias
  std::optional<std::string> kind;     // "veth", "bridge", ... (IFLA_INFO_KIND)
  std::optional<bool> is_virtual;
  std::optional<double> last_change_seconds;  // device-reported (SNMP ifLastChange), unix seconds

  // What node_exporter's netclass collector serves beside the above (issue 17). Locally each is
  // the sysfs file of the same name's value (/sys/class/net/<dev>/<file>), however the source
  // learns it: a netlink source reports what sysfs would show.
  std::optional<std::string> master;        // name of the bridge/bond/VRF/OVS device enslaving it
  std::optional<std::string> broadcast;     // "ff:ff:ff:ff:ff:ff" (sysfs broadcast)
  std::optional<uint32_t> tx_queue_len;     // tx_queue_len, IFLA_TXQLEN
  std::optional<uint32_t> flags;            // sysfs flags: dev->flags (no IFF_RUNNING/LOWER_UP)
  std::optional<bool> dormant;              // sysfs dormant (IF_OPER_DORMANT requested by driver)
  std::optional<uint8_t> link_mode;         // sysfs link_mode, IFLA_LINKMODE
  std::optional<uint8_t> addr_assign_type;  // sysfs addr_assign_type (NET_ADDR_*)
  std::optional<uint8_t> name_assign_type;  // sysfs name_assign_type (NET_NAME_*); absent when
                                            // the kernel refuses the read (NET_NAME_UNKNOWN)
  std::optional<uint32_t> group;            // sysfs netdev_group, IFLA_GROUP
  std::optional<uint32_t> dev_id;           // sysfs dev_id (printed in hex there)
  // Present while the link is a bond's port; an event source states it whenever it holds.
  std::optional<BondSlave> bond_slave;

  // The driver behind a host link (ethtool's ETHTOOL_GDRVINFO), for the ethtool info family;
  // absent for drivers that do not answer and for remote ports.
  std::optional<std::string> driver;
  std::optional<std::string> driver_version;
  std::optional<std::string> firmware_version;
  std::optional<std::string> bus_info;

  // The pod (or named network namespace) behind a host veth, for netif_pod_info.
  std::optional<PodIdentity> pod;

  // Fields present in `newer` overwrite ours; the others are kept.
  void MergeFrom(const LinkAttributes& newer);
  bool operator==(const LinkAttributes&) const = default;
};

// Identifies an interface across samples. `source` is "local" for the host's own interfaces and the
// SNMP target's name for remote ones; `id` is the device name locally and ifIndex for SNMP.
struct InterfaceKey {
  std::string source;
  std::string id;
  auto operator<=>(const InterfaceKey&) const = default;
};

inline constexpr std::string_view kLocalSource = "local";

// Label name/value pairs in exposition order, e.g. {{"device","eth0"}} locally or
// {{"target","sw1"},{"ifIndex","3"},{"ifName","Gi0/1"},...} for SNMP. Values are raw bytes; the
// exposition layer escapes them.
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct InterfaceRecord {
  InterfaceKey key;
  LabelPairs labels;
  std::string name;  // the device name as the source spells it (raw bytes, maybe not UTF-8)
  LinkAttributes attributes;
  CounterSet counters;
  // Counters beyond the fixed set, declared by the source (model/extra_counters.h); mirrored
  // as they are, no analytics.
  ExtraCounters extra_counters;
};

// One sample's records, made and freed every pass: a populated mapping spares the page faults of
// first touching them (see PopulatedAllocator).
using InterfaceRecords = std::vector<InterfaceRecord, PopulatedAllocator<InterfaceRecord>>;

// The label set of a host interface: node_exporter's `device` label.
inline LabelPairs LocalDeviceLabels(std::string_view device) {
  return {{"device", std::string(device)}};
}

}  // namespace netif
