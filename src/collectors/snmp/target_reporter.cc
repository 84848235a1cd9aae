#include "collectors/snmp/target_reporter.h"

#include <chrono>
#include <utility>

#include "config/duration.h"
#include "util/clock.h"
#include "util/log.h"

namespace netif {
namespace {

// A broken agent can describe a new problem on every poll; the log hears of this many per target.
constexpr size_t kMaxLoggedProblems = 64;

}  // namespace

std::string SnmpSourceName(std::string_view target_name) {
  return "snmp/" + std::string(target_name);
}

TargetReporter::Metrics::Metrics(SelfMetrics& self_metrics, const std::string& target)
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
  for (SnmpErrorKind kind : kSnmpErrorKinds) {
    errors[static_cast<size_t>(kind)] =
        &self.Counter("netif_snmp_errors_total",
                      {{"target", target}, {"kind", std::string(SnmpErrorKindName(kind))}});
  }
}

TargetReporter::TargetReporter(const SnmpTargetConfig& config, RecordSink& sink,
                               SelfMetrics& self_metrics, CollectorRuns& runs)
    : config_(config),
      source_(SnmpSourceName(config.name)),
      sink_(sink),
      runs_(runs),
      metrics_(self_metrics, config.name) {
  metrics_.up.Set(0);
}

void TargetReporter::Resent() {
  metrics_.retries.Increment();
  metrics_.pdus_sent.Increment();
}

void TargetReporter::TimedOut() { metrics_.timeouts.Increment(); }

void TargetReporter::Errors(SnmpErrorKind kind, size_t count) {
  metrics_.errors[static_cast<size_t>(kind)]->Increment(static_cast<double>(count));
}

void TargetReporter::SkippedVarbinds(size_t count, const std::vector<std::string>& problems) {
  Errors(SnmpErrorKind::kVarbind, count);
  metrics_.parse_errors.Increment(static_cast<double>(count));
  for (const std::string& problem : problems) {
    // Once per distinct problem: a broken agent repeats it on every poll.
    if (reported_problems_.size() < kMaxLoggedProblems &&
        reported_problems_.insert(problem).second) {
      LogWarn("SNMP varbind skipped", {{"target", config_.name}, {"problem", problem}});
    }
  }
}

void TargetReporter::WalkProblem(size_t count, const std::string& problem) {
  Errors(SnmpErrorKind::kOidOrder, count);
  if (reported_problems_.insert(problem).second) {
    LogWarn("SNMP walk problem", {{"target", config_.name}, {"problem", problem}});
  }
}

void TargetReporter::Quirks(const SnmpQuirkCounts& quirks) {
  for (size_t i = 0; i < kSnmpQuirkCount; ++i) {
    if (quirks.counts[i] > 0)
      Quirk(static_cast<SnmpQuirk>(i), quirks.counts[i], quirks.examples[i]);
  }
}

void TargetReporter::Quirk(SnmpQuirk quirk, size_t count, std::string_view example) {
  const size_t i = static_cast<size_t>(quirk);
  prometheus::Counter*& counter = metrics_.quirks[i];
  if (counter == nullptr) {
    counter = &metrics_.self.Counter(
        "netif_snmp_quirks_total",
        {{"target", config_.name}, {"kind", std::string(SnmpQuirkName(quirk))}});
  }
  counter->Increment(static_cast<double>(count));
  // Once per kind: a quirky agent is quirky on every poll.
  if (!logged_quirks_.test(i)) {
    logged_quirks_.set(i);
    LogInfo("SNMP agent quirk forgiven", {{"target", config_.name},
                                          {"kind", SnmpQuirkName(quirk)},
                                          {"example", std::string(example)}});
  }
}

void TargetReporter::Publish(InterfaceRecords records, const SampleTime& time) {
  sink_.ApplySample(source_, std::move(records), time);
  series_present_ = true;
}

void TargetReporter::Succeeded(double now, double duration, double unix_seconds, size_t ports,
                               const std::string& address) {
  metrics_.up.Set(1);
  metrics_.poll_duration.Set(duration);
  metrics_.last_success.Set(unix_seconds);
  metrics_.interfaces.Set(static_cast<double>(ports));
  // The source runs whatever one target does: its duration is the last poll's.
  runs_.Record(Status::Ok(), duration);
  if (!up_) {
    LogInfo("SNMP target up", {{"target", config_.name},
                               {"address", address},
                               {"interfaces", static_cast<uint64_t>(ports)},
                               {"duration_seconds", duration}});
  }
  up_ = true;
  ever_polled_ = true;
  last_error_.clear();
  last_success_ = now;
}

void TargetReporter::Failed(const SnmpFailure& failure, double duration,
                            const std::string& address) {
  Errors(failure.kind);
  metrics_.up.Set(0);
  metrics_.poll_duration.Set(duration);
  runs_.Record(Status::Ok(), duration);
  // Once per change: a target that stays down with the same error is not logged every interval.
  const bool news = up_ || !ever_polled_ || failure.message != last_error_;
  const auto log = news ? &LogWarn : &LogDebug;
  log("SNMP poll failed", {{"target", config_.name},
                           {"address", address},
                           {"kind", SnmpErrorKindName(failure.kind)},
                           {"error", failure.message}});
  up_ = false;
  ever_polled_ = true;
  last_error_ = failure.message;
}

double TargetReporter::StaleDeadline() const {
  if (!series_present_) return std::numeric_limits<double>::infinity();
  return last_success_ + ToSeconds(config_.settings.StaleAfter());
}

void TargetReporter::RemoveIfStale(double now) {
  if (!series_present_ || now - last_success_ < ToSeconds(config_.settings.StaleAfter())) return;
  sink_.RemoveSource(source_);
  series_present_ = false;
  metrics_.interfaces.Set(0);
  LogWarn("SNMP target stale: its series were removed",
          {{"target", config_.name},
           {"stale_after", FormatDuration(config_.settings.StaleAfter())},
           {"seconds_since_success", now - last_success_}});
}

void TargetReporter::RemoveGauges() {
  for (std::string_view name :
       {"netif_snmp_target_up", "netif_snmp_poll_duration_seconds",
        "netif_snmp_last_success_timestamp_seconds", "netif_snmp_interfaces"}) {
    metrics_.self.RemoveGauge(name, metrics_.labels);
  }
}

void TargetReporter::Overran(uint64_t missed_slots) { runs_.CountOverruns(missed_slots); }

}  // namespace netif
