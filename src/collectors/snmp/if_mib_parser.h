// The pure IF-MIB parser: the varbinds of one walk of ifTable and ifXTable (plus sysUpTime.0) in,
// one InterfaceRecord per port out. No I/O, no clock: the caller passes the poll's time and the
// agent's clock, so the same input always gives the same records (tests feed it snmprec
// recordings).
//
// The mapping from IF-MIB columns to the record is documented in this folder's README.md, which
// its tests keep honest. In short:
//  - a port is identified by ifIndex (key {source, ifIndex}); ifName (else ifDescr) labels it;
//  - 64-bit HC counters are preferred, per port and per column; a port without one falls back to
//    its 32-bit column, marked as wrapping at 2^32 for the analytics;
//  - netif_receive_packets_total is the sum of the unicast, multicast and broadcast counters when
//    all three exist (64-bit if all are HC), else ifInUcastPkts + ifInNUcastPkts; a sum that
//    involves a 32-bit part is taken modulo 2^32 and marked as wrapping, which keeps its deltas
//    right across a wrap of any part;
//  - speed is ifSpeed, or ifHighSpeed * 10^6 when ifSpeed is absent or saturated (4294967295);
//  - an agent that bends the MIB in a way whose meaning is clear is forgiven and the quirk counted
//    (SnmpQuirk): a Counter64 in a Counter32 column is a 64-bit counter, a Gauge32 or a
//    non-negative INTEGER in a counter column a 32-bit one, ifSpeed as decimal text, as another
//    integer type or above 2^32-1 its value; an empty ifName, a saturated ifSpeed with ifHighSpeed
//    0 and a port lacking columns other ports have are counted as they are;
//  - a varbind whose meaning is unclear (a wrong type not listed above, a negative counter, an
//    out-of-range value, a malformed index or a repeated instance) is skipped and counted, never
//    guessed, never fatal.
//
// Thread-safety: pure function over its arguments.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/snmp_quirk.h"
#include "collectors/snmp/varbind.h"
#include "model/interface_record.h"

namespace netif {

struct IfMibParseOptions {
  std::string source;        // InterfaceKey::source of every record, e.g. "snmp/core-sw1"
  std::string target;        // the `target` label, and the prefix of InterfaceRecord::name
  LabelPairs static_labels;  // appended after the interface labels, in this order
  // Which ports to export, given (ifName label, ifDescr, ifAlias); empty = all.
  std::function<bool(std::string_view, std::string_view, std::string_view)> selected;
  // Unix time at which the agent's sysUpTime was 0 (see AgentEpoch), for ifLastChange. nullopt:
  // computed from poll_unix_seconds and the walk's sysUpTime.0.
  std::optional<double> agent_epoch_unix_seconds;
  double poll_unix_seconds = 0;
};

struct IfMibParseResult {
  InterfaceRecords records;       // selected ports, by ifIndex
  std::set<uint32_t> if_indexes;  // every port seen, selected or not (ParseIfMib only)
  // Columns whose values ended up in some port's record (before selection): a fast walk needs
  // only these, e.g. no 32-bit counters when every port has its HC twin.
  IfColumnSet used_columns;
  std::optional<uint32_t> sys_uptime_ticks;  // sysUpTime.0, when the walk had it
  uint64_t malformed = 0;                    // varbinds skipped
  std::vector<std::string> problems;         // the first few, for the log: "ifMtu.3: ..."
  SnmpQuirkCounts quirks;                    // forgiven, by kind
};

inline constexpr size_t kMaxReportedProblems = 8;
// Longer DisplayStrings are refused: the MIB caps them at 255 octets (ifAlias at 64), and a
// label value that long is surely garbage.
inline constexpr size_t kMaxDisplayStringBytes = 1024;
inline constexpr size_t kMaxPhysAddressBytes = 64;

// What the walks of one poll said about one port, validated but not yet interpreted.
struct IfPortValues {
  std::array<uint64_t, kIfColumnCount> numbers{};  // the integer columns, by IfColumnIndex
  IfColumnSet present;                             // columns read with a valid value
  IfColumnSet answered;  // columns the agent sent a value for, valid or not
  IfColumnSet wide;      // counter columns holding a 64-bit value (HC, or a Counter64 quirk)
  std::string descr, name, alias, phys_address;

  bool Has(IfColumn c) const { return present.test(IfColumnIndex(c)); }
  std::optional<uint64_t> Number(IfColumn c) const {
    if (!Has(c)) return std::nullopt;
    return numbers[IfColumnIndex(c)];
  }
};
using IfPorts = std::map<uint32_t, IfPortValues>;  // by ifIndex

// The varbinds of one poll (one or more walks), each classified once (which column, which port)
// and checked against what its column holds as it is added, collected per port; then turned into
// records. ParseIfMib() is one Add() and Finish().
//
// Varbinds outside ifTable/ifXTable (other than sysUpTime.0), in columns the exporter does not
// read, or carrying noSuchObject/noSuchInstance/endOfMibView are ignored without counting.
//
// Thread-safety: REQUIRES external synchronization (one per target, on the poller thread).
class IfMibWalk {
 public:
  void Add(std::span<const Varbind> varbinds);

  // Every port seen so far (also those whose only value was refused).
  const IfPorts& ports() const { return ports_; }
  std::optional<uint32_t> sys_uptime_ticks() const { return sys_uptime_ticks_; }
  size_t varbinds_added() const { return varbinds_added_; }

  // One record per port. The slow columns (IfColumnInfo::slow) come from `slow` when given (what
  // an earlier walk of them read, by ifIndex; a port missing there has none), else from this
  // walk. Hands over the problems found; call once, then TakePorts() or Clear().
  IfMibParseResult Finish(const IfMibParseOptions& options, const IfPorts* slow = nullptr);
  IfPorts TakePorts() { return std::move(ports_); }
  void Clear();

 private:
  void Accept(const Varbind& vb);
  void Problem(std::string text);
  // The quirks that show only across a whole port or walk: empty ifName, saturated speeds with
  // ifHighSpeed 0, holes.
  void CountPortQuirks();

  IfPorts ports_;
  std::optional<uint32_t> sys_uptime_ticks_;
  size_t varbinds_added_ = 0;
  uint64_t malformed_ = 0;
  std::vector<std::string> problems_;
  SnmpQuirkCounts quirks_;
};

// The varbinds of one walk in, the records out; fills IfMibParseResult::if_indexes too.
IfMibParseResult ParseIfMib(std::span<const Varbind> varbinds, const IfMibParseOptions& options);

// ifNumber.0 among `scalars` (a walk's first response), when it is there as a non-negative
// INTEGER: how many ports the agent says it has, which sizes the requests of the walk.
std::optional<uint32_t> ParseIfNumber(std::span<const Varbind> scalars);

// "aa:bb:cc:dd:ee:ff" from the raw octets (any length); "" for none.
std::string FormatPhysAddress(std::string_view octets);

// Maps an agent's TimeTicks (hundredths of a second since its SNMP engine started, wrapping at
// 2^32, i.e. every 497 days) onto unix time. The estimate of when sysUpTime was 0 only moves when
// a new observation disagrees by more than `tolerance_seconds` (an agent restart, a wrap), so
// timestamps derived from ifLastChange do not jitter with network latency from poll to poll.
//
// Thread-safety: REQUIRES external synchronization (one per target, on the poller thread).
class AgentEpoch {
 public:
  explicit AgentEpoch(double tolerance_seconds = 2.0) : tolerance_seconds_(tolerance_seconds) {}
  // `unix_seconds` is when sysUpTime.0 was (about) read. Returns the current estimate.
  double Update(uint32_t sys_uptime_ticks, double unix_seconds);
  std::optional<double> epoch() const { return epoch_; }

 private:
  double tolerance_seconds_;
  std::optional<double> epoch_;
};

}  // namespace netif
