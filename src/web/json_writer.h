// JSON text for the page's API: strings escaped whatever bytes they hold, numbers that are always
// valid JSON. A device name or an SNMP ifAlias is raw bytes from the outside, maybe not UTF-8.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netif {

// Appends `bytes` as a JSON string literal: quotes, backslashes and control characters escaped,
// valid UTF-8 kept as it is, and each byte of an invalid sequence (a stray continuation byte, a
// truncated or overlong sequence, a surrogate, a code point past U+10FFFF) replaced by U+FFFD, so
// the output is always valid UTF-8 and valid JSON.
void AppendJsonString(std::string& out, std::string_view bytes);

// Appends a number, or `null` when it is absent or not finite (JSON has no NaN or infinity).
// Integers up to 2^53 print exactly; others with `significant_digits`.
void AppendJsonNumber(std::string& out, std::optional<double> value, int significant_digits = 6);

// Appends `true`, `false` or `null`.
void AppendJsonBool(std::string& out, std::optional<bool> value);

}  // namespace netif
