#include "config/snmp_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

namespace netif {
namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

template <typename T, size_t N>
using NameTable = std::array<std::pair<T, std::string_view>, N>;

constexpr NameTable<SnmpVersion, 3> kVersions = {{
    {SnmpVersion::kV1, "1"},
    {SnmpVersion::kV2c, "2c"},
    {SnmpVersion::kV3, "3"},
}};

constexpr NameTable<SnmpSecurityLevel, 3> kSecurityLevels = {{
    {SnmpSecurityLevel::kNoAuthNoPriv, "noAuthNoPriv"},
    {SnmpSecurityLevel::kAuthNoPriv, "authNoPriv"},
    {SnmpSecurityLevel::kAuthPriv, "authPriv"},
}};

constexpr NameTable<SnmpAuthProtocol, 6> kAuthProtocols = {{
    {SnmpAuthProtocol::kMd5, "MD5"},
    {SnmpAuthProtocol::kSha, "SHA"},
    {SnmpAuthProtocol::kSha224, "SHA-224"},
    {SnmpAuthProtocol::kSha256, "SHA-256"},
    {SnmpAuthProtocol::kSha384, "SHA-384"},
    {SnmpAuthProtocol::kSha512, "SHA-512"},
}};

constexpr NameTable<SnmpPrivProtocol, 4> kPrivProtocols = {{
    {SnmpPrivProtocol::kDes, "DES"},
    {SnmpPrivProtocol::kAes, "AES"},
    {SnmpPrivProtocol::kAes192, "AES-192"},
    {SnmpPrivProtocol::kAes256, "AES-256"},
}};

template <typename T, size_t N>
std::string_view NameOf(const NameTable<T, N>& table, T value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename T, size_t N>
std::string JoinNames(const NameTable<T, N>& table) {
  std::string names;
  for (const auto& [value, name] : table) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

std::string WithoutDashes(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '-' && c != '_') out.push_back(c);
  }
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Looks `text` up by name, ignoring case and dashes ("sha256" = "SHA-256"), plus `aliases`.
template <typename T, size_t N>
std::optional<T> LookUpProtocol(const NameTable<T, N>& table, std::string_view text,
                                std::initializer_list<std::pair<std::string_view, T>> aliases) {
  const std::string wanted = WithoutDashes(text);
  for (const auto& [value, name] : table) {
    if (EqualsIgnoringCase(WithoutDashes(name), wanted)) return value;
  }
  for (const auto& [alias, value] : aliases) {
    if (EqualsIgnoringCase(alias, wanted)) return value;
  }
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsIpv6Literal(const std::string& host) {
  in6_addr addr;
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// A host name or IPv4 literal: letters, digits, '.', '-', '_' (some inventories use it).
bool IsPlausibleHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
           c == '_';
  });
}

OrError<uint16_t> ParsePort(std::string_view port, std::string_view address) {
  uint32_t value = 0;
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return IsDigit(c); });
  if (digits) {
    for (char c : port) value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (!digits || value == 0 || value > 65535) {
    return "invalid port " + Quote(port) + " in " + Quote(address) + "; want 1..65535";
  }
  return static_cast<uint16_t>(value);
}

constexpr std::string_view kAddressForms =
    "want host[:port] or [v6][:port], optionally prefixed udp:// or tcp://";

}  // namespace

std::string_view SnmpVersionName(SnmpVersion version) { return NameOf(kVersions, version); }
std::string_view SnmpSecurityLevelName(SnmpSecurityLevel level) {
  return NameOf(kSecurityLevels, level);
}
std::string_view SnmpAuthProtocolName(SnmpAuthProtocol protocol) {
  return NameOf(kAuthProtocols, protocol);
}
std::string_view SnmpPrivProtocolName(SnmpPrivProtocol protocol) {
  return NameOf(kPrivProtocols, protocol);
}

OrError<SnmpVersion> ParseSnmpVersion(std::string_view text) {
  for (const auto& [value, name] : kVersions) {
    if (name == text) return value;
  }
  if (text == "2" || text == "v2c" || text == "2C") return SnmpVersion::kV2c;
  return "invalid SNMP version " + Quote(text) + "; want one of " + JoinNames(kVersions);
}

OrError<SnmpSecurityLevel> ParseSnmpSecurityLevel(std::string_view text) {
  for (const auto& [value, name] : kSecurityLevels) {
    if (EqualsIgnoringCase(name, text)) return value;
  }
  return "invalid security level " + Quote(text) + "; want one of " + JoinNames(kSecurityLevels);
}

OrError<SnmpAuthProtocol> ParseSnmpAuthProtocol(std::string_view text) {
  if (auto found = LookUpProtocol(kAuthProtocols, text, {{"SHA1", SnmpAuthProtocol::kSha}})) {
    return *found;
  }
  return "invalid auth protocol " + Quote(text) + "; want one of " + JoinNames(kAuthProtocols);
}

OrError<SnmpPrivProtocol> ParseSnmpPrivProtocol(std::string_view text) {
  if (auto found = LookUpProtocol(kPrivProtocols, text, {{"AES128", SnmpPrivProtocol::kAes}})) {
    return *found;
  }
  return "invalid priv protocol " + Quote(text) + "; want one of " + JoinNames(kPrivProtocols);
}

std::string SnmpAddress::ToString() const {
  const std::string scheme = transport == SnmpTransport::kTcp ? "tcp://" : "udp://";
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + shown_host + ":" + std::to_string(port);
}

OrError<SnmpAddress> ParseSnmpAddress(std::string_view text) {
  SnmpAddress address;
  std::string_view rest = text;
  if (rest.starts_with("udp://")) {
    rest.remove_prefix(6);
  } else if (rest.starts_with("tcp://")) {
    address.transport = SnmpTransport::kTcp;
    rest.remove_prefix(6);
  } else if (rest.find("://") != std::string_view::npos) {
    return "unsupported transport in " + Quote(text) + "; " + std::string(kAddressForms);
  }
  if (rest.empty()) return "empty address; " + std::string(kAddressForms);

  std::optional<std::string_view> port;
  if (rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return "invalid address " + Quote(text) + "; " + std::string(kAddressForms);
    }
    address.host = std::string(rest.substr(1, close - 1));
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return "invalid address " + Quote(text) + "; " + std::string(kAddressForms);
      }
      port = after.substr(1);
    }
    if (!IsIpv6Literal(address.host)) {
      return "invalid IPv6 address " + Quote(address.host) + " in " + Quote(text);
    }
  } else if (std::count(rest.begin(), rest.end(), ':') > 1) {
    // A bare IPv6 literal: its colons leave no room for a port.
    address.host = std::string(rest);
    if (!IsIpv6Literal(address.host)) {
      return "invalid address " + Quote(text) + "; an IPv6 address with a port needs brackets, " +
             "e.g. \"[2001:db8::1]:161\"";
    }
  } else {
    const size_t colon = rest.find(':');
    address.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    if (!IsPlausibleHost(address.host)) {
      return "invalid host " + Quote(address.host) + " in " + Quote(text) + "; " +
             std::string(kAddressForms);
    }
  }
  if (port) {
    OrError<uint16_t> parsed = ParsePort(*port, text);
    if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
    address.port = std::get<uint16_t>(parsed);
  }
  return address;
}

std::optional<std::string> CheckSnmpLabelName(std::string_view name) {
  const auto valid_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && IsDigit(c));
  };
  bool ok = !name.empty();
  for (size_t i = 0; ok && i < name.size(); ++i) ok = valid_char(name[i], i == 0);
  if (!ok) return "invalid label name " + Quote(name) + "; want [a-zA-Z_][a-zA-Z0-9_]*";
  if (name.starts_with("__")) {
    return "label name " + Quote(name) + " is reserved (names starting with __ are Prometheus')";
  }
  if (std::find(kSnmpReservedLabels.begin(), kSnmpReservedLabels.end(), name) !=
      kSnmpReservedLabels.end()) {
    return "label name " + Quote(name) +
           " is reserved (the exporter sets it on every port or metric)";
  }
  return std::nullopt;
}

std::optional<std::string> CheckSnmpTargetName(std::string_view name) {
  if (name.empty()) return std::string("the target name must not be empty");
  if (name.size() > 128) return "target name " + Quote(name) + " is longer than 128 characters";
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '/') {
      return "invalid target name " + Quote(name) +
             "; no spaces, control characters or '/' (it separates target and port in "
             "analytics.capacity_bps keys)";
    }
  }
  return std::nullopt;
}

bool SnmpTargetConfig::InterfaceSelected(std::string_view if_name, std::string_view if_descr,
                                         std::string_view if_alias) const {
  const auto any = [&](const AnchoredRegex& regex) {
    return regex.Matches(if_name) || regex.Matches(if_descr) || regex.Matches(if_alias);
  };
  if (any(settings.interface_exclude)) return false;
  return settings.interface_include.empty() || any(settings.interface_include);
}

}  // namespace netif
