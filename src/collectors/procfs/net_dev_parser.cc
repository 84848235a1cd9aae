#include "collectors/procfs/net_dev_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <utility>

namespace netif {
namespace {

// IFNAMSIZ is 16 and includes the terminating NUL.
constexpr std::size_t kMaxInterfaceNameBytes = 15;

// The shortest well-formed line: "a:" and 16 one-digit counters with 15 separators, plus '\n'.
// Bounds the up-front reservation so a huge garbage input cannot reserve more than it could fill.
constexpr std::size_t kMinLineBytes = 2 + 16 + 15 + 1;

// /proc/net/dev's columns in Counter order, for error messages.
constexpr std::array<std::string_view, kProcNetDevCounterCount> kColumnNames = {
    "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
    "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
    "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
    "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed",
};

using Counters = std::array<uint64_t, kProcNetDevCounterCount>;

// What separates fields within a line: ASCII whitespace except '\n', which ends the line. The
// kernel writes only spaces; tabs and a trailing '\r' are accepted from hand-edited fixtures.
constexpr bool IsFieldSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// The kernel's isspace() (lib/ctype.c): ASCII whitespace and, from its Latin-1 table, 0xA0.
// dev_valid_name() rejects names containing any of them.
constexpr bool IsKernelSpace(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0;
}

std::string_view SkipSeparators(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && IsFieldSeparator(s[i])) ++i;
  return s.substr(i);
}

// The two header lines ("Inter-|   Receive ...|  Transmit" and " face |bytes    packets ...")
// both contain '|' and no ':'. A data line always has a ':' ending the name, and '|' alone is not
// enough because interface names may contain it.
bool LooksLikeHeader(std::string_view line) {
  return line.find(':') == std::string_view::npos && line.find('|') != std::string_view::npos;
}

std::string CounterError(std::size_t index, std::string_view why, std::string_view token) {
  std::string message = "counter ";
  message += std::to_string(index + 1);
  message += " (";
  message += kColumnNames[index];
  message += ") ";
  message += why;
  message += ' ';
  message += QuoteForMessage(token);
  return message;
}

// Reads the counters after the colon into `out`. Returns why they are malformed, or nullopt.
std::optional<std::string> ParseCounters(std::string_view rest, Counters& out) {
  std::size_t count = 0;
  for (rest = SkipSeparators(rest); !rest.empty(); rest = SkipSeparators(rest)) {
    std::size_t end = 0;
    while (end < rest.size() && !IsFieldSeparator(rest[end])) ++end;
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end);
    if (count < out.size()) {
      // from_chars on an unsigned type accepts only digits: no sign, no spaces, no "0x".
      uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
      if (ec == std::errc::result_out_of_range) {
        return CounterError(count, "exceeds 2^64-1:", token);
      }
      if (ec != std::errc() || ptr != token.data() + token.size()) {
        return CounterError(count, "is not a decimal number:", token);
      }
      out[count] = value;
    }
    ++count;
  }
  if (count != out.size()) {
    return "expected " + std::to_string(out.size()) + " counters, found " + std::to_string(count);
  }
  return std::nullopt;
}

// Splits one data line into the interface name and its counters. Returns why the line is
// malformed, or nullopt. The kernel right-aligns names in 6 columns and writes ": " after them;
// longer names push the colon right, and old kernels glued the first counter to the colon
// ("eth0:123"), so the name is everything up to the first ':' (names cannot contain one).
std::optional<std::string> ParseDataLine(std::string_view line, std::string_view& name,
                                         Counters& counters) {
  line = SkipSeparators(line);
  if (line.empty()) return "blank line";
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return "missing ':' after the interface name in " + QuoteForMessage(line);
  }
  name = line.substr(0, colon);
  if (name.empty()) return "empty interface name";
  if (name.size() > kMaxInterfaceNameBytes) {
    return "interface name longer than 15 bytes: " + QuoteForMessage(name);
  }
  if (!IsValidInterfaceName(name)) return "invalid interface name " + QuoteForMessage(name);
  return ParseCounters(line.substr(colon + 1), counters);
}

void AppendRecord(std::string_view name, const Counters& counters, InterfaceRecords& records) {
  InterfaceRecord& record = records.emplace_back();
  record.name.assign(name);
  record.key.source.assign(kLocalSource);
  record.key.id = record.name;
  record.labels = LocalDeviceLabels(name);
  for (std::size_t i = 0; i < counters.size(); ++i) {
    record.counters.Set(static_cast<Counter>(i), counters[i]);
  }
}

std::string LineError(std::size_t line_number, std::string_view why) {
  std::string message = "line ";
  message += std::to_string(line_number);
  message += ": ";
  message += why;
  return message;
}

}  // namespace

bool IsValidInterfaceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceNameBytes) return false;
  if (name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte == '\0' || byte == '/' || byte == ':' || IsKernelSpace(byte);
  });
}

std::string QuoteForMessage(std::string_view bytes, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string_view shown = bytes.substr(0, max_bytes);
  std::string quoted;
  quoted.reserve(shown.size() + 5);
  quoted += '"';
  for (const char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte >= 0x20 && byte <= 0x7E) {
      quoted += c;
    } else {
      quoted += "\\x";
      quoted += kHex[byte >> 4];
      quoted += kHex[byte & 0xF];
    }
  }
  quoted += '"';
  if (shown.size() < bytes.size()) quoted += "...";
  return quoted;
}

NetDevParseResult ParseNetDev(std::string_view text) {
  NetDevParseResult result;
  const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  result.records.reserve(std::min(newlines + 1, text.size() / kMinLineBytes + 1));

  // Names seen so far, as views into `text`. A file read in several chunks while interfaces come
  // and go can list one twice (seq_file resumes by position); the first line wins.
  std::unordered_set<std::string_view> seen;
  seen.reserve(result.records.capacity());

  Counters counters{};
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;

    if (line_number <= 2 && LooksLikeHeader(line)) continue;
    std::string_view name;
    if (auto why = ParseDataLine(line, name, counters)) {
      result.errors.push_back(LineError(line_number, *why));
      continue;
    }
    // The kernel serves /proc/net/dev in chunks; an interface renamed or re-created between two
    // chunks can be listed twice. That is churn, not malformed input: keep the first, no error.
    if (!seen.insert(name).second) continue;
    AppendRecord(name, counters, result.records);
  }
  return result;
}

}  // namespace netif
