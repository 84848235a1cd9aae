#include "collectors/snmp/target_poller.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <utility>

#include "collectors/snmp/shard.h"
#include "config/duration.h"
#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {}  // namespace

TargetPoller::TargetPoller(size_t id, SnmpTargetConfig config, RecordSink& sink,
                           SelfMetrics& self_metrics, CollectorRuns& runs, HostLookup& resolver,
                           Seams seams)
    : config_(std::move(config)),
      clock_(seams.clock ? std::move(seams.clock) : NowSampleTime),
      report_(config_, sink, self_metrics, runs),
      connection_(id, config_, resolver, std::move(seams.open_session)),
      plan_(config_, report_.source()),
      max_repetitions_(config_.settings.max_repetitions) {}

TargetPoller::~TargetPoller() { Shutdown(); }

void TargetPoller::Shutdown() { connection_.Close(); }

// ---- the loop's interface ----

void TargetPoller::Advance(double now) {
  report_.RemoveIfStale(now);
  switch (phase_) {
    case Phase::kIdle:
      if (next_due_ < 0) next_due_ = now + FirstPollDelay();
      if (now >= next_due_) StartPoll(now);
      return;
    case Phase::kConnecting:  // the resolver wakes the loop, or the connect ends
      if (auto failure = connection_.ConnectTimedOut(now)) Fail(*failure, now);
      return;
    case Phase::kDiscovering:
      break;
    case Phase::kWalking:
      if (now >= walk_deadline_) {
        Fail({SnmpErrorKind::kWalkTimeout, "the walk did not finish within walk_timeout " +
                                               FormatDuration(config_.settings.WalkTimeout()) +
                                               "; the poll's data was dropped"},
             now);
        return;
      }
      break;
  }
  if (connection_.RetryTimerDue(now)) {
    HandleEvents(connection_.HandleTimeouts(), now);
    if (connection_.session()) connection_.RefreshRetryTimer(now);
  }
  if (connection_.WatchdogExpired(now)) {
    report_.TimedOut();
    Fail({SnmpErrorKind::kTimeout, connection_.TimeoutMessage(phase_ == Phase::kDiscovering)}, now);
  }
}

TargetPoller::Wait TargetPoller::NextWait() const {
  Wait wait;
  if (phase_ == Phase::kConnecting && connection_.state() == TargetConnection::State::kConnecting) {
    wait = connection_.ConnectWait();
  } else {
    wait.deadline = phase_ == Phase::kIdle ? next_due_ : connection_.RequestDeadline();
    if (phase_ == Phase::kWalking) wait.deadline = std::min(wait.deadline, walk_deadline_);
    // An idle session is watched too: a late reply is read (and counted) rather than left
    // queued, and a TCP agent hanging up is noticed.
    if (const AgentSession* session = connection_.session()) {
      wait.fd = session->fd();
      wait.events = POLLIN;
    }
  }
  wait.deadline = std::min(wait.deadline, report_.StaleDeadline());
  return wait;
}

void TargetPoller::OnReady(short revents, double now) {
  if (phase_ == Phase::kConnecting) {
    if (connection_.state() == TargetConnection::State::kConnecting) {
      Proceed(connection_.OnConnectReady(), now);
    }
    return;
  }
  AgentSession* session = connection_.session();
  if (session == nullptr || (revents & (POLLIN | POLLERR | POLLHUP)) == 0) return;
  SnmpReadResult read = session->Read();
  if (read.bad_packets > 0) report_.Errors(SnmpErrorKind::kPacket, read.bad_packets);
  if (!read.receive_error.empty() && connection_.awaiting()) {
    Fail({SnmpErrorKind::kTransport, read.receive_error + " from " + connection_.Address()}, now);
    return;
  }
  HandleEvents(std::move(read.events), now);
  if (connection_.session()) connection_.RefreshRetryTimer(now);
}

void TargetPoller::OnResolved(HostResolver::Result result, double now) {
  if (phase_ != Phase::kConnecting || connection_.state() != TargetConnection::State::kResolving) {
    return;
  }
  Proceed(connection_.OnResolved(std::move(result), now), now);
}

// ---- one poll ----

void TargetPoller::StartPoll(double now) {
  poll_started_ = now;
  poll_requests_ = 0;
  connection_.StartPoll();
  Proceed(connection_.Open(now), now);
}

void TargetPoller::Proceed(std::optional<SnmpFailure> failure, double now) {
  if (failure) {
    Fail(*failure, now);
  } else if (connection_.state() != TargetConnection::State::kOpen) {
    phase_ = Phase::kConnecting;  // resolving or proving TCP reachability
  } else if (connection_.NeedsDiscovery()) {
    phase_ = Phase::kDiscovering;
    if (auto sent = connection_.SendProbe(now)) {
      Fail(*sent, now);
    } else {
      report_.PduSent();
      ++poll_requests_;
    }
  } else {
    sample_time_ = clock_();
    walk_deadline_ = now + ToSeconds(config_.settings.WalkTimeout());
    BeginWalk(plan_.StartPoll(), now);
  }
}

void TargetPoller::BeginWalk(ColumnWalk walk, double now) {
  walk_.emplace(std::move(walk));
  phase_ = Phase::kWalking;
  SendNext(now);
}

void TargetPoller::SendNext(double now) {
  AgentSession& session = *connection_.session();
  if (config_.version == SnmpVersion::kV1) {
    request_ = walk_->NextRequest(std::min(max_columns_, kMaxColumnsPerGetNext));
    Send(session.SendGetNext(request_.oids), now);
  } else {
    request_ = walk_->NextRequest(max_columns_);
    const uint32_t repetitions = walk_->Repetitions(plan_.expected_rows(), max_repetitions_);
    request_.repetitions = repetitions;
    Send(session.SendGetBulk(request_.oids, request_.non_repeaters, repetitions), now);
  }
}

void TargetPoller::Send(const std::variant<int, std::string>& sent, double now) {
  if (auto failure = connection_.Sent(sent, now)) {
    Fail(*failure, now);
    return;
  }
  report_.PduSent();
  ++poll_requests_;
}

void TargetPoller::HandleEvents(std::vector<SnmpEvent> events, double now) {
  bool probe_answered = false;
  std::optional<std::string> security_error;  // decided once the batch is seen
  for (const SnmpEvent& event : events) {
    if (event.kind == SnmpEvent::Kind::kResponse || event.kind == SnmpEvent::Kind::kReport) {
      report_.PduReceived();
    }
    if (!connection_.IsCurrent(event)) {
      // A TCP agent that hung up while we were idle: start afresh on the next poll.
      if (event.kind == SnmpEvent::Kind::kFailed && !connection_.awaiting()) {
        connection_.DropSession();
      }
      continue;
    }
    const bool discovering = phase_ == Phase::kDiscovering;
    switch (event.kind) {
      case SnmpEvent::Kind::kResend:
        report_.Resent();
        ++poll_requests_;
        connection_.Resent(now);
        break;
      case SnmpEvent::Kind::kTimeout:
        report_.TimedOut();
        Fail({SnmpErrorKind::kTimeout, connection_.TimeoutMessage(discovering)}, now);
        break;
      case SnmpEvent::Kind::kFailed:
        Fail({SnmpErrorKind::kTransport, event.detail + " (" + connection_.Address() + ")"}, now);
        break;
      case SnmpEvent::Kind::kSecurityError:
        // The Report that usually follows says more (and, during discovery, is expected).
        security_error = event.detail;
        break;
      case SnmpEvent::Kind::kReport:
      case SnmpEvent::Kind::kResponse:
        // During discovery either answers the probe (an agent may answer it outright; its
        // engine ID is recorded either way).
        if (discovering) {
          probe_answered = true;
        } else if (event.kind == SnmpEvent::Kind::kResponse) {
          OnResponse(event, now);
        } else if (auto failure = connection_.OnReport(event, now)) {
          Fail(*failure, now);
        }
        break;
    }
    if (!connection_.session()) return;  // the poll failed; what is left is stale
  }
  // After the read returned: net-snmp records the engine ID once our callback is done.
  if (probe_answered && phase_ == Phase::kDiscovering) {
    Proceed(connection_.FinishDiscovery(), now);
  } else if (security_error && connection_.session() && connection_.awaiting()) {
    Fail({SnmpErrorKind::kAuth, "SNMPv3 " + *security_error + " (" + connection_.Address() + ")"},
         now);
  }
}

void TargetPoller::OnResponse(const SnmpEvent& event, double now) {
  connection_.Answered();
  if (event.malformed_varbinds > 0) report_.SkippedVarbinds(event.malformed_varbinds);
  if (event.error_status == kSnmpErrorTooBig) {
    // Halve what one request asks for; an agent must manage one row of one column.
    if (max_columns_ == 1 && max_repetitions_ == 1) {
      Fail({SnmpErrorKind::kAgent, "the agent says tooBig even for one varbind"}, now);
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
    Fail({SnmpErrorKind::kAgent, "the agent answered " + SnmpErrorStatusName(event.error_status) +
                                     " (error-index " + std::to_string(event.error_index) + ")"},
         now);
    return;
  } else {
    const ColumnWalk::Outcome outcome = walk_->OnResponse(request_, event.varbinds);
    const std::span<const Varbind> varbinds(event.varbinds);
    plan_.OnScalars(varbinds.first(std::min(request_.non_repeaters, varbinds.size())));
    plan_.AddVarbinds(walk_->TakeVarbinds());
    if (auto failure = LimitFailure(outcome.limit)) {
      Fail(*failure, now);
      return;
    }
    if (outcome.oid_order_errors > 0) {
      report_.WalkProblem(outcome.oid_order_errors, "the agent returned OIDs out of order");
    }
    ReportWalkQuirks(outcome);
    if (!outcome.progress) {
      Fail({SnmpErrorKind::kOidOrder, "the agent's response advanced no column"}, now);
      return;
    }
  }
  if (walk_->done()) {
    WalkDone(now);
  } else {
    SendNext(now);
  }
}

void TargetPoller::ReportWalkQuirks(const ColumnWalk::Outcome& outcome) {
  if (outcome.ignored_max_repetitions > 0) {
    report_.Quirk(
        SnmpQuirk::kIgnoredMaxRepetitions, outcome.ignored_max_repetitions,
        "a response held more rows than max-repetitions " + std::to_string(request_.repetitions));
  }
  if (outcome.past_column_end > 0) {
    report_.Quirk(SnmpQuirk::kPastColumnEnd, outcome.past_column_end,
                  "varbinds of a column after its end");
  }
  if (outcome.repeated_oids > 0) {
    report_.Quirk(SnmpQuirk::kRepeatedOid, outcome.repeated_oids, "the same OID sent again");
  }
}

std::optional<SnmpFailure> TargetPoller::LimitFailure(ColumnWalk::Limit limit) const {
  const SnmpPollSettings& settings = config_.settings;
  if (limit == ColumnWalk::Limit::kRows || plan_.TooManyInterfaces()) {
    return SnmpFailure{SnmpErrorKind::kTooManyInterfaces,
                       "the agent has more than max_interfaces " +
                           std::to_string(settings.max_interfaces) +
                           " interfaces; the poll's data was dropped"};
  }
  if (limit == ColumnWalk::Limit::kVarbinds) {
    return SnmpFailure{SnmpErrorKind::kTooManyVarbinds,
                       "the poll read more than max_varbinds " +
                           std::to_string(settings.max_varbinds) +
                           " varbinds; the poll's data was dropped"};
  }
  return std::nullopt;
}

void TargetPoller::WalkDone(double now) {
  std::optional<ColumnWalk> next = plan_.OnWalkDone(walk_->TakeVarbinds());
  walk_.reset();
  if (next) {
    BeginWalk(std::move(*next), now);
  } else {
    Complete(now);
  }
}

void TargetPoller::Complete(double now) {
  const bool metadata = plan_.metadata();
  const size_t varbinds = plan_.varbinds_read();
  IfMibParseResult parsed = plan_.Finish(sample_time_.unix_seconds);
  if (parsed.malformed > 0) report_.SkippedVarbinds(parsed.malformed, parsed.problems);
  if (parsed.quirks.Any()) report_.Quirks(parsed.quirks);
  const size_t ports = parsed.records.size();
  report_.Publish(std::move(parsed.records), sample_time_);
  const double duration = now - poll_started_;
  LogDebug("SNMP poll done", {{"target", config_.name},
                              {"metadata", metadata},
                              {"requests", static_cast<uint64_t>(poll_requests_)},
                              {"varbinds", static_cast<uint64_t>(varbinds)},
                              {"ports", static_cast<uint64_t>(ports)},
                              {"duration_seconds", duration}});
  report_.Succeeded(now, duration, sample_time_.unix_seconds, ports, connection_.Address());
  EndPoll(now);
}

void TargetPoller::Fail(const SnmpFailure& failure, double now) {
  report_.Failed(failure, now - poll_started_, connection_.Address());
  // Start afresh next time: re-resolve a host name, reconnect, rediscover the engine ID.
  connection_.Close();
  plan_.Abort();
  EndPoll(now);
}

void TargetPoller::EndPoll(double now) {
  phase_ = Phase::kIdle;
  connection_.EndPoll();
  walk_.reset();
  // On the grid of intervals; a poll that overran skips the slots it missed, and counts them.
  const double interval = ToSeconds(config_.settings.interval);
  uint64_t slots = 0;
  for (; next_due_ <= now; ++slots) next_due_ += interval;
  if (slots > 1) report_.Overran(slots - 1);
}

double TargetPoller::FirstPollDelay() const {
  // A stable offset within the first interval, from the name (as Prometheus spreads scrapes), so
  // hundreds of targets do not all poll in the same instant, and a restart keeps their rhythm.
  const double fraction = static_cast<double>(Fnv1a32(config_.name) % 1000) / 1000.0;
  return fraction * ToSeconds(config_.settings.interval);
}

}  // namespace netif
