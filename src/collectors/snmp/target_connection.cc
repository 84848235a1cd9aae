#include "collectors/snmp/target_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "config/duration.h"
#include "util/clock.h"

namespace netif {
namespace {

// Beyond net-snmp's own timeouts: the longest a request may stay unanswered before the poll is
// failed anyway (net-snmp drops a request silently when an SNMPv3 Report ends it).
constexpr double kWatchdogSlackSeconds = 1.0;

std::string_view ReportAdvice(SnmpReport report) {
  switch (report) {
    case SnmpReport::kUnknownUserName:
      return "unknown user name (check username)";
    case SnmpReport::kWrongDigest:
      return "authentication failed (wrong auth_password or auth_protocol)";
    case SnmpReport::kDecryptionError:
      return "decryption failed (wrong priv_password or priv_protocol)";
    case SnmpReport::kUnsupportedSecLevel:
      return "security level not allowed for this user (check security_level)";
    case SnmpReport::kUnknownEngineId:
      return "unknown engine ID (the agent's engine ID changed)";
    case SnmpReport::kNotInTimeWindow:
      return "not in time window (the agent's clock could not be synchronized)";
    case SnmpReport::kOther:
      break;
  }
  return "the agent refused the request";
}

}  // namespace

TargetConnection::SessionFactory TargetConnection::NetSnmpSessions() {
  return [](const SnmpSessionOptions& options)
             -> std::variant<std::unique_ptr<AgentSession>, std::string> {
    auto opened = SnmpSession::Open(options);
    if (auto* error = std::get_if<std::string>(&opened)) return std::move(*error);
    return std::unique_ptr<AgentSession>(std::move(std::get<std::unique_ptr<SnmpSession>>(opened)));
  };
}

TargetConnection::TargetConnection(size_t id, const SnmpTargetConfig& config, HostLookup& resolver,
                                   SessionFactory factory)
    : id_(id),
      config_(config),
      resolver_(resolver),
      factory_(factory ? std::move(factory) : NetSnmpSessions()) {}

TargetConnection::~TargetConnection() { Close(); }

std::string TargetConnection::Address() const {
  return resolved_ ? resolved_->peer : config_.address.ToString();
}

std::optional<SnmpFailure> TargetConnection::Open(double now) {
  if (session_) return std::nullopt;
  if (!resolved_) resolved_ = ResolveNumeric(config_.address);
  if (!resolved_) {
    waiting_ = State::kResolving;
    resolver_.Request(id_, config_.address);
    return std::nullopt;
  }
  if (config_.address.transport == SnmpTransport::kTcp) return StartConnect(now);
  return OpenSession();
}

std::optional<SnmpFailure> TargetConnection::OnResolved(HostResolver::Result result, double now) {
  waiting_ = State::kClosed;
  if (!result.resolved) return SnmpFailure{SnmpErrorKind::kTransport, result.error};
  resolved_ = std::move(result.resolved);
  return Open(now);
}

// net-snmp connects TCP sessions with a blocking connect(); against a dead host that would stall
// every target for minutes. A non-blocking connect first proves the agent accepts (or fails
// within the target's timeout); net-snmp's own connect then returns at once.
std::optional<SnmpFailure> TargetConnection::StartConnect(double now) {
  const auto& address = resolved_->address;
  connect_fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (connect_fd_ < 0) {
    return SnmpFailure{SnmpErrorKind::kTransport, std::string("socket: ") + std::strerror(errno)};
  }
  if (::connect(connect_fd_, reinterpret_cast<const sockaddr*>(&address),
                resolved_->address_length) == 0) {
    return OnConnectReady();
  }
  if (errno != EINPROGRESS) {
    return SnmpFailure{SnmpErrorKind::kTransport,
                       "cannot connect to " + Address() + ": " + std::strerror(errno)};
  }
  waiting_ = State::kConnecting;
  connect_deadline_ = now + ToSeconds(config_.settings.timeout) * (config_.settings.retries + 1);
  return std::nullopt;
}

std::optional<SnmpFailure> TargetConnection::OnConnectReady() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(connect_fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  CloseConnectSocket();
  if (error != 0) {
    return SnmpFailure{SnmpErrorKind::kTransport,
                       "cannot connect to " + Address() + ": " + std::strerror(error)};
  }
  return OpenSession();
}

PollWait TargetConnection::ConnectWait() const {
  return PollWait{connect_fd_, POLLOUT, connect_deadline_};
}

std::optional<SnmpFailure> TargetConnection::ConnectTimedOut(double now) const {
  if (waiting_ != State::kConnecting || now < connect_deadline_) return std::nullopt;
  return SnmpFailure{SnmpErrorKind::kTimeout,
                     "TCP connect to " + Address() + " timed out after " +
                         FormatDuration(config_.settings.timeout * (config_.settings.retries + 1))};
}

std::optional<SnmpFailure> TargetConnection::OpenSession() {
  waiting_ = State::kClosed;
  SnmpSessionOptions options;
  options.peer = resolved_->peer;
  options.version = config_.version;
  options.credentials = config_.credentials;
  options.timeout = config_.settings.timeout;
  options.retries = config_.settings.retries;
  auto opened = factory_(options);
  if (auto* error = std::get_if<std::string>(&opened)) {
    return SnmpFailure{SnmpErrorKind::kTransport, std::move(*error)};
  }
  session_ = std::move(std::get<std::unique_ptr<AgentSession>>(opened));
  return std::nullopt;
}

std::optional<SnmpFailure> TargetConnection::FinishDiscovery() {
  outstanding_ = 0;
  if (std::optional<std::string> error = session_->OnEngineDiscovered()) {
    return SnmpFailure{SnmpErrorKind::kAuth, std::move(*error)};
  }
  return std::nullopt;
}

std::optional<SnmpFailure> TargetConnection::Sent(const std::variant<int, std::string>& sent,
                                                  double now) {
  if (const auto* error = std::get_if<std::string>(&sent)) {
    return SnmpFailure{SnmpErrorKind::kTransport, *error + " (to " + Address() + ")"};
  }
  outstanding_ = std::get<int>(sent);
  ArmWatchdog(now);
  RefreshRetryTimer(now);
  return std::nullopt;
}

bool TargetConnection::IsCurrent(const SnmpEvent& event) const {
  // An agent that cannot decrypt a request (unknown user, wrong priv password) reports with
  // request-id 0; net-snmp matched it to our request by its SNMPv3 msgID already.
  const bool report_for_us =
      event.request_id == 0 &&
      (event.kind == SnmpEvent::Kind::kReport || event.kind == SnmpEvent::Kind::kSecurityError);
  return outstanding_ != 0 && (event.request_id == outstanding_ || report_for_us);
}

std::optional<SnmpFailure> TargetConnection::OnReport(const SnmpEvent& report, double now) {
  if (report.report == SnmpReport::kNotInTimeWindow && !time_window_resync_) {
    // Expected once after discovery: net-snmp adopts the agent's boots/time from this Report
    // and resends the request by itself.
    time_window_resync_ = true;
    ArmWatchdog(now);
    return std::nullopt;
  }
  const bool auth = report.report != SnmpReport::kOther;
  return SnmpFailure{auth ? SnmpErrorKind::kAuth : SnmpErrorKind::kReport,
                     "SNMPv3 " + std::string(ReportAdvice(report.report)) + ": " + report.detail};
}

void TargetConnection::RefreshRetryTimer(double now) {
  const std::optional<double> left = session_->TimeUntilTimeout();
  retry_timer_ = left ? now + *left : std::numeric_limits<double>::infinity();
}

void TargetConnection::ArmWatchdog(double now) {
  watchdog_ = now + ToSeconds(config_.settings.timeout) * (config_.settings.retries + 1) +
              kWatchdogSlackSeconds;
}

double TargetConnection::RequestDeadline() const {
  if (!awaiting()) return std::numeric_limits<double>::infinity();
  return std::min(retry_timer_, watchdog_);
}

std::string TargetConnection::TimeoutMessage(bool probe) const {
  std::string message = std::string("no response") +
                        (probe ? " to the SNMPv3 engine ID probe" : "") + " from " + Address() +
                        " after " + std::to_string(config_.settings.retries + 1) +
                        " attempt(s) of " + FormatDuration(config_.settings.timeout);
  if (config_.version != SnmpVersion::kV3) {
    message += " (agent down or unreachable, or a wrong community: agents ignore those)";
  }
  return message;
}

void TargetConnection::EndPoll() {
  outstanding_ = 0;
  retry_timer_ = std::numeric_limits<double>::infinity();
  waiting_ = State::kClosed;
}

void TargetConnection::Close() {
  session_.reset();
  CloseConnectSocket();
  if (!ResolveNumeric(config_.address)) resolved_.reset();
  waiting_ = State::kClosed;
}

void TargetConnection::CloseConnectSocket() {
  if (connect_fd_ >= 0) {
    ::close(connect_fd_);
    connect_fd_ = -1;
  }
}

}  // namespace netif
