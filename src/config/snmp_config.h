// The `snmp:` section: SNMP targets to poll, their credentials and poll settings, and the text
// parsers of its small value types (address, version, security level, protocols, label names).
//
// The loader (LoadSnmp() in snmp_config_yaml.cc) resolves everything at start-up: per-target
// settings are the `defaults:` with the target's overrides laid over them, and secrets given as
// `*_env`/`*_file` are read then, so the poller never touches the environment or the file system.
//
// Thread-safety: plain values and pure functions; safe for concurrent use.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/anchored_regex.h"
#include "config/values.h"

namespace netif {

inline constexpr std::chrono::milliseconds kMinSnmpInterval = std::chrono::seconds(1);
inline constexpr std::chrono::milliseconds kMaxSnmpInterval = std::chrono::hours(1);
inline constexpr std::chrono::milliseconds kMinSnmpTimeout{10};
inline constexpr std::chrono::milliseconds kMaxSnmpTimeout = std::chrono::minutes(1);
inline constexpr std::chrono::milliseconds kMaxSnmpStaleAfter = std::chrono::hours(24);
inline constexpr uint32_t kMaxSnmpRetries = 10;
inline constexpr uint32_t kMaxSnmpMaxRepetitions = 1000;
inline constexpr uint32_t kMaxSnmpMetadataEvery = 1000;
// Ceilings of the per-target limits themselves: a limit above them would protect nothing.
inline constexpr uint32_t kMaxSnmpMaxInterfaces = 1000000;
inline constexpr uint32_t kMaxSnmpMaxVarbinds = 100000000;
// Secrets read from a file: anything larger is surely the wrong file.
inline constexpr size_t kMaxSnmpSecretFileBytes = 4096;
// net-snmp refuses shorter USM passphrases (RFC 3414 recommends at least 8 characters).
inline constexpr size_t kMinSnmpPasswordLength = 8;

enum class SnmpVersion : uint8_t { kV1, kV2c, kV3 };
enum class SnmpSecurityLevel : uint8_t { kNoAuthNoPriv, kAuthNoPriv, kAuthPriv };
enum class SnmpAuthProtocol : uint8_t { kMd5, kSha, kSha224, kSha256, kSha384, kSha512 };
enum class SnmpPrivProtocol : uint8_t { kDes, kAes, kAes192, kAes256 };
enum class SnmpTransport : uint8_t { kUdp, kTcp };

std::string_view SnmpVersionName(SnmpVersion version);             // "1", "2c", "3"
std::string_view SnmpSecurityLevelName(SnmpSecurityLevel level);   // "authPriv", ...
std::string_view SnmpAuthProtocolName(SnmpAuthProtocol protocol);  // "SHA-256", ...
std::string_view SnmpPrivProtocolName(SnmpPrivProtocol protocol);  // "AES-256", ...
OrError<SnmpVersion> ParseSnmpVersion(std::string_view text);
OrError<SnmpSecurityLevel> ParseSnmpSecurityLevel(std::string_view text);
// Also accepts SHA1 for SHA and the names without the dash (SHA256), since agents and tools
// spell them both ways.
OrError<SnmpAuthProtocol> ParseSnmpAuthProtocol(std::string_view text);
// Also accepts AES128 for AES and the names without the dash (AES256).
OrError<SnmpPrivProtocol> ParseSnmpPrivProtocol(std::string_view text);

// Where an agent listens.
struct SnmpAddress {
  SnmpTransport transport = SnmpTransport::kUdp;
  std::string host;  // IPv4 literal, IPv6 literal (without brackets) or a host name
  uint16_t port = 161;

  // "udp://10.0.0.1:161", "tcp://[2001:db8::1]:1161", "udp://sw1.example.net:161".
  std::string ToString() const;
  bool operator==(const SnmpAddress&) const = default;
};
// Accepts [udp://|tcp://]host[:port] and [udp://|tcp://][v6][:port]; a bare IPv6 literal without
// brackets means the default port. Port 1..65535, default 161.
OrError<SnmpAddress> ParseSnmpAddress(std::string_view text);

// The labels every SNMP port carries (in this order), so static target labels may not reuse them.
inline constexpr std::array<std::string_view, 5> kSnmpInterfaceLabels = {
    "target", "ifIndex", "ifName", "ifDescr", "ifAlias"};
// Label names a static target label may not use: the interface labels above, the local
// interfaces' `device`, and the extra labels metric families add to an interface's labels
// (a test in src/collectors/snmp checks this list against the metric catalogue).
inline constexpr std::array<std::string_view, 25> kSnmpReservedLabels = {"target",
                                                                         "ifIndex",
                                                                         "ifName",
                                                                         "ifDescr",
                                                                         "ifAlias",
                                                                         "device",
                                                                         "direction",
                                                                         "window",
                                                                         "kind",
                                                                         "address",
                                                                         "duplex",
                                                                         "operstate",
                                                                         "ifalias",
                                                                         "master",
                                                                         "broadcast",
                                                                         "side",
                                                                         "driver",
                                                                         "driver_version",
                                                                         "firmware_version",
                                                                         "bus_info",
                                                                         "namespace",
                                                                         "pod",
                                                                         "pod_uid",
                                                                         "container_id",
                                                                         "netns"};
// nullopt when `name` may be a static label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading "__", not
// reserved); else the reason.
std::optional<std::string> CheckSnmpLabelName(std::string_view name);
// nullopt when `name` may be a target name: 1..128 printable characters, no spaces, no '/'
// (the separator in capacity keys, "target/ifName"); else the reason.
std::optional<std::string> CheckSnmpTargetName(std::string_view name);

// Settings a target takes from `snmp.defaults` unless it overrides them.
struct SnmpPollSettings {
  std::chrono::milliseconds interval = std::chrono::seconds(10);
  // How long to wait for each response before a retry (and after the last retry, giving up).
  std::chrono::milliseconds timeout = std::chrono::seconds(2);
  uint32_t retries = 1;
  // GETBULK repetitions: rows per column per request.
  uint32_t max_repetitions = 25;
  // How long a failing target's last good series stay; nullopt: 3 intervals (StaleAfter()).
  std::optional<std::chrono::milliseconds> stale_after;
  // The slow-changing columns (names, alias, speed, type, MTU, address) are walked on every
  // metadata_every-th poll, and whenever the set of ifIndexes changes; 1 = every poll.
  uint32_t metadata_every = 10;
  // Limits that keep one agent from taking the exporter's memory or its poller thread: a poll
  // that crosses one fails (kinds too_many_interfaces, too_many_varbinds, walk_timeout) and what
  // it read is dropped, never published. max_interfaces bounds the ports (rows of each column,
  // and distinct ifIndexes) one poll may read; max_varbinds the varbinds it may keep (the default
  // is above what max_interfaces allows, so it only binds when lowered); walk_timeout the time
  // from a poll's first walk request to its last answer (nullopt: see WalkTimeout()).
  uint32_t max_interfaces = 10000;
  uint32_t max_varbinds = 500000;
  std::optional<std::chrono::milliseconds> walk_timeout;
  // Ports to export, matched against ifName, ifDescr and ifAlias: selected when include is empty
  // or matches any of them, and exclude matches none of them.
  AnchoredRegex interface_include;
  AnchoredRegex interface_exclude;

  std::chrono::milliseconds StaleAfter() const { return stale_after.value_or(3 * interval); }
  // By default three intervals (as long as a failing target's series stay by default: a slow
  // agent that still answers within it is late, not failed), or one request with all its retries
  // when that is longer.
  std::chrono::milliseconds WalkTimeout() const {
    return walk_timeout.value_or(std::max(3 * interval, timeout * (retries + 1)));
  }
  bool operator==(const SnmpPollSettings&) const = default;
};

// Credentials, resolved at load time (secrets from the environment or files already read).
struct SnmpCredentials {
  std::string community;  // versions 1 and 2c
  std::string username;   // version 3
  SnmpSecurityLevel security_level = SnmpSecurityLevel::kAuthPriv;
  SnmpAuthProtocol auth_protocol = SnmpAuthProtocol::kSha;
  std::string auth_password;
  SnmpPrivProtocol priv_protocol = SnmpPrivProtocol::kAes;
  std::string priv_password;
  std::string context_name;  // version 3 context; empty = the default context

  bool operator==(const SnmpCredentials&) const = default;
};

struct SnmpTargetConfig {
  std::string name;  // the `target` label
  SnmpAddress address;
  SnmpVersion version = SnmpVersion::kV2c;
  SnmpCredentials credentials;
  std::map<std::string, std::string> labels;  // static labels added to every port
  SnmpPollSettings settings;                  // defaults with this target's overrides
  // Keys of this target that hold a secret inline (e.g. "snmp.targets[0].community"); the poller
  // warns about each at start.
  std::vector<std::string> inline_secret_keys;

  // Applies settings.interface_include/exclude to a port's ifName, ifDescr and ifAlias.
  bool InterfaceSelected(std::string_view if_name, std::string_view if_descr,
                         std::string_view if_alias) const;
  bool operator==(const SnmpTargetConfig&) const = default;
};

struct SnmpConfig {
  SnmpPollSettings defaults;
  std::vector<SnmpTargetConfig> targets;  // names unique

  bool operator==(const SnmpConfig&) const = default;
};

}  // namespace netif
