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

// Appends `raw` as a label value body (without the quotes), '\', '"' and newline escaped as the
// format requires. The label value Prometheus reads back is `raw` itself when `raw` is valid UTF-8
// and holds no backslash followed by 'x'; otherwise every byte that is not part of a valid UTF-8
// sequence becomes the four characters "\xHH" (its value in uppercase hex) and every backslash
// becomes "\x5C", the rest kept. So distinct byte strings always give distinct label values (two
// interface names that differ only in invalid bytes stay two series): a value in the second form
// always holds "\x", one in the first never does, and the second form decodes back to `raw` by
// turning each "\xHH" into its byte.
void AppendEscapedLabelValue(std::string& out, std::string_view raw);

// Appends HELP text: only '\' and newline are escaped there; invalid UTF-8 becomes U+FFFD.
void AppendEscapedHelp(std::string& out, std::string_view raw);

// Returns `raw` with every invalid UTF-8 sequence replaced by U+FFFD (for text that identifies
// nothing; label values use AppendEscapedLabelValue, which keeps distinct values distinct).
std::string SanitizeUtf8(std::string_view raw);

// True if `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__" (reserved).
bool IsValidLabelName(std::string_view name);

// Sample values: integers exactly (counters up to 2^64-1), doubles in their shortest round-trip
// form, and NaN/+Inf/-Inf spelled as the format wants.
void AppendValue(std::string& out, uint64_t value);
void AppendValue(std::string& out, double value);

// Raw-cursor forms of the above, for writers that reserve room once per line (the renderer):
// each writes at `cursor` and returns the end of what it wrote.
//
// An escaped label value takes at most this many bytes per input byte (an invalid byte or a
// backslash becomes "\xHH", written "\\xHH" in the exposition).
inline constexpr std::size_t kMaxEscapedBytesPerByte = 5;
// A value takes at most this many bytes.
inline constexpr std::size_t kMaxValueChars = 32;
// REQUIRES: room for kMaxEscapedBytesPerByte * raw.size() bytes at `cursor`.
char* WriteEscapedLabelValue(char* cursor, std::string_view raw);
// REQUIRES: room for kMaxValueChars bytes. Integral doubles below 2^53 are written as integers
// ("125000000", not "1.25e+08"): the same number to every parser, and much cheaper than the
// shortest-round-trip algorithm, which matters because a large scrape writes hundreds of
// thousands of values.
char* WriteValue(char* cursor, uint64_t value);
char* WriteValue(char* cursor, double value);

}  // namespace netif
