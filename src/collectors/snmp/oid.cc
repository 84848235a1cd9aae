#include "collectors/snmp/oid.h"

#include <limits>

namespace netif {

std::optional<Oid> ParseOid(std::string_view dotted) {
  if (dotted.starts_with('.')) dotted.remove_prefix(1);
  if (dotted.empty()) return std::nullopt;
  Oid oid;
  uint64_t value = 0;
  bool have_digit = false;
  for (const char c : dotted) {
    if (c == '.') {
      if (!have_digit) return std::nullopt;
      oid.push_back(static_cast<uint32_t>(value));
      value = 0;
      have_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    have_digit = true;
  }
  if (!have_digit) return std::nullopt;
  oid.push_back(static_cast<uint32_t>(value));
  return oid;
}

std::string FormatOid(OidView oid) {
  std::string text;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (i > 0) text.push_back('.');
    text += std::to_string(oid[i]);
  }
  return text;
}

}  // namespace netif
