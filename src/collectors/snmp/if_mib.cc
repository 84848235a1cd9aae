#include "collectors/snmp/if_mib.h"

namespace netif {
namespace {

constexpr uint32_t kMaxIfIndex = 2147483647;  // InterfaceIndex ::= Integer32 (1..2147483647)

// Column number -> column, per table (0 = a column the exporter does not read).
struct ColumnLookup {
  std::array<uint8_t, 32> by_number{};  // IfColumnIndex + 1; 0 = none

  constexpr explicit ColumnLookup(IfTable table) {
    for (const IfColumnInfo& info : kIfColumns) {
      if (info.table == table)
        by_number[info.number] = static_cast<uint8_t>(IfColumnIndex(info.column) + 1);
    }
  }
  std::optional<IfColumn> Find(uint32_t number) const {
    if (number >= by_number.size() || by_number[number] == 0) return std::nullopt;
    return static_cast<IfColumn>(by_number[number] - 1);
  }
};

constexpr ColumnLookup kIfTableColumns(IfTable::kIfTable);
constexpr ColumnLookup kIfXTableColumns(IfTable::kIfXTable);

}  // namespace

Oid IfColumnOid(IfColumn column) {
  const IfColumnInfo& info = InfoOf(column);
  Oid oid = info.table == IfTable::kIfTable ? Oid(kIfEntryOid.begin(), kIfEntryOid.end())
                                            : Oid(kIfXEntryOid.begin(), kIfXEntryOid.end());
  oid.push_back(info.number);
  return oid;
}

std::optional<IfInstance> IfInstanceOf(OidView oid, bool* malformed) {
  *malformed = false;
  const ColumnLookup* lookup = nullptr;
  size_t entry_length = 0;
  if (OidStartsWith(oid, kIfEntryOid)) {
    lookup = &kIfTableColumns;
    entry_length = kIfEntryOid.size();
  } else if (OidStartsWith(oid, kIfXEntryOid)) {
    lookup = &kIfXTableColumns;
    entry_length = kIfXEntryOid.size();
  } else {
    return std::nullopt;
  }
  if (oid.size() <= entry_length) return std::nullopt;
  const std::optional<IfColumn> column = lookup->Find(oid[entry_length]);
  if (!column) return std::nullopt;
  if (oid.size() != entry_length + 2 || oid.back() == 0 || oid.back() > kMaxIfIndex) {
    *malformed = true;
    return std::nullopt;
  }
  return IfInstance{*column, oid.back()};
}

IfColumnSet FastIfColumns() {
  IfColumnSet set;
  for (const IfColumnInfo& info : kIfColumns) set.set(IfColumnIndex(info.column), !info.slow);
  return set;
}

IfColumnSet SlowIfColumns() { return ~FastIfColumns(); }

}  // namespace netif
