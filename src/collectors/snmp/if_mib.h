// The IF-MIB columns the exporter reads (RFC 2863 ifTable and ifXTable), declared once: OID,
// name, the value the MIB defines, and whether the column changes slowly (names, speed, ...) or
// on every poll (counters, status). The parser, the walk planner, the README's mapping table and
// their tests all read this one table.
//
// Thread-safety: immutable constants.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "collectors/snmp/oid.h"

namespace netif {

// 1.3.6.1.2.1.2.2.1 (ifEntry) and 1.3.6.1.2.1.31.1.1.1 (ifXEntry); a column's OID is the entry
// OID plus its column number, an instance's OID that plus the ifIndex.
inline constexpr std::array<uint32_t, 9> kIfEntryOid = {1, 3, 6, 1, 2, 1, 2, 2, 1};
inline constexpr std::array<uint32_t, 10> kIfXEntryOid = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
// sysUpTime.0, read with every walk so ifLastChange can be placed in time.
inline constexpr std::array<uint32_t, 9> kSysUpTimeInstance = {1, 3, 6, 1, 2, 1, 1, 3, 0};
inline constexpr std::array<uint32_t, 8> kSysUpTimeObject = {1, 3, 6, 1, 2, 1, 1, 3};
// ifNumber.0, read with the first request of a walk to size the requests after it.
inline constexpr std::array<uint32_t, 9> kIfNumberInstance = {1, 3, 6, 1, 2, 1, 2, 1, 0};
inline constexpr std::array<uint32_t, 8> kIfNumberObject = {1, 3, 6, 1, 2, 1, 2, 1};

enum class IfTable : uint8_t { kIfTable, kIfXTable };

// What the MIB says a column holds; the parser skips (and counts) a varbind of any other type
// or out of the range given here.
enum class IfValueKind : uint8_t {
  kDisplayString,  // OCTET STRING, shown as text
  kPhysAddress,    // OCTET STRING, shown as aa:bb:...
  kIfType,         // INTEGER 1..2147483647 (IANAifType)
  kMtu,            // Integer32, used as 0..2147483647
  kAdminStatus,    // INTEGER up(1), down(2), testing(3)
  kOperStatus,     // INTEGER up(1) .. lowerLayerDown(7)
  kGauge32,
  kSpeed,  // Gauge32 in bits per second; 4294967295 = "see ifHighSpeed"
  kTimeTicks,
  kCounter32,
  kCounter64,
};

enum class IfColumn : uint8_t {
  // ifTable
  kDescr,
  kType,
  kMtu,
  kSpeed,
  kPhysAddress,
  kAdminStatus,
  kOperStatus,
  kLastChange,
  kInOctets,
  kInUcastPkts,
  kInNUcastPkts,
  kInDiscards,
  kInErrors,
  kInUnknownProtos,
  kOutOctets,
  kOutUcastPkts,
  kOutNUcastPkts,
  kOutDiscards,
  kOutErrors,
  // ifXTable
  kName,
  kInMulticastPkts,
  kInBroadcastPkts,
  kOutMulticastPkts,
  kOutBroadcastPkts,
  kHCInOctets,
  kHCInUcastPkts,
  kHCInMulticastPkts,
  kHCInBroadcastPkts,
  kHCOutOctets,
  kHCOutUcastPkts,
  kHCOutMulticastPkts,
  kHCOutBroadcastPkts,
  kHighSpeed,
  kAlias,
  kCount,
};
inline constexpr size_t kIfColumnCount = static_cast<size_t>(IfColumn::kCount);
inline constexpr size_t IfColumnIndex(IfColumn c) { return static_cast<size_t>(c); }
using IfColumnSet = std::bitset<kIfColumnCount>;

struct IfColumnInfo {
  IfColumn column;
  std::string_view name;  // the MIB's descriptor, for messages and docs
  IfTable table;
  uint32_t number;  // column number within its entry
  IfValueKind kind;
  // Slow columns are walked on metadata polls only (config `metadata_every`); fast ones on every
  // poll.
  bool slow;
};

inline constexpr std::array<IfColumnInfo, kIfColumnCount> kIfColumns = {{
    {IfColumn::kDescr, "ifDescr", IfTable::kIfTable, 2, IfValueKind::kDisplayString, true},
    {IfColumn::kType, "ifType", IfTable::kIfTable, 3, IfValueKind::kIfType, true},
    {IfColumn::kMtu, "ifMtu", IfTable::kIfTable, 4, IfValueKind::kMtu, true},
    {IfColumn::kSpeed, "ifSpeed", IfTable::kIfTable, 5, IfValueKind::kSpeed, true},
    {IfColumn::kPhysAddress, "ifPhysAddress", IfTable::kIfTable, 6, IfValueKind::kPhysAddress,
     true},
    {IfColumn::kAdminStatus, "ifAdminStatus", IfTable::kIfTable, 7, IfValueKind::kAdminStatus,
     false},
    {IfColumn::kOperStatus, "ifOperStatus", IfTable::kIfTable, 8, IfValueKind::kOperStatus, false},
    {IfColumn::kLastChange, "ifLastChange", IfTable::kIfTable, 9, IfValueKind::kTimeTicks, false},
    {IfColumn::kInOctets, "ifInOctets", IfTable::kIfTable, 10, IfValueKind::kCounter32, false},
    {IfColumn::kInUcastPkts, "ifInUcastPkts", IfTable::kIfTable, 11, IfValueKind::kCounter32,
     false},
    {IfColumn::kInNUcastPkts, "ifInNUcastPkts", IfTable::kIfTable, 12, IfValueKind::kCounter32,
     false},
    {IfColumn::kInDiscards, "ifInDiscards", IfTable::kIfTable, 13, IfValueKind::kCounter32, false},
    {IfColumn::kInErrors, "ifInErrors", IfTable::kIfTable, 14, IfValueKind::kCounter32, false},
    {IfColumn::kInUnknownProtos, "ifInUnknownProtos", IfTable::kIfTable, 15,
     IfValueKind::kCounter32, false},
    {IfColumn::kOutOctets, "ifOutOctets", IfTable::kIfTable, 16, IfValueKind::kCounter32, false},
    {IfColumn::kOutUcastPkts, "ifOutUcastPkts", IfTable::kIfTable, 17, IfValueKind::kCounter32,
     false},
    {IfColumn::kOutNUcastPkts, "ifOutNUcastPkts", IfTable::kIfTable, 18, IfValueKind::kCounter32,
     false},
    {IfColumn::kOutDiscards, "ifOutDiscards", IfTable::kIfTable, 19, IfValueKind::kCounter32,
     false},
    {IfColumn::kOutErrors, "ifOutErrors", IfTable::kIfTable, 20, IfValueKind::kCounter32, false},
    {IfColumn::kName, "ifName", IfTable::kIfXTable, 1, IfValueKind::kDisplayString, true},
    {IfColumn::kInMulticastPkts, "ifInMulticastPkts", IfTable::kIfXTable, 2,
     IfValueKind::kCounter32, false},
    {IfColumn::kInBroadcastPkts, "ifInBroadcastPkts", IfTable::kIfXTable, 3,
     IfValueKind::kCounter32, false},
    {IfColumn::kOutMulticastPkts, "ifOutMulticastPkts", IfTable::kIfXTable, 4,
     IfValueKind::kCounter32, false},
    {IfColumn::kOutBroadcastPkts, "ifOutBroadcastPkts", IfTable::kIfXTable, 5,
     IfValueKind::kCounter32, false},
    {IfColumn::kHCInOctets, "ifHCInOctets", IfTable::kIfXTable, 6, IfValueKind::kCounter64, false},
    {IfColumn::kHCInUcastPkts, "ifHCInUcastPkts", IfTable::kIfXTable, 7, IfValueKind::kCounter64,
     false},
    {IfColumn::kHCInMulticastPkts, "ifHCInMulticastPkts", IfTable::kIfXTable, 8,
     IfValueKind::kCounter64, false},
    {IfColumn::kHCInBroadcastPkts, "ifHCInBroadcastPkts", IfTable::kIfXTable, 9,
     IfValueKind::kCounter64, false},
    {IfColumn::kHCOutOctets, "ifHCOutOctets", IfTable::kIfXTable, 10, IfValueKind::kCounter64,
     false},
    {IfColumn::kHCOutUcastPkts, "ifHCOutUcastPkts", IfTable::kIfXTable, 11, IfValueKind::kCounter64,
     false},
    {IfColumn::kHCOutMulticastPkts, "ifHCOutMulticastPkts", IfTable::kIfXTable, 12,
     IfValueKind::kCounter64, false},
    {IfColumn::kHCOutBroadcastPkts, "ifHCOutBroadcastPkts", IfTable::kIfXTable, 13,
     IfValueKind::kCounter64, false},
    {IfColumn::kHighSpeed, "ifHighSpeed", IfTable::kIfXTable, 15, IfValueKind::kGauge32, true},
    {IfColumn::kAlias, "ifAlias", IfTable::kIfXTable, 18, IfValueKind::kDisplayString, true},
}};

inline const IfColumnInfo& InfoOf(IfColumn column) { return kIfColumns[IfColumnIndex(column)]; }

// The column's OID (entry OID + column number), e.g. 1.3.6.1.2.1.31.1.1.1.6 for ifHCInOctets.
Oid IfColumnOid(IfColumn column);

// Which column an instance OID belongs to, and its ifIndex. nullopt when the OID lies outside the
// two tables or in a column the exporter does not read; `malformed` is set when it lies in a
// column we read but its index is not exactly one sub-identifier in 1..2147483647.
struct IfInstance {
  IfColumn column;
  uint32_t if_index;
};
std::optional<IfInstance> IfInstanceOf(OidView oid, bool* malformed);

// The columns every walk needs (status and counters) and those only metadata walks need.
IfColumnSet FastIfColumns();
IfColumnSet SlowIfColumns();

}  // namespace netif
