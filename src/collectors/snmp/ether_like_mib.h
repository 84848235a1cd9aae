// EtherLike-MIB's dot3StatsTable (RFC 3635): the Ethernet error counters and the duplex of a
// port, on the same series as its IF-MIB values (dot3StatsIndex is the port's ifIndex). Declared
// once, like if_mib.h: the columns read, their OIDs and the extra counter each becomes
// (`netif_dot3_<column>_total`); and the pure parser: varbinds in, per-port values out, then
// applied to the IF-MIB records.
//
// Lenient as the IF-MIB parser is (snmp_quirk.h): a Counter64 is a 64-bit counter, a Gauge32 or a
// non-negative INTEGER a 32-bit one; anything else is skipped and counted.
//
// Thread-safety: immutable constants; Dot3Walk REQUIRES external synchronization.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/snmp/oid.h"
#include "collectors/snmp/snmp_quirk.h"
#include "collectors/snmp/varbind.h"
#include "model/extra_counters.h"
#include "model/interface_record.h"

namespace netif {

// 1.3.6.1.2.1.10.7.2.1 (dot3StatsEntry).
inline constexpr std::array<uint32_t, 10> kDot3StatsEntryOid = {1, 3, 6, 1, 2, 1, 10, 7, 2, 1};

struct Dot3CounterColumn {
  uint32_t number;        // column number within dot3StatsEntry
  std::string_view name;  // the MIB's descriptor
  const ExtraCounterDefinition* metric;
};
inline constexpr size_t kDot3CounterCount = 13;
// dot3StatsDuplexStatus: unknown(1), halfDuplex(2), fullDuplex(3).
inline constexpr uint32_t kDot3DuplexStatusColumn = 19;

// The 13 counter columns, in column order.
const std::array<Dot3CounterColumn, kDot3CounterCount>& Dot3CounterColumns();
// Their metric definitions, for the source list (docs/metrics.md is checked against them).
std::span<const ExtraCounterDefinition* const> Dot3ExtraCounters();
// The OIDs a walk of dot3StatsTable asks for: the counter columns and dot3StatsDuplexStatus.
std::vector<Oid> Dot3ColumnOids();

struct Dot3PortValues {
  std::array<uint64_t, kDot3CounterCount> counters{};
  std::bitset<kDot3CounterCount> present;
  std::optional<Duplex> duplex;
};
using Dot3Ports = std::map<uint32_t, Dot3PortValues>;  // by dot3StatsIndex (= ifIndex)

// The varbinds of one walk of dot3StatsTable, collected per port. Varbinds outside the table or
// in columns not read are ignored without counting.
class Dot3Walk {
 public:
  void Add(std::span<const Varbind> varbinds);
  const Dot3Ports& ports() const { return ports_; }
  Dot3Ports TakePorts() { return std::move(ports_); }
  // Varbinds skipped (and the first few, described) and quirks forgiven since the last call.
  uint64_t TakeMalformed(std::vector<std::string>* problems);
  SnmpQuirkCounts TakeQuirks() { return std::exchange(quirks_, {}); }
  void Clear() { *this = Dot3Walk(); }

 private:
  void Accept(const Varbind& vb);
  void Problem(std::string text);

  Dot3Ports ports_;
  uint64_t malformed_ = 0;
  std::vector<std::string> problems_;
  SnmpQuirkCounts quirks_;
};

// Adds each port's dot3 counters (extra counters) and duplex to its record (by ifIndex);
// records without dot3 values are left as they are.
void ApplyDot3(const Dot3Ports& ports, InterfaceRecords& records);

}  // namespace netif
