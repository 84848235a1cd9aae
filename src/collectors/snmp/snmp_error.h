// Why a poll (or part of one) went wrong: the `kind` label of netif_snmp_errors_total, and the
// failure a step of the poll hands back to the poller (which counts it, logs it and ends the
// poll).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace netif {

enum class SnmpErrorKind : uint8_t {
  kTimeout,    // no answer after every retry (agent down or unreachable, wrong community)
  kAuth,       // SNMPv3 refused: unknown user, wrong password or protocol, security level
  kReport,     // another SNMPv3 Report
  kAgent,      // a response with a non-zero error-status (genErr, ...)
  kPacket,     // a datagram that could not be decoded or matched (garbage, a late reply)
  kOidOrder,   // the agent walked backwards or in place (a buggy agent)
  kVarbind,    // a varbind with a wrong type or an out-of-range value, skipped
  kTransport,  // resolve, connect, socket or send failures
  // The poll crossed one of the target's limits (SnmpPollSettings): it fails, and what it read
  // is dropped rather than published.
  kTooManyInterfaces,  // more ports (rows in a column, or ifIndexes) than max_interfaces
  kTooManyVarbinds,    // more varbinds kept than max_varbinds
  kWalkTimeout,        // the poll's walks took longer than walk_timeout
};
inline constexpr std::array<SnmpErrorKind, 11> kSnmpErrorKinds = {
    SnmpErrorKind::kTimeout,         SnmpErrorKind::kAuth,       SnmpErrorKind::kReport,
    SnmpErrorKind::kAgent,           SnmpErrorKind::kPacket,     SnmpErrorKind::kOidOrder,
    SnmpErrorKind::kVarbind,         SnmpErrorKind::kTransport,  SnmpErrorKind::kTooManyInterfaces,
    SnmpErrorKind::kTooManyVarbinds, SnmpErrorKind::kWalkTimeout};
std::string_view SnmpErrorKindName(SnmpErrorKind kind);  // "timeout", "auth", ...

// A step that ended the poll: what kind of error, and the log line's text.
struct SnmpFailure {
  SnmpErrorKind kind;
  std::string message;
};

}  // namespace netif
