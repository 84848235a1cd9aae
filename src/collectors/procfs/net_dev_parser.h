// Parser for /proc/net/dev: a pure function from the file's text to one InterfaceRecord per
// interface, with all 16 kernel counters. No I/O here; ProcfsReader reads the file.
//
// Thread-safety: stateless functions; safe for concurrent use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/interface_record.h"

namespace netif {

struct NetDevParseResult {
  // One record per well-formed line, in file order. Each has key {kLocalSource, name}, labels
  // LocalDeviceLabels(name), and the 16 /proc/net/dev counters (64-bit, not wrapping at 2^32).
  InterfaceRecords records;
  // One "line N: <why>" per skipped line. Printable ASCII only: bytes of the input that are not
  // printable ASCII, and quotes and backslashes, are escaped, so an error is safe to log.
  std::vector<std::string> errors;
};

// Parses the text of /proc/net/dev. Lines that are malformed (wrong number of counters, a counter
// that is not a decimal number or exceeds 2^64-1, a missing colon, an invalid interface name) or
// repeat an interface already seen are skipped with an error; no value is ever guessed. The two
// header lines are recognised by shape and skipped; a file without them parses the same. Accepts
// any input without crashing.
NetDevParseResult ParseNetDev(std::string_view text);

// True when the kernel could have named an interface `name` (its dev_valid_name()): 1 to 15
// bytes, not "." or "..", and no '/', ':', NUL or whitespace (the kernel's isspace(), which counts
// byte 0xA0 too). Any other byte is allowed; names need not be UTF-8.
bool IsValidInterfaceName(std::string_view name);

// `bytes` as printable ASCII for an error message, in quotes: '"' and '\' are backslash-escaped,
// other bytes outside 0x20..0x7E become \xHH, and at most `max_bytes` input bytes are shown
// (followed by "..." when cut).
std::string QuoteForMessage(std::string_view bytes, std::size_t max_bytes = 32);

}  // namespace netif
