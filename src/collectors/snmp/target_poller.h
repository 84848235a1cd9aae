// One SNMP target's poll cycle, as a non-blocking state machine the poller loop drives:
//
//   idle --due--> connect (TargetConnection: resolve, TCP check, open, SNMPv3 discovery)
//        --> walk the columns the plan asks for (IfMibPollPlan) --> records --> idle
//
// This class keeps the schedule and the phases; the connection, the IF-MIB poll plan and the
// reporting (TargetReporter: series, self-metrics, logs, staleness) are classes of their own.
// Every step that waits for the network returns at once; the loop calls Advance() when
// NextWait().deadline passes and OnReady() when NextWait().fd is ready. A failure at any step ends
// the poll (target_up 0 at once, the error counted by kind and logged when it changes) and closes
// the connection (the next poll starts afresh: re-resolve, reconnect, rediscover); the last good
// series stay until `stale_after` has passed since the last success. A poll that crosses one of
// the target's limits (max_interfaces, max_varbinds, walk_timeout) fails the same way: the walk
// stops at the first varbind past the limit, and nothing of the poll reaches the sink.
//
// Thread-safety: REQUIRES external synchronization: every method runs on the poller thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/snmp/column_walk.h"
#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/if_mib_poll_plan.h"
#include "collectors/snmp/resolver.h"
#include "collectors/snmp/snmp_error.h"
#include "collectors/snmp/target_connection.h"
#include "collectors/snmp/target_reporter.h"
#include "config/snmp_config.h"
#include "model/record_sink.h"
#include "model/sample_time.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"

namespace netif {

// GETBULK repeaters per request: every column of a full walk fits in one request. An agent whose
// answer would be too big returns fewer rows (RFC 3416 4.2.3); one that says tooBig instead gets
// halved requests.
inline constexpr size_t kMaxColumnsPerRequest = kIfColumnCount;
// SNMPv1 GETNEXT: one row of this many columns per request.
inline constexpr size_t kMaxColumnsPerGetNext = 16;

class TargetPoller {
 public:
  using Wait = PollWait;

  // What tests replace: how sessions are opened (net-snmp's by default) and the clock that
  // stamps each sample (NowSampleTime by default).
  struct Seams {
    TargetConnection::SessionFactory open_session;
    std::function<SampleTime()> clock;
  };

  // `id` is this target's index in the poller (it tags resolver requests). `resolver` is used for
  // host names only; it, `sink`, `self_metrics` and `runs` must outlive the TargetPoller.
  TargetPoller(size_t id, SnmpTargetConfig config, RecordSink& sink, SelfMetrics& self_metrics,
               CollectorRuns& runs, HostLookup& resolver, Seams seams = {});
  ~TargetPoller();
  TargetPoller(const TargetPoller&) = delete;
  TargetPoller& operator=(const TargetPoller&) = delete;

  const SnmpTargetConfig& config() const { return config_; }

  // Starts a due poll, lets net-snmp retry or time out, enforces the watchdogs and staleness.
  void Advance(double now);
  Wait NextWait() const;
  // NextWait().fd became ready (`revents` from poll()).
  void OnReady(short revents, double now);
  void OnResolved(HostResolver::Result result, double now);
  // Closes the session; the poller is stopping.
  void Shutdown();
  // Drops this target's labelled self-metric gauges (the poller is going away).
  void RemoveGauges() { report_.RemoveGauges(); }

 private:
  enum class Phase { kIdle, kConnecting, kDiscovering, kWalking };

  void StartPoll(double now);
  // After a step of the connection: on to discovery or the walk, or wait, or fail.
  void Proceed(std::optional<SnmpFailure> failure, double now);
  void BeginWalk(ColumnWalk walk, double now);
  void SendNext(double now);
  void Send(const std::variant<int, std::string>& sent, double now);
  void HandleEvents(std::vector<SnmpEvent> events, double now);
  void OnResponse(const SnmpEvent& event, double now);
  // Counts the quirks the walker forgave in one response.
  void ReportWalkQuirks(const ColumnWalk::Outcome& outcome);
  // The failure a crossed limit makes of the poll (kRows or too many ifIndexes:
  // too_many_interfaces; kVarbinds: too_many_varbinds), if any.
  std::optional<SnmpFailure> LimitFailure(ColumnWalk::Limit limit) const;
  void WalkDone(double now);
  void Complete(double now);
  void Fail(const SnmpFailure& failure, double now);
  void EndPoll(double now);
  double FirstPollDelay() const;

  const SnmpTargetConfig config_;
  const std::function<SampleTime()> clock_;
  TargetReporter report_;
  TargetConnection connection_;
  IfMibPollPlan plan_;

  Phase phase_ = Phase::kIdle;
  double next_due_ = -1;  // monotonic; < 0: not scheduled yet (Advance() places the first poll)
  double poll_started_ = 0;
  size_t poll_requests_ = 0;  // requests sent this poll (for the debug log)
  SampleTime sample_time_;    // when the poll's first walk request went out
  double walk_deadline_ = 0;  // monotonic: walk_timeout after that request

  // The walk in progress.
  std::optional<ColumnWalk> walk_;
  ColumnWalk::Request request_;
  size_t max_columns_ = kMaxColumnsPerRequest;
  uint32_t max_repetitions_;  // the config's, halved after each tooBig
};

}  // namespace netif
