// Numeric SNMP object identifiers. The exporter loads no MIB: every OID it sends or reads is a
// plain array of sub-identifiers, compared and printed here.
//
// Thread-safety: plain values and pure functions; safe for concurrent use.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netif {

// SNMP limits a sub-identifier to 32 bits (RFC 2578); net-snmp's wider `oid` type is narrowed
// where a PDU is decoded, and a wider value makes the varbind malformed.
using Oid = std::vector<uint32_t>;
using OidView = std::span<const uint32_t>;

// "1.3.6.1.2.1.1.3.0" or ".1.3.6..." -> the sub-identifiers; nullopt on anything else (empty,
// a non-digit, a sub-identifier above 2^32-1, an empty component).
std::optional<Oid> ParseOid(std::string_view dotted);
// The dotted form without a leading dot.
std::string FormatOid(OidView oid);

inline bool OidStartsWith(OidView oid, OidView prefix) {
  if (oid.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (oid[i] != prefix[i]) return false;
  }
  return true;
}

// Lexicographic order of sub-identifiers: SNMP's walk order.
inline std::strong_ordering CompareOids(OidView a, OidView b) {
  return std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace netif
