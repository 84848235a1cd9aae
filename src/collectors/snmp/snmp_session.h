// One target's net-snmp session, through net-snmp's single-session asynchronous API
// (snmp_sess_open, snmp_sess_async_send, snmp_sess_select_info2_flags, snmp_sess_read2,
// snmp_sess_timeout). Requests are sent without waiting; net-snmp's callback only queues what
// happened (a response, a report, a resend, a timeout) as SnmpEvents, converted to plain Varbinds
// while net-snmp still owns the PDU, and the caller drains them after Read() or HandleTimeouts().
//
// SNMPv3 engine discovery is asynchronous too: net-snmp's own probe (in snmp_sess_open, or
// delayed to the first send) blocks in snmp_sess_synch_response, which would stall every other
// target behind a dead one. Sessions are therefore opened with SNMP_FLAGS_DONT_PROBE; the caller
// sends SendEngineProbe(), and once its Report arrived calls OnEngineDiscovered(), which localizes
// the USM keys for the engine ID net-snmp recorded from that Report.
//
// Thread-safety: net-snmp's SNMPv3 code is not thread-safe (README.thread), so every SnmpSession
// and InitNetSnmp() must be used from one thread only (the poller's). Not copyable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "collectors/snmp/oid.h"
#include "collectors/snmp/varbind.h"
#include "config/snmp_config.h"

namespace netif {

// Process-wide set-up, run once (later calls do nothing): init_snmp("netif_exporter") with no MIB
// loading, no snmp.conf and no persistent files (a read-only container must work, and nothing is
// written under /var/lib/snmp), and net-snmp's own log lines routed to ours at debug level.
// Call it before other threads start: init_snmp calls setlocale() (undone right after).
void InitNetSnmp();

// Which SNMPv3 Report the agent sent instead of a response (RFC 3414 usmStats*, RFC 3412).
enum class SnmpReport {
  kNotInTimeWindow,      // clocks out of step; net-snmp resynchronizes and resends once
  kUnknownUserName,      // no such user on the agent
  kWrongDigest,          // wrong auth password or auth protocol
  kDecryptionError,      // wrong priv password or priv protocol
  kUnsupportedSecLevel,  // the user does not allow this security level
  kUnknownEngineId,      // the agent's engine ID changed under us
  kOther,
};

// The RFC 3416 error-status names ("tooBig", "noSuchName", "genErr", ...).
std::string SnmpErrorStatusName(long error_status);
inline constexpr long kSnmpErrorTooBig = 1;
inline constexpr long kSnmpErrorNoSuchName = 2;

struct SnmpEvent {
  enum class Kind {
    kResponse,  // a Response PDU: error_status, error_index, varbinds
    kReport,    // an SNMPv3 Report: report_error says which (SNMPERR_NOT_IN_TIME_WINDOW, ...)
    kResend,    // net-snmp retransmitted the request (a retry)
    kTimeout,   // no answer after every retry
    kFailed,    // sending failed, or the TCP connection dropped
    // net-snmp's security processing refused a message for this request; with SNMPv3 it comes
    // just before the Report that says why (unknown engine ID during discovery, wrong digest).
    kSecurityError,
  };
  Kind kind = Kind::kResponse;
  int request_id = 0;
  long error_status = 0;
  long error_index = 0;  // 1-based, as on the wire
  SnmpReport report = SnmpReport::kOther;
  std::string detail;  // kReport / kFailed: what net-snmp says
  std::vector<Varbind> varbinds;
  size_t malformed_varbinds = 0;  // dropped while converting (a sub-identifier above 2^32-1)
};

// What net-snmp's session is opened with.
struct SnmpSessionOptions {
  // net-snmp's transport specifier with a numeric address: "udp:10.0.0.1:161",
  // "udp6:[2001:db8::1]:161", "tcp:10.0.0.1:161".
  std::string peer;
  SnmpVersion version = SnmpVersion::kV2c;
  SnmpCredentials credentials;
  std::chrono::milliseconds timeout{2000};
  uint32_t retries = 1;
};

// What one read of the session's socket brought.
struct SnmpReadResult {
  std::vector<SnmpEvent> events;
  // Datagrams the agent sent that net-snmp could not decode or match to a request (garbage,
  // a wrong version, a reply that came after its request timed out).
  size_t bad_packets = 0;
  std::string receive_error;  // a failed recvfrom, if any
};

// What a target's poll needs of its session with the agent: send a request, read what came back,
// let the retry timer run, learn an SNMPv3 engine ID. SnmpSession (net-snmp) is the real one;
// TargetConnection opens it through a factory, so the poller's tests can pass a fake agent.
class AgentSession {
 public:
  virtual ~AgentSession() = default;

  // The socket to poll() for readability; -1 when there is none.
  virtual int fd() const = 0;
  // True for an SNMPv3 session that has not learned the agent's engine ID yet.
  virtual bool NeedsEngineId() const = 0;

  // Each returns the request id, or why nothing was sent.
  virtual std::variant<int, std::string> SendEngineProbe() = 0;
  virtual std::variant<int, std::string> SendGetBulk(std::span<const Oid> oids,
                                                     size_t non_repeaters,
                                                     uint32_t max_repetitions) = 0;
  virtual std::variant<int, std::string> SendGetNext(std::span<const Oid> oids) = 0;

  // After the probe's Report: makes the session usable with the engine ID it carried. Returns
  // the reason on failure.
  virtual std::optional<std::string> OnEngineDiscovered() = 0;

  // Reads one datagram; call when fd() is readable.
  virtual SnmpReadResult Read() = 0;
  // Resends or gives up on requests whose time is up (kResend, kTimeout events).
  virtual std::vector<SnmpEvent> HandleTimeouts() = 0;
  // Seconds until the earliest pending request times out; nullopt when none is pending.
  virtual std::optional<double> TimeUntilTimeout() = 0;
};

class SnmpSession final : public AgentSession {
 public:
  struct Cookie;  // net-snmp's callback argument (defined in the .cc)
  using Options = SnmpSessionOptions;
  using ReadResult = SnmpReadResult;

  // Opens the socket (and, for TCP, connects: call it only once the peer is known to accept).
  // Returns the session or the reason it could not be opened.
  static std::variant<std::unique_ptr<SnmpSession>, std::string> Open(const Options& options);
  ~SnmpSession() override;  // closes; requests still pending are dropped silently
  SnmpSession(const SnmpSession&) = delete;
  SnmpSession& operator=(const SnmpSession&) = delete;

  int fd() const override;
  bool NeedsEngineId() const override;

  std::variant<int, std::string> SendEngineProbe() override;
  std::variant<int, std::string> SendGetBulk(std::span<const Oid> oids, size_t non_repeaters,
                                             uint32_t max_repetitions) override;
  std::variant<int, std::string> SendGetNext(std::span<const Oid> oids) override;

  // Creates the USM user with keys localized to the engine ID net-snmp recorded from the
  // probe's Report.
  std::optional<std::string> OnEngineDiscovered() override;

  ReadResult Read() override;
  // Lets net-snmp resend or give up on requests whose time is up.
  std::vector<SnmpEvent> HandleTimeouts() override;
  // From net-snmp's own timer.
  std::optional<double> TimeUntilTimeout() override;

 private:
  explicit SnmpSession(SnmpVersion version);
  std::variant<int, std::string> Send(void* pdu);
  std::vector<SnmpEvent> TakeEvents();

  void* handle_ = nullptr;          // net-snmp's opaque single-session pointer
  std::unique_ptr<Cookie> cookie_;  // net-snmp's callback argument; stable address
  std::vector<SnmpEvent> events_;   // filled by the callback, drained by TakeEvents()
  SnmpVersion version_;
};

}  // namespace netif
