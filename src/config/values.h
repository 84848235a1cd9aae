// The small value types of the configuration and their text parsers, shared by the YAML loader and
// the command-line parser so that `--log.level=x` and `log: {level: x}` accept exactly the same
// spellings and explain a bad value in the same words.
//
// Every parser returns the value or the reason it is invalid. The reason names no location: the
// caller prefixes "flag --x: " or "file:line: key: ".
//
// Thread-safety: pure functions over plain values; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace netif {

// A value or the one-line reason there is none. T must not be std::string (the alternatives would
// be indistinguishable by type).
template <typename T>
using OrError = std::variant<T, std::string>;

enum class LogLevel : uint8_t { kDebug, kInfo, kWarn, kError };
enum class LogFormat : uint8_t { kLogfmt, kJson };

std::string_view LogLevelName(LogLevel level);     // "debug", "info", "warn", "error"
std::string_view LogFormatName(LogFormat format);  // "logfmt", "json"
OrError<LogLevel> ParseLogLevel(std::string_view text);
OrError<LogFormat> ParseLogFormat(std::string_view text);

// Where the HTTP server listens. `host` is empty for "all addresses" (":10100"), an IPv4 literal,
// an IPv6 literal without brackets, or a host name that the HTTP server resolves.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;

  // Back to the flag's spelling: ":10100", "127.0.0.1:10100", "[::1]:10100".
  std::string ToString() const;
  bool operator==(const ListenAddress&) const = default;
};
// Accepts "host:port", "[v6]:port" and ":port"; port 0..65535 (0 = any free port, for tests).
OrError<ListenAddress> ParseListenAddress(std::string_view text);

// Which of `count` cooperating SNMP pollers this process is (--snmp.shard=index/count). How targets
// are split between shards belongs to the SNMP poller; the configuration only checks the pair.
struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;

  std::string ToString() const;  // "i/n"
  bool operator==(const Shard&) const = default;
};
inline constexpr uint32_t kMaxShardCount = 1024;
// Accepts "i/n" with 0 <= i < n <= kMaxShardCount, plain decimal digits.
OrError<Shard> ParseShard(std::string_view text);

// A bit rate in bits per second: a plain number ("10000000000", "1.5e9") or a number with an SI
// suffix k/K, M, G, T, P (powers of 1000: "10G", "100M", "1.5G"). The result is rounded to whole
// bits per second and must fit comfortably in 64 bits (< 1e18).
OrError<uint64_t> ParseBitRate(std::string_view text);

// A finite decimal number ("0.001", "1e-4", "10").
OrError<double> ParseNumber(std::string_view text);

// "true" / "false" (also "True", "TRUE", ...). YAML 1.1's yes/no/on/off are refused on purpose:
// `netlink: no` silently meaning false surprises more people than it helps.
OrError<bool> ParseBool(std::string_view text);

}  // namespace netif
