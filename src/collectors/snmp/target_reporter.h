// What one SNMP target tells the rest of the exporter: its series (through the RecordSink), its
// self-metrics (netif_snmp_target_up, poll duration, last success, interfaces, PDUs, retries,
// timeouts, errors by kind) and its log lines, each logged once per change of state rather than
// on every poll. It also decides staleness: the last good series stay for `stale_after` after the
// last success, then go (RecordSink::RemoveSource).
//
// Thread-safety: REQUIRES external synchronization: every method runs on the poller thread (the
// sink and the self-metrics are themselves thread-safe).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/snmp/snmp_error.h"
#include "collectors/snmp/snmp_quirk.h"
#include "config/snmp_config.h"
#include "model/record_sink.h"
#include "model/sample_time.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"

namespace netif {

// InterfaceKey::source of a target's ports: "snmp/<name>", so no target name can collide with
// the local host's "local".
std::string SnmpSourceName(std::string_view target_name);

class TargetReporter {
 public:
  // Sets netif_snmp_target_up to 0 and creates every error kind's counter at 0 (so rate() and
  // alerts work before the first error). `config`, `sink`, `self_metrics` and `runs` must outlive
  // the reporter.
  TargetReporter(const SnmpTargetConfig& config, RecordSink& sink, SelfMetrics& self_metrics,
                 CollectorRuns& runs);
  TargetReporter(SnmpTargetConfig&&, RecordSink&, SelfMetrics&, CollectorRuns&) = delete;

  const std::string& source() const { return source_; }

  // What went over the wire.
  void PduSent() { metrics_.pdus_sent.Increment(); }
  void PduReceived() { metrics_.pdus_received.Increment(); }
  void Resent();    // net-snmp retried a request: a retry and a PDU sent
  void TimedOut();  // a request got no answer after every retry (the poll fails too)
  void Errors(SnmpErrorKind kind, size_t count = 1);
  // Varbinds skipped (also netif_parse_errors_total{collector="snmp"}); `problems` describe the
  // first few, each logged once per target.
  void SkippedVarbinds(size_t count, const std::vector<std::string>& problems = {});
  // A walk that went wrong without failing (`count` columns cut short), logged once.
  void WalkProblem(size_t count, const std::string& problem);
  // Quirks of the agent, forgiven: netif_snmp_quirks_total{kind} (created at the first one, so a
  // well-behaved fleet carries no series for them), each kind logged once per target.
  void Quirks(const SnmpQuirkCounts& quirks);
  void Quirk(SnmpQuirk quirk, size_t count, std::string_view example);

  // A poll's records, as one complete sample of this target.
  void Publish(InterfaceRecords records, const SampleTime& time);
  // How a poll ended. `duration` in seconds; `address` for the log line.
  void Succeeded(double now, double duration, double unix_seconds, size_t ports,
                 const std::string& address);
  void Failed(const SnmpFailure& failure, double duration, const std::string& address);
  // A poll outlasted its interval: the slots of the grid it skipped.
  void Overran(uint64_t missed_slots);

  // When the series go stale (infinity while there are none).
  double StaleDeadline() const;
  // Removes the series once StaleDeadline() has passed.
  void RemoveIfStale(double now);
  // Drops this target's labelled gauges (the target is going away).
  void RemoveGauges();

 private:
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
    std::array<prometheus::Counter*, kSnmpQuirkCount> quirks{};  // null until the first
  };

  const SnmpTargetConfig& config_;
  const std::string source_;
  RecordSink& sink_;
  CollectorRuns& runs_;
  Metrics metrics_;

  bool ever_polled_ = false;
  bool up_ = false;
  std::string last_error_;
  std::set<std::string> reported_problems_;
  std::bitset<kSnmpQuirkCount> logged_quirks_;
  bool series_present_ = false;
  double last_success_ = 0;  // monotonic
};

}  // namespace netif
