#include "collectors/snmp/target_poller.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "collectors/snmp/shard.h"
#include "config/duration.h"
#include "model/sample_time.h"
#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {

// Beyond net-snmp's own timeouts: the longest a request may stay unanswered before the poll is
// failed anyway (net-snmp drops a request silently when an SNMPv3 Report ends it).
constexpr double kWatchdogSlackSeconds = 1.0;

double Seconds(std::chrono::milliseconds d) { return std::chrono::duration<double>(d).count(); }

std::vector<Oid> ColumnOids(const IfColumnSet& columns) {
  std::vector<Oid> oids;
  for (const IfColumnInfo& info : kIfColumns) {
    if (columns.test(IfColumnIndex(info.column))) oids.push_back(IfColumnOid(info.column));
  }
  return oids;
}

IfColumnSet AllIfColumns() { return IfColumnSet().set(); }

// Status columns are walked on every poll, whatever the last full walk found.
IfColumnSet AlwaysWalked() {
  IfColumnSet set;
  for (IfColumn c : {IfColumn::kAdminStatus, IfColumn::kOperStatus, IfColumn::kLastChange}) {
    set.set(IfColumnIndex(c));
  }
  return set;
}

std::set<uint32_t> IndexesOf(const std::vector<Varbind>& varbinds) {
  std::set<uint32_t> indexes;
  for (const Varbind& vb : varbinds) {
    bool malformed = false;
    if (auto instance = IfInstanceOf(vb.oid, &malformed)) indexes.insert(instance->if_index);
  }
  return indexes;
}

bool InColumns(const Varbind& vb, const IfColumnSet& columns) {
  bool malformed = false;
  const auto instance = IfInstanceOf(vb.oid, &malformed);
  return instance && columns.test(IfColumnIndex(instance->column));
}

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

std::string_view SnmpErrorKindName(SnmpErrorKind kind) {
  switch (kind) {
    case SnmpErrorKind::kTimeout:
      return "timeout";
    case SnmpErrorKind::kAuth:
      return "auth";
    case SnmpErrorKind::kReport:
      return "report";
    case SnmpErrorKind::kAgent:
      return "agent";
    case SnmpErrorKind::kPacket:
      return "packet";
    case SnmpErrorKind::kOidOrder:
      return "oid_order";
    case SnmpErrorKind::kVarbind:
      return "varbind";
    case SnmpErrorKind::kTransport:
      return "transport";
  }
  return "unknown";
}

std::string SnmpSourceName(std::string_view target_name) {
  return "snmp/" + std::string(target_name);
}

TargetPoller::Metrics::Metrics(SelfMetrics& self_metrics, const std::string& target)
    : self(self_metrics),
      labels{{"target", target}},
      up(self.Gauge("netif_snmp_target_up", labels)),
      poll_duration(self.Gauge("netif_snmp_poll_duration_seconds", labels)),
      last_success(self.Gauge("netif_snmp_last_success_timestamp_seconds", labels)),
      interfaces(self.Gauge("netif_snmp_interfaces", labels)),
      pdus_sent(self.Counter("netif_snmp_pdus_sent_total", labels)),
      pdus_received(self.Counter("netif_snmp_pdus_received_total", labels)),
      retries(self.Counter("netif_snmp_retries_total", labels)),
      timeouts(self.Counter("netif_snmp_timeouts_total", labels)),
      parse_errors(self.Counter("netif_parse_errors_total", {{"collector", "snmp"}})) {
  // Every kind exists from the start (at 0), so rate() and alerts work before the first error.
  for (SnmpErrorKind kind : kSnmpErrorKinds) {
    errors[static_cast<size_t>(kind)] =
        &self.Counter("netif_snmp_errors_total",
                      {{"target", target}, {"kind", std::string(SnmpErrorKindName(kind))}});
  }
}

TargetPoller::TargetPoller(size_t id, SnmpTargetConfig config, RecordSink& sink,
                           SelfMetrics& self_metrics, CollectorRuns& runs, HostResolver& resolver)
    : id_(id),
      config_(std::move(config)),
      source_(SnmpSourceName(config_.name)),
      static_labels_(config_.labels.begin(), config_.labels.end()),
      sink_(sink),
      resolver_(resolver),
      runs_(runs),
      metrics_(self_metrics, config_.name),
      max_repetitions_(config_.settings.max_repetitions) {
  metrics_.up.Set(0);
}

TargetPoller::~TargetPoller() { Shutdown(); }

void TargetPoller::Shutdown() {
  session_.reset();
  if (connect_fd_ >= 0) {
    ::close(connect_fd_);
    connect_fd_ = -1;
  }
}

void TargetPoller::RemoveGauges() {
  for (std::string_view name :
       {"netif_snmp_target_up", "netif_snmp_poll_duration_seconds",
        "netif_snmp_last_success_timestamp_seconds", "netif_snmp_interfaces"}) {
    metrics_.self.RemoveGauge(name, metrics_.labels);
  }
}

std::string TargetPoller::Address() const {
  return resolved_ ? resolved_->peer : config_.address.ToString();
}

// ---- the loop's interface ----

void TargetPoller::Advance(double now) {
  if (series_present_ && now - last_success_ >= Seconds(config_.settings.StaleAfter())) {
    RemoveSeries(now);
  }
  switch (phase_) {
    case Phase::kIdle:
      if (next_due_ < 0) next_due_ = now + FirstPollDelay();
      if (now >= next_due_) StartPoll(now);
      return;
    case Phase::kResolving:
      return;  // the resolver wakes the loop
    case Phase::kConnecting:
      if (now >= connect_deadline_) {
        Fail(SnmpErrorKind::kTimeout,
             "TCP connect to " + Address() + " timed out after " +
                 FormatDuration(config_.settings.timeout * (config_.settings.retries + 1)),
             now);
      }
      return;
    case Phase::kDiscovering:
    case Phase::kWalking:
      break;
  }
  if (session_ && outstanding_ != 0 && now >= netsnmp_deadline_) {
    HandleEvents(session_->HandleTimeouts(), now);
    if (session_) RefreshNetSnmpDeadline(now);
  }
  if (outstanding_ != 0 && now >= watchdog_) {
    metrics_.timeouts.Increment();
    Fail(SnmpErrorKind::kTimeout, TimeoutMessage(), now);
  }
}

TargetPoller::Wait TargetPoller::NextWait() const {
  Wait wait;
  const auto earlier = [&](double t) { wait.deadline = std::min(wait.deadline, t); };
  if (series_present_) earlier(last_success_ + Seconds(config_.settings.StaleAfter()));
  switch (phase_) {
    case Phase::kIdle:
      earlier(next_due_);
      break;
    case Phase::kResolving:
      break;
    case Phase::kConnecting:
      wait.fd = connect_fd_;
      wait.events = POLLOUT;
      earlier(connect_deadline_);
      return wait;
    case Phase::kDiscovering:
    case Phase::kWalking:
      if (outstanding_ != 0) {
        earlier(netsnmp_deadline_);
        earlier(watchdog_);
      }
      break;
  }
  // An idle session is watched too: a late reply is read (and counted) rather than left queued,
  // and a TCP agent hanging up is noticed.
  if (session_) {
    wait.fd = session_->fd();
    wait.events = POLLIN;
  }
  return wait;
}

void TargetPoller::OnReady(short revents, double now) {
  if (phase_ == Phase::kConnecting) {
    OnConnectReady(now);
    return;
  }
  if (!session_ || (revents & (POLLIN | POLLERR | POLLHUP)) == 0) return;
  SnmpSession::ReadResult read = session_->Read();
  if (read.bad_packets > 0) metrics_.Error(SnmpErrorKind::kPacket, read.bad_packets);
  if (!read.receive_error.empty() && outstanding_ != 0) {
    Fail(SnmpErrorKind::kTransport, read.receive_error + " from " + Address(), now);
    return;
  }
  HandleEvents(std::move(read.events), now);
  if (session_) RefreshNetSnmpDeadline(now);
}

void TargetPoller::OnResolved(HostResolver::Result result, double now) {
  if (phase_ != Phase::kResolving) return;
  if (!result.resolved) {
    Fail(SnmpErrorKind::kTransport, result.error, now);
    return;
  }
  resolved_ = std::move(result.resolved);
  Continue(now);
}

// ---- one poll ----

void TargetPoller::StartPoll(double now) {
  poll_started_ = now;
  poll_requests_ = 0;
  time_window_resync_ = false;
  metadata_walk_ = !have_metadata_ || polls_since_metadata_ + 1 >= config_.settings.metadata_every;
  if (!resolved_) {
    if (auto numeric = ResolveNumeric(config_.address)) {
      resolved_ = std::move(numeric);
    } else {
      phase_ = Phase::kResolving;
      resolver_.Request(id_, config_.address);
      return;
    }
  }
  Continue(now);
}

void TargetPoller::Continue(double now) {
  if (!session_) {
    if (config_.address.transport == SnmpTransport::kTcp) {
      StartConnect(now);
      return;
    }
    OpenSession(now);
    if (!session_) return;
  }
  if (session_->NeedsEngineId()) {
    SendProbe(now);
  } else {
    BeginWalk(now, metadata_walk_ ? AllIfColumns() : fast_columns_, true);
  }
}

// net-snmp connects TCP sessions with a blocking connect(); against a dead host that would stall
// every target for minutes. A non-blocking connect first proves the agent accepts (or fails
// within the target's timeout); net-snmp's own connect then returns at once.
void TargetPoller::StartConnect(double now) {
  const auto& address = resolved_->address;
  connect_fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (connect_fd_ < 0) {
    Fail(SnmpErrorKind::kTransport, std::string("socket: ") + std::strerror(errno), now);
    return;
  }
  if (::connect(connect_fd_, reinterpret_cast<const sockaddr*>(&address),
                resolved_->address_length) == 0) {
    OnConnectReady(now);
    return;
  }
  if (errno != EINPROGRESS) {
    Fail(SnmpErrorKind::kTransport, "cannot connect to " + Address() + ": " + std::strerror(errno),
         now);
    return;
  }
  phase_ = Phase::kConnecting;
  connect_deadline_ = now + Seconds(config_.settings.timeout) * (config_.settings.retries + 1);
}

void TargetPoller::OnConnectReady(double now) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(connect_fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  ::close(connect_fd_);
  connect_fd_ = -1;
  if (error != 0) {
    Fail(SnmpErrorKind::kTransport, "cannot connect to " + Address() + ": " + std::strerror(error),
         now);
    return;
  }
  phase_ = Phase::kIdle;  // Continue() sets the next phase
  OpenSession(now);
  if (session_) Continue(now);
}

void TargetPoller::OpenSession(double now) {
  SnmpSession::Options options;
  options.peer = resolved_->peer;
  options.version = config_.version;
  options.credentials = config_.credentials;
  options.timeout = config_.settings.timeout;
  options.retries = config_.settings.retries;
  auto opened = SnmpSession::Open(options);
  if (auto* error = std::get_if<std::string>(&opened)) {
    Fail(SnmpErrorKind::kTransport, *error, now);
    return;
  }
  session_ = std::move(std::get<std::unique_ptr<SnmpSession>>(opened));
}

void TargetPoller::SendProbe(double now) {
  phase_ = Phase::kDiscovering;
  Sent(session_->SendEngineProbe(), now);
}

void TargetPoller::FinishDiscovery(double now) {
  outstanding_ = 0;
  if (std::optional<std::string> error = session_->OnEngineDiscovered()) {
    Fail(SnmpErrorKind::kAuth, *error, now);
    return;
  }
  BeginWalk(now, metadata_walk_ ? AllIfColumns() : fast_columns_, true);
}

void TargetPoller::BeginWalk(double now, IfColumnSet columns, bool first) {
  std::vector<Oid> scalars;
  if (first) {
    sample_time_ = NowSampleTime();
    fresh_.clear();
    walked_columns_.reset();
    scalars = {Oid(kSysUpTimeObject.begin(), kSysUpTimeObject.end()),
               Oid(kIfNumberObject.begin(), kIfNumberObject.end())};
    expected_rows_.reset();
    if (have_metadata_) expected_rows_ = cached_indexes_.size();
  }
  walked_columns_ |= columns;
  walk_.emplace(ColumnOids(columns), std::move(scalars));
  phase_ = Phase::kWalking;
  SendNext(now);
}

uint32_t TargetPoller::Repetitions() const {
  if (!expected_rows_) return std::min(max_repetitions_, kRowsBeforeSizeIsKnown);
  // One row past the last to see each column end; a few more if the table grew.
  const size_t done = walk_->FewestRowsUnfinished();
  const size_t remaining = *expected_rows_ + 1 > done ? *expected_rows_ + 1 - done : 0;
  return static_cast<uint32_t>(
      std::clamp<size_t>(remaining, kMinRepetitions, std::max<size_t>(1, max_repetitions_)));
}

void TargetPoller::SendNext(double now) {
  if (config_.version == SnmpVersion::kV1) {
    request_ = walk_->NextRequest(std::min(max_columns_, kMaxColumnsPerGetNext));
    Sent(session_->SendGetNext(request_.oids), now);
  } else {
    request_ = walk_->NextRequest(max_columns_);
    Sent(session_->SendGetBulk(request_.oids, request_.non_repeaters, Repetitions()), now);
  }
}

void TargetPoller::Sent(const std::variant<int, std::string>& sent, double now) {
  if (const auto* error = std::get_if<std::string>(&sent)) {
    Fail(SnmpErrorKind::kTransport, *error + " (to " + Address() + ")", now);
    return;
  }
  metrics_.pdus_sent.Increment();
  ++poll_requests_;
  outstanding_ = std::get<int>(sent);
  watchdog_ = now + Seconds(config_.settings.timeout) * (config_.settings.retries + 1) +
              kWatchdogSlackSeconds;
  RefreshNetSnmpDeadline(now);
}

void TargetPoller::RefreshNetSnmpDeadline(double now) {
  const std::optional<double> left = session_->TimeUntilTimeout();
  netsnmp_deadline_ = left ? now + *left : std::numeric_limits<double>::infinity();
}

void TargetPoller::HandleEvents(std::vector<SnmpEvent> events, double now) {
  bool probe_answered = false;
  std::optional<std::string> security_error;  // decided once the batch is seen
  for (const SnmpEvent& event : events) {
    // An agent that cannot decrypt a request (unknown user, wrong priv password) reports with
    // request-id 0; net-snmp matched it to our request by its SNMPv3 msgID already.
    const bool report_for_us =
        event.request_id == 0 &&
        (event.kind == SnmpEvent::Kind::kReport || event.kind == SnmpEvent::Kind::kSecurityError);
    const bool current = outstanding_ != 0 && (event.request_id == outstanding_ || report_for_us);
    if (event.kind == SnmpEvent::Kind::kResponse || event.kind == SnmpEvent::Kind::kReport) {
      metrics_.pdus_received.Increment();
    }
    if (!current) {
      // A TCP agent that hung up while we were idle: start afresh on the next poll.
      if (event.kind == SnmpEvent::Kind::kFailed && outstanding_ == 0) session_.reset();
      continue;
    }
    switch (event.kind) {
      case SnmpEvent::Kind::kResend:
        metrics_.retries.Increment();
        metrics_.pdus_sent.Increment();
        ++poll_requests_;
        watchdog_ = now + Seconds(config_.settings.timeout) * (config_.settings.retries + 1) +
                    kWatchdogSlackSeconds;
        break;
      case SnmpEvent::Kind::kTimeout:
        metrics_.timeouts.Increment();
        Fail(SnmpErrorKind::kTimeout, TimeoutMessage(), now);
        break;
      case SnmpEvent::Kind::kFailed:
        Fail(SnmpErrorKind::kTransport, event.detail + " (" + Address() + ")", now);
        break;
      case SnmpEvent::Kind::kSecurityError:
        // The Report that usually follows says more (and, during discovery, is expected).
        security_error = event.detail;
        break;
      case SnmpEvent::Kind::kReport:
        if (phase_ == Phase::kDiscovering) {
          probe_answered = true;
        } else {
          OnReport(event, now);
        }
        break;
      case SnmpEvent::Kind::kResponse:
        if (phase_ == Phase::kDiscovering) {
          probe_answered = true;  // an agent that answers the probe outright; its ID is recorded
        } else {
          OnResponse(event, now);
        }
        break;
    }
    if (!session_) return;  // the poll failed; what is left is stale
  }
  // After the read returned: net-snmp records the engine ID once our callback is done.
  if (probe_answered && phase_ == Phase::kDiscovering) {
    FinishDiscovery(now);
  } else if (security_error && session_ && outstanding_ != 0) {
    Fail(SnmpErrorKind::kAuth, "SNMPv3 " + *security_error + " (" + Address() + ")", now);
  }
}

void TargetPoller::OnReport(const SnmpEvent& event, double now) {
  if (event.report == SnmpReport::kNotInTimeWindow && !time_window_resync_) {
    // Expected once after discovery: net-snmp adopts the agent's boots/time from this Report
    // and resends the request by itself.
    time_window_resync_ = true;
    watchdog_ = now + Seconds(config_.settings.timeout) * (config_.settings.retries + 1) +
                kWatchdogSlackSeconds;
    return;
  }
  const bool auth = event.report != SnmpReport::kOther;
  Fail(auth ? SnmpErrorKind::kAuth : SnmpErrorKind::kReport,
       "SNMPv3 " + std::string(ReportAdvice(event.report)) + ": " + event.detail, now);
}

void TargetPoller::OnResponse(const SnmpEvent& event, double now) {
  outstanding_ = 0;
  if (event.malformed_varbinds > 0) {
    metrics_.Error(SnmpErrorKind::kVarbind, static_cast<double>(event.malformed_varbinds));
    metrics_.parse_errors.Increment(static_cast<double>(event.malformed_varbinds));
  }
  if (event.error_status == kSnmpErrorTooBig) {
    // Halve what one request asks for; an agent must manage one row of one column.
    if (max_columns_ == 1 && max_repetitions_ == 1) {
      Fail(SnmpErrorKind::kAgent, "the agent says tooBig even for one varbind", now);
      return;
    }
    max_columns_ = std::max<size_t>(1, max_columns_ / 2);
    max_repetitions_ = std::max<uint32_t>(1, max_repetitions_ / 2);
    SendNext(now);
    return;
  }
  if (event.error_status == kSnmpErrorNoSuchName && config_.version == SnmpVersion::kV1 &&
      event.error_index >= 1) {
    // SNMPv1's end of the MIB view for one varbind: that column is done.
    walk_->EndAt(request_, static_cast<size_t>(event.error_index - 1));
  } else if (event.error_status != 0) {
    Fail(SnmpErrorKind::kAgent,
         "the agent answered " + SnmpErrorStatusName(event.error_status) + " (error-index " +
             std::to_string(event.error_index) + ")",
         now);
    return;
  } else {
    const ColumnWalk::Outcome outcome = walk_->OnResponse(request_, event.varbinds);
    if (!expected_rows_) {
      // ifNumber.0 came with the first response: size the rest of the walk by it.
      for (size_t k = 0; k < request_.non_repeaters && k < event.varbinds.size(); ++k) {
        const Varbind& vb = event.varbinds[k];
        if (vb.Is(SnmpType::kInteger) && vb.integer >= 0 &&
            CompareOids(vb.oid, kIfNumberInstance) == std::strong_ordering::equal) {
          expected_rows_ = static_cast<size_t>(std::min<int64_t>(vb.integer, kMaxRowsPerColumn));
        }
      }
    }
    const size_t order_errors = outcome.oid_order_errors + outcome.row_limit_errors;
    if (order_errors > 0) {
      metrics_.Error(SnmpErrorKind::kOidOrder, static_cast<double>(order_errors));
      const std::string problem = "the agent returned OIDs out of order (or endless rows)";
      if (reported_problems_.insert(problem).second) {
        LogWarn("SNMP walk problem", {{"target", config_.name}, {"problem", problem}});
      }
    }
    if (!outcome.progress) {
      Fail(SnmpErrorKind::kOidOrder, "the agent's response advanced no column", now);
      return;
    }
  }
  if (walk_->done()) {
    WalkDone(now);
  } else {
    SendNext(now);
  }
}

void TargetPoller::WalkDone(double now) {
  std::vector<Varbind> got = walk_->TakeVarbinds();
  fresh_.insert(fresh_.end(), std::make_move_iterator(got.begin()),
                std::make_move_iterator(got.end()));
  walk_.reset();
  if (!metadata_walk_ && IndexesOf(fresh_) != cached_indexes_) {
    // Ports came or went (or were renumbered): read the slow columns now, not on a later poll,
    // so no port is ever exported without its name.
    metadata_walk_ = true;
    expected_rows_ = IndexesOf(fresh_).size();
    BeginWalk(now, AllIfColumns() & ~walked_columns_, false);
    return;
  }
  Complete(now);
}

void TargetPoller::Complete(double now) {
  std::vector<Varbind> input = std::move(fresh_);
  fresh_.clear();
  if (!metadata_walk_) input.insert(input.end(), slow_cache_.begin(), slow_cache_.end());

  IfMibParseOptions options;
  options.source = source_;
  options.target = config_.name;
  options.static_labels = static_labels_;
  options.poll_unix_seconds = sample_time_.unix_seconds;
  options.selected = [this](std::string_view name, std::string_view descr, std::string_view alias) {
    return config_.InterfaceSelected(name, descr, alias);
  };
  for (const Varbind& vb : input) {
    if (vb.Is(SnmpType::kTimeTicks) &&
        CompareOids(vb.oid, kSysUpTimeInstance) == std::strong_ordering::equal) {
      options.agent_epoch_unix_seconds = agent_epoch_.Update(
          static_cast<uint32_t>(vb.unsigned_value & 0xFFFFFFFFu), sample_time_.unix_seconds);
      break;
    }
  }
  IfMibParseResult parsed = ParseIfMib(input, options);
  if (parsed.malformed > 0) {
    metrics_.Error(SnmpErrorKind::kVarbind, static_cast<double>(parsed.malformed));
    metrics_.parse_errors.Increment(static_cast<double>(parsed.malformed));
    for (const std::string& problem : parsed.problems) {
      // Once per distinct problem: a broken agent repeats it on every poll.
      if (reported_problems_.size() < 64 && reported_problems_.insert(problem).second) {
        LogWarn("SNMP varbind skipped", {{"target", config_.name}, {"problem", problem}});
      }
    }
  }
  if (metadata_walk_) {
    slow_cache_.clear();
    for (Varbind& vb : input) {
      if (InColumns(vb, SlowIfColumns())) slow_cache_.push_back(std::move(vb));
    }
    fast_columns_ = (parsed.used_columns & FastIfColumns()) | AlwaysWalked();
    cached_indexes_ = parsed.if_indexes;
    have_metadata_ = true;
    polls_since_metadata_ = 0;
  } else {
    ++polls_since_metadata_;
  }
  const size_t ports = parsed.records.size();
  sink_.ApplySample(source_, std::move(parsed.records), sample_time_);
  series_present_ = true;
  LogDebug("SNMP poll done", {{"target", config_.name},
                              {"metadata", metadata_walk_},
                              {"requests", static_cast<uint64_t>(poll_requests_)},
                              {"varbinds", static_cast<uint64_t>(input.size())},
                              {"ports", static_cast<uint64_t>(ports)},
                              {"duration_seconds", now - poll_started_}});
  Succeed(now, ports);
}

void TargetPoller::Succeed(double now, size_t ports) {
  const double duration = now - poll_started_;
  metrics_.up.Set(1);
  metrics_.poll_duration.Set(duration);
  metrics_.last_success.Set(sample_time_.unix_seconds);
  metrics_.interfaces.Set(static_cast<double>(ports));
  // The source runs whatever one target does: its duration is the last poll's.
  runs_.Record(Status::Ok(), duration);
  if (!up_) {
    LogInfo("SNMP target up", {{"target", config_.name},
                               {"address", Address()},
                               {"interfaces", static_cast<uint64_t>(ports)},
                               {"duration_seconds", duration}});
  }
  up_ = true;
  ever_polled_ = true;
  last_error_.clear();
  last_success_ = now;
  EndPoll(now);
}

void TargetPoller::Fail(SnmpErrorKind kind, const std::string& message, double now) {
  const double duration = now - poll_started_;
  metrics_.Error(kind);
  metrics_.up.Set(0);
  metrics_.poll_duration.Set(duration);
  runs_.Record(Status::Ok(), duration);
  // Once per change: a target that stays down with the same error is not logged every interval.
  const bool news = up_ || !ever_polled_ || message != last_error_;
  const auto log = news ? &LogWarn : &LogDebug;
  log("SNMP poll failed", {{"target", config_.name},
                           {"address", Address()},
                           {"kind", SnmpErrorKindName(kind)},
                           {"error", message}});
  up_ = false;
  ever_polled_ = true;
  last_error_ = message;
  // Start afresh next time: re-resolve a host name, reconnect, rediscover the engine ID.
  session_.reset();
  if (connect_fd_ >= 0) {
    ::close(connect_fd_);
    connect_fd_ = -1;
  }
  if (!ResolveNumeric(config_.address)) resolved_.reset();
  EndPoll(now);
}

void TargetPoller::EndPoll(double now) {
  phase_ = Phase::kIdle;
  outstanding_ = 0;
  netsnmp_deadline_ = std::numeric_limits<double>::infinity();
  walk_.reset();
  fresh_.clear();
  // On the grid of intervals; a poll that overran skips the slots it missed.
  const double interval = Seconds(config_.settings.interval);
  while (next_due_ <= now) next_due_ += interval;
}

void TargetPoller::RemoveSeries(double now) {
  sink_.RemoveSource(source_);
  series_present_ = false;
  metrics_.interfaces.Set(0);
  LogWarn("SNMP target stale: its series were removed",
          {{"target", config_.name},
           {"stale_after", FormatDuration(config_.settings.StaleAfter())},
           {"seconds_since_success", now - last_success_}});
}

double TargetPoller::FirstPollDelay() const {
  // A stable offset within the first interval, from the name (as Prometheus spreads scrapes), so
  // hundreds of targets do not all poll in the same instant, and a restart keeps their rhythm.
  const double fraction = static_cast<double>(Fnv1a32(config_.name) % 1000) / 1000.0;
  return fraction * Seconds(config_.settings.interval);
}

std::string TargetPoller::TimeoutMessage() const {
  const std::string what = phase_ == Phase::kDiscovering ? "to the SNMPv3 engine ID probe" : "";
  std::string message = "no response" + (what.empty() ? "" : " " + what) + " from " + Address() +
                        " after " + std::to_string(config_.settings.retries + 1) +
                        " attempt(s) of " + FormatDuration(config_.settings.timeout);
  if (config_.version != SnmpVersion::kV3) {
    message += " (agent down or unreachable, or a wrong community: agents ignore those)";
  }
  return message;
}

}  // namespace netif
