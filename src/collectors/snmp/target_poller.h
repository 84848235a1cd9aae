// One SNMP target's poll cycle, as a non-blocking state machine the poller loop drives:
//
//   idle --due--> [resolve host] --> [TCP reachability check] --> [open session]
//        --> [SNMPv3: engine ID probe] --> walk columns --> parse --> Store::ApplySample --> idle
//
// Every step that waits for the network returns at once; the loop calls Advance() when
// NextWait().deadline passes and OnReady() when NextWait().fd is ready. A failure at any step ends
// the poll (target_up 0 at once, the error counted by kind and logged when it changes), closes the
// session (the next poll starts afresh: re-resolve, reconnect, rediscover) and keeps the last good
// series until `stale_after` has passed since the last success; then they are removed.
//
// Walks: every `metadata_every`-th poll (and the first) reads every column the exporter knows;
// the polls in between read only the fast columns the last full walk found in use (status,
// counters; no 32-bit counters where every port has HC ones) and reuse the slow ones (names,
// alias, speed, type, MTU, address) from that walk. A fast walk that finds the set of ifIndexes
// changed reads the remaining columns at once, in the same poll.
//
// Thread-safety: REQUIRES external synchronization: every method runs on the poller thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/snmp/column_walk.h"
#include "collectors/snmp/if_mib.h"
#include "collectors/snmp/if_mib_parser.h"
#include "collectors/snmp/resolver.h"
#include "collectors/snmp/snmp_session.h"
#include "config/snmp_config.h"
#include "model/record_sink.h"
#include "model/sample_time.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"

namespace netif {

// Why a poll (or part of one) went wrong: the `kind` label of netif_snmp_errors_total.
enum class SnmpErrorKind : uint8_t {
  kTimeout,    // no answer after every retry (agent down or unreachable, wrong community)
  kAuth,       // SNMPv3 refused: unknown user, wrong password or protocol, security level
  kReport,     // another SNMPv3 Report
  kAgent,      // a response with a non-zero error-status (genErr, ...)
  kPacket,     // a datagram that could not be decoded or matched (garbage, a late reply)
  kOidOrder,   // the agent walked backwards or in place (a buggy agent)
  kVarbind,    // a varbind with a wrong type or an out-of-range value, skipped
  kTransport,  // resolve, connect, socket or send failures
};
inline constexpr std::array<SnmpErrorKind, 8> kSnmpErrorKinds = {
    SnmpErrorKind::kTimeout, SnmpErrorKind::kAuth,     SnmpErrorKind::kReport,
    SnmpErrorKind::kAgent,   SnmpErrorKind::kPacket,   SnmpErrorKind::kOidOrder,
    SnmpErrorKind::kVarbind, SnmpErrorKind::kTransport};
std::string_view SnmpErrorKindName(SnmpErrorKind kind);  // "timeout", "auth", ...

// InterfaceKey::source of a target's ports: "snmp/<name>", so no target name can collide with
// the local host's "local".
std::string SnmpSourceName(std::string_view target_name);

// GETBULK repeaters per request: every column of a full walk fits in one request. An agent whose
// answer would be too big returns fewer rows (RFC 3416 4.2.3); one that says tooBig instead gets
// halved requests.
inline constexpr size_t kMaxColumnsPerRequest = kIfColumnCount;
// SNMPv1 GETNEXT: one row of this many columns per request.
inline constexpr size_t kMaxColumnsPerGetNext = 16;
// GETBULK repetitions are sized to the rows a walk still needs (ifNumber.0, or the ports the last
// walk found, plus one row to see each column end), so a small device is not sent rows of the
// next columns it never asked for. Until the size is known, a walk asks for this many rows.
inline constexpr uint32_t kRowsBeforeSizeIsKnown = 4;
inline constexpr size_t kMinRepetitions = 2;

class TargetPoller {
 public:
  struct Wait {
    int fd = -1;       // -1: nothing to watch
    short events = 0;  // POLLIN, or POLLOUT while a TCP connect is in progress
    double deadline = std::numeric_limits<double>::infinity();  // monotonic seconds
  };

  // `id` is this target's index in the poller (it tags resolver requests). `resolver` is used for
  // host names only and must outlive the TargetPoller.
  TargetPoller(size_t id, SnmpTargetConfig config, RecordSink& sink, SelfMetrics& self_metrics,
               CollectorRuns& runs, HostResolver& resolver);
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
  void RemoveGauges();

 private:
  enum class Phase { kIdle, kResolving, kConnecting, kDiscovering, kWalking };

  struct Metrics {
    Metrics(SelfMetrics& self, const std::string& target);
    SelfMetrics& self;
    prometheus::Labels labels;
    prometheus::Gauge& up;
    prometheus::Gauge& poll_duration;
    prometheus::Gauge& last_success;
    prometheus::Gauge& interfaces;
    prometheus::Counter& pdus_sent;
    prometheus::Counter& pdus_received;
    prometheus::Counter& retries;
    prometheus::Counter& timeouts;
    prometheus::Counter& parse_errors;  // netif_parse_errors_total{collector="snmp"}
    std::array<prometheus::Counter*, kSnmpErrorKinds.size()> errors;
    void Error(SnmpErrorKind kind, double n = 1) {
      errors[static_cast<size_t>(kind)]->Increment(n);
    }
  };

  void StartPoll(double now);
  void Continue(double now);  // from "address known" to the walk
  void StartConnect(double now);
  void OnConnectReady(double now);
  void OpenSession(double now);
  void SendProbe(double now);
  void FinishDiscovery(double now);
  // `first`: the poll's first walk (it also reads sysUpTime.0 and ifNumber.0).
  void BeginWalk(double now, IfColumnSet columns, bool first);
  uint32_t Repetitions() const;
  void SendNext(double now);
  void Sent(const std::variant<int, std::string>& sent, double now);
  void HandleEvents(std::vector<SnmpEvent> events, double now);
  void OnResponse(const SnmpEvent& event, double now);
  void OnReport(const SnmpEvent& event, double now);
  void WalkDone(double now);
  void Complete(double now);
  void Succeed(double now, size_t ports);
  void Fail(SnmpErrorKind kind, const std::string& message, double now);
  void EndPoll(double now);
  void RefreshNetSnmpDeadline(double now);
  void RemoveSeries(double now);
  double FirstPollDelay() const;
  std::string TimeoutMessage() const;
  std::string Address() const;

  const size_t id_;
  const SnmpTargetConfig config_;
  const std::string source_;
  const LabelPairs static_labels_;
  RecordSink& sink_;
  HostResolver& resolver_;
  CollectorRuns& runs_;
  Metrics metrics_;

  Phase phase_ = Phase::kIdle;
  double next_due_ = -1;  // monotonic; < 0: not scheduled yet (Advance() places the first poll)
  double poll_started_ = 0;
  size_t poll_requests_ = 0;  // requests sent this poll (for the debug log)
  SampleTime sample_time_;    // when the poll's first walk request went out

  // The connection.
  std::optional<ResolvedAddress> resolved_;
  int connect_fd_ = -1;
  double connect_deadline_ = 0;
  std::unique_ptr<SnmpSession> session_;

  // The request in flight (0 = none), and when to give up on it even if net-snmp says nothing.
  int outstanding_ = 0;
  double watchdog_ = 0;
  double netsnmp_deadline_ = std::numeric_limits<double>::infinity();
  bool time_window_resync_ = false;  // one notInTimeWindow Report is expected after discovery

  // The walk.
  std::optional<ColumnWalk> walk_;
  ColumnWalk::Request request_;
  IfColumnSet walked_columns_;
  bool metadata_walk_ = false;
  std::vector<Varbind> fresh_;  // this poll's varbinds
  size_t max_columns_ = kMaxColumnsPerRequest;
  uint32_t max_repetitions_;             // the config's, halved after each tooBig
  std::optional<size_t> expected_rows_;  // ports this walk should find, when known

  // What the last full walk learned.
  bool have_metadata_ = false;
  uint32_t polls_since_metadata_ = 0;
  std::vector<Varbind> slow_cache_;
  std::set<uint32_t> cached_indexes_;
  IfColumnSet fast_columns_;
  AgentEpoch agent_epoch_;

  // State for logs and staleness.
  bool ever_polled_ = false;
  bool up_ = false;
  std::string last_error_;
  std::set<std::string> reported_problems_;
  bool series_present_ = false;
  double last_success_ = 0;  // monotonic
};

}  // namespace netif
