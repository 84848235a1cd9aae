// Pieces of the Prometheus text exposition format (version 0.0.4): escaping and number
// formatting that always yield a valid exposition, whatever bytes an interface name or an SNMP
// string holds.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace netif {

// Appends `raw` as a label value body (without the quotes): invalid UTF-8 sequences become U+FFFD,
// and '\', '"' and newline are escaped as the format requires.
void AppendEscapedLabelValue(std::string& out, std::string_view raw);

// Appends HELP text: only '\' and newline are escaped there; invalid UTF-8 becomes U+FFFD.
void AppendEscapedHelp(std::string& out, std::string_view raw);

// Returns `raw` with every invalid UTF-8 sequence replaced by U+FFFD (for logs and labels).
std::string SanitizeUtf8(std::string_view raw);

// True if `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__" (reserved).
bool IsValidLabelName(std::string_view name);

// Sample values: integers exactly (counters up to 2^64-1), doubles in their shortest round-trip
// form, and NaN/+Inf/-Inf spelled as the format wants.
void AppendValue(std::string& out, uint64_t value);
void AppendValue(std::string& out, double value);

}  // namespace netif
