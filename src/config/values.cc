#include "config/values.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

namespace netif {
namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Plain decimal digits only: no sign, no spaces, no hex, so "+1", " 1" and "0x1" are refused.
std::optional<uint64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

constexpr std::array<std::pair<LogLevel, std::string_view>, 4> kLogLevels = {{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kWarn, "warn"},
    {LogLevel::kError, "error"},
}};

constexpr std::array<std::pair<LogFormat, std::string_view>, 2> kLogFormats = {{
    {LogFormat::kLogfmt, "logfmt"},
    {LogFormat::kJson, "json"},
}};

// "debug, info, warn, error" from a name table, so the message cannot drift from the table.
template <typename Table>
std::string JoinNames(const Table& table) {
  std::string names;
  for (const auto& [value, name] : table) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

constexpr std::string_view kAddressForms = "want host:port, [v6]:port or :port, e.g. \":10100\"";

bool IsIpv4Literal(const std::string& host) {
  in_addr addr;
  return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

bool IsIpv6Literal(const std::string& host) {
  in6_addr addr;
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1..63 each.
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label_begin = 0;
  while (label_begin <= host.size()) {
    size_t label_end = host.find('.', label_begin);
    if (label_end == std::string_view::npos) label_end = host.size();
    const std::string_view label = host.substr(label_begin, label_end - label_begin);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool alnum = IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alnum && c != '-') return false;
    }
    label_begin = label_end + 1;
  }
  return true;
}

bool LooksNumeric(std::string_view host) {
  for (char c : host) {
    if (!IsDigit(c) && c != '.') return false;
  }
  return true;
}

OrError<uint16_t> ParsePort(std::string_view port, std::string_view address) {
  const std::optional<uint64_t> value = ParseDigits(port);
  if (!value || port.size() > 5 || *value > 65535) {
    return "invalid port " + Quote(port) + " in " + Quote(address) + "; want 0..65535";
  }
  return static_cast<uint16_t>(*value);
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  for (const auto& [value, name] : kLogLevels) {
    if (value == level) return name;
  }
  return "unknown";
}

std::string_view LogFormatName(LogFormat format) {
  for (const auto& [value, name] : kLogFormats) {
    if (value == format) return name;
  }
  return "unknown";
}

OrError<LogLevel> ParseLogLevel(std::string_view text) {
  for (const auto& [value, name] : kLogLevels) {
    if (name == text) return value;
  }
  return "invalid log level " + Quote(text) + "; want one of " + JoinNames(kLogLevels);
}

OrError<LogFormat> ParseLogFormat(std::string_view text) {
  for (const auto& [value, name] : kLogFormats) {
    if (name == text) return value;
  }
  return "invalid log format " + Quote(text) + "; want one of " + JoinNames(kLogFormats);
}

std::string ListenAddress::ToString() const {
  const std::string port_text = ":" + std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]" + port_text;
  return host + port_text;
}

OrError<ListenAddress> ParseListenAddress(std::string_view text) {
  if (text.empty()) return "empty address; " + std::string(kAddressForms);
  ListenAddress address;
  std::string_view port;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return "invalid address " + Quote(text) + "; " + std::string(kAddressForms);
    }
    address.host = std::string(text.substr(1, close - 1));
    if (!IsIpv6Literal(address.host)) {
      return "invalid IPv6 address " + Quote(address.host) + " in " + Quote(text);
    }
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return "missing port in " + Quote(text) + "; " + std::string(kAddressForms);
    }
    address.host = std::string(text.substr(0, colon));
    if (address.host.find(':') != std::string::npos) {
      return "IPv6 address in " + Quote(text) + " needs brackets, e.g. \"[::1]:10100\"";
    }
    port = text.substr(colon + 1);
    if (!address.host.empty() && !IsIpv4Literal(address.host)) {
      // "1.2.3.999" is a valid host name by syntax alone, but surely a mistyped IPv4 address.
      if (LooksNumeric(address.host) || !IsHostName(address.host)) {
        return "invalid host " + Quote(address.host) + " in " + Quote(text) +
               "; want an IPv4 address, a [v6] address or a host name";
      }
    }
  }
  OrError<uint16_t> parsed_port = ParsePort(port, text);
  if (auto* error = std::get_if<std::string>(&parsed_port)) return std::move(*error);
  address.port = std::get<uint16_t>(parsed_port);
  return address;
}

std::string Shard::ToString() const { return std::to_string(index) + "/" + std::to_string(count); }

OrError<Shard> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  const std::optional<uint64_t> index =
      slash == std::string_view::npos ? std::nullopt : ParseDigits(text.substr(0, slash));
  const std::optional<uint64_t> count =
      slash == std::string_view::npos ? std::nullopt : ParseDigits(text.substr(slash + 1));
  if (!index || !count) {
    return "invalid shard " + Quote(text) + "; want index/count, e.g. \"0/1\" or \"2/4\"";
  }
  if (*count == 0) return "invalid shard " + Quote(text) + ": the count must be at least 1";
  if (*count > kMaxShardCount) {
    return "invalid shard " + Quote(text) + ": the count must be at most " +
           std::to_string(kMaxShardCount);
  }
  if (*index >= *count) {
    return "invalid shard " + Quote(text) + ": the index must be below the count (0.." +
           std::to_string(*count - 1) + ")";
  }
  return Shard{static_cast<uint32_t>(*index), static_cast<uint32_t>(*count)};
}

OrError<double> ParseNumber(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return "invalid number " + Quote(text);
  }
  return value;
}

OrError<uint64_t> ParseBitRate(std::string_view text) {
  static constexpr std::array<std::pair<char, double>, 6> kSuffixes = {{
      {'k', 1e3},
      {'K', 1e3},
      {'M', 1e6},
      {'G', 1e9},
      {'T', 1e12},
      {'P', 1e15},
  }};
  const std::string invalid = "invalid bit rate " + Quote(text) +
                              "; want bits per second as a number or with an SI suffix "
                              "(k, M, G, T, P), e.g. \"10G\", \"100M\", \"1.5G\"";
  std::string_view number = text;
  double multiplier = 1;
  for (const auto& [suffix, value] : kSuffixes) {
    if (!text.empty() && text.back() == suffix) {
      number = text.substr(0, text.size() - 1);
      multiplier = value;
    }
  }
  const OrError<double> parsed = ParseNumber(number);
  if (!std::holds_alternative<double>(parsed)) return invalid;
  const double bits = std::get<double>(parsed) * multiplier;
  if (bits < 0) return "invalid bit rate " + Quote(text) + ": must not be negative";
  if (bits >= 1e18) return "invalid bit rate " + Quote(text) + ": too large";
  return static_cast<uint64_t>(std::llround(bits));
}

OrError<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return "invalid boolean " + Quote(text) + "; want true or false";
}

}  // namespace netif
