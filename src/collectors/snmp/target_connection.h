// One target's connection to its agent, up to the point where requests can go out, and the one
// request in flight on it:
//
//   closed --> [resolve host name] --> [TCP reachability check] --> open session
//          --> [SNMPv3: engine ID probe, keys localized] --> requests, one at a time
//
// Numeric addresses resolve at once; host names go to the HostLookup and come back through
// OnResolved(), within the resolver's timeout (a name with no answer by then is a `transport`
// failure like any other resolve failure; the next poll asks again). net-snmp connects TCP
// sessions with a blocking connect(), which against a dead host would stall every target, so a
// non-blocking connect proves the agent reachable first. The session is opened through a
// SessionFactory: net-snmp's SnmpSession, or a fake agent in tests.
// SNMPv3 sessions start without the agent's engine ID: the probe's Report brings it.
//
// Every step that waits returns at once; each returns the failure that ends the poll, or nullopt
// (state() then says whether the session is open or what it waits for). After a failure Close()
// forgets everything the next poll must learn again: the session, the engine ID with it, and a
// host name's address.
//
// Thread-safety: REQUIRES external synchronization: every method runs on the poller thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/snmp/resolver.h"
#include "collectors/snmp/snmp_error.h"
#include "collectors/snmp/snmp_session.h"
#include "config/snmp_config.h"

namespace netif {

// What the poller loop should wait for: `fd` ready for `events`, or the `deadline`.
struct PollWait {
  int fd = -1;       // -1: nothing to watch
  short events = 0;  // POLLIN, or POLLOUT while a TCP connect is in progress
  double deadline = std::numeric_limits<double>::infinity();  // monotonic seconds
};

class TargetConnection {
 public:
  // Opens a session, or says why it could not. Tests pass one that returns a fake agent.
  using SessionFactory = std::function<std::variant<std::unique_ptr<AgentSession>, std::string>(
      const SnmpSessionOptions& options)>;
  static SessionFactory NetSnmpSessions();  // SnmpSession::Open

  enum class State : uint8_t { kClosed, kResolving, kConnecting, kOpen };

  // `id` tags this target's requests to `resolver`. `config` and `resolver` must outlive the
  // connection; a null `factory` means NetSnmpSessions().
  TargetConnection(size_t id, const SnmpTargetConfig& config, HostLookup& resolver,
                   SessionFactory factory = nullptr);
  TargetConnection(size_t, SnmpTargetConfig&&, HostLookup&, SessionFactory = nullptr) = delete;
  ~TargetConnection();  // Close()
  TargetConnection(const TargetConnection&) = delete;
  TargetConnection& operator=(const TargetConnection&) = delete;

  State state() const { return session_ ? State::kOpen : waiting_; }
  AgentSession* session() const { return session_.get(); }
  // The transport specifier once resolved ("udp:10.0.0.1:161"), else the configured address.
  std::string Address() const;

  // Establishing the session.
  std::optional<SnmpFailure> Open(double now);
  std::optional<SnmpFailure> OnResolved(HostResolver::Result result, double now);
  std::optional<SnmpFailure> OnConnectReady();
  // While kConnecting: the socket to watch, and the failure once its deadline has passed.
  PollWait ConnectWait() const;
  std::optional<SnmpFailure> ConnectTimedOut(double now) const;

  // SNMPv3 engine discovery: the probe is a request like any other; once it is answered,
  // FinishDiscovery() makes the session usable.
  bool NeedsDiscovery() const { return session_ && session_->NeedsEngineId(); }
  std::optional<SnmpFailure> SendProbe(double now) {
    return Sent(session_->SendEngineProbe(), now);
  }
  std::optional<SnmpFailure> FinishDiscovery();

  // The request in flight. Sent() takes what the session's Send*() returned.
  std::optional<SnmpFailure> Sent(const std::variant<int, std::string>& sent, double now);
  bool awaiting() const { return outstanding_ != 0; }
  bool IsCurrent(const SnmpEvent& event) const;  // it answers (or ends) the request in flight
  void Answered() { outstanding_ = 0; }
  void Resent(double now) { ArmWatchdog(now); }  // net-snmp retried: the watchdog starts over
  // A Report instead of a response: the failure it means, or nullopt for the one notInTimeWindow
  // Report expected after discovery (net-snmp resynchronizes and resends by itself).
  std::optional<SnmpFailure> OnReport(const SnmpEvent& report, double now);
  // net-snmp's retry timer is due: its resends and timeouts.
  bool RetryTimerDue(double now) const { return awaiting() && session_ && now >= retry_timer_; }
  std::vector<SnmpEvent> HandleTimeouts() { return session_->HandleTimeouts(); }
  void RefreshRetryTimer(double now);
  // net-snmp forgot the request (it drops one silently when an SNMPv3 Report ends it).
  bool WatchdogExpired(double now) const { return awaiting() && now >= watchdog_; }
  double RequestDeadline() const;  // the earlier of the two, infinity when nothing is in flight
  std::string TimeoutMessage(bool probe) const;

  void StartPoll() { time_window_resync_ = false; }
  void EndPoll();  // nothing in flight any more
  // A TCP agent hung up while nothing was in flight: the next poll opens a new session.
  void DropSession() { session_.reset(); }
  // After a failure: the next poll starts afresh (re-resolve a host name, reconnect,
  // rediscover the engine ID).
  void Close();

 private:
  std::optional<SnmpFailure> StartConnect(double now);
  std::optional<SnmpFailure> OpenSession();
  void ArmWatchdog(double now);
  void CloseConnectSocket();

  const size_t id_;
  const SnmpTargetConfig& config_;
  HostLookup& resolver_;
  SessionFactory factory_;

  State waiting_ = State::kClosed;  // kResolving or kConnecting while it waits for one
  std::optional<ResolvedAddress> resolved_;
  int connect_fd_ = -1;
  double connect_deadline_ = 0;
  std::unique_ptr<AgentSession> session_;

  int outstanding_ = 0;  // the request in flight; 0 = none
  double watchdog_ = 0;
  double retry_timer_ = std::numeric_limits<double>::infinity();
  bool time_window_resync_ = false;  // the one expected notInTimeWindow Report was seen
};

}  // namespace netif
