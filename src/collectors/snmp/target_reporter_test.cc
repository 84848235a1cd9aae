// What a target reports: its self-metrics, its samples and their removal once stale, and the
// once-per-change log lines, against a recording sink.
#include "collectors/snmp/target_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "support/snmp/recording_sink.h"
#include "util/log.h"

namespace netif {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::RecordingSink;

class TargetReporterTest : public ::testing::Test {
 protected:
  TargetReporterTest() {
    config_.name = "sw1";
    config_.settings.interval = std::chrono::seconds(10);
    config_.settings.stale_after = std::chrono::seconds(30);
  }

  double Gauge(const std::string& name) {
    return metrics_.Gauge(name, {{"target", "sw1"}}).Value();
  }
  double ErrorCount(std::string_view kind) {
    return metrics_
        .Counter("netif_snmp_errors_total", {{"target", "sw1"}, {"kind", std::string(kind)}})
        .Value();
  }
  std::string Rendered() {
    std::string out;
    metrics_.Render(out);
    return out;
  }
  static InterfaceRecords Records(size_t n) {
    InterfaceRecords records;
    for (size_t i = 0; i < n; ++i) {
      InterfaceRecord record;
      record.key = {"snmp/sw1", std::to_string(i + 1)};
      records.push_back(std::move(record));
    }
    return records;
  }

  SnmpTargetConfig config_;
  RecordingSink sink_;
  SelfMetrics metrics_;
  CollectorRuns runs_{metrics_, "snmp"};
};

TEST_F(TargetReporterTest, StartsDownWithEveryErrorKindAtZero) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  EXPECT_EQ(report.source(), "snmp/sw1");
  const std::string text = Rendered();
  EXPECT_THAT(text, HasSubstr("netif_snmp_target_up{target=\"sw1\"} 0"));
  for (SnmpErrorKind kind : kSnmpErrorKinds) {
    EXPECT_THAT(text, HasSubstr("kind=\"" + std::string(SnmpErrorKindName(kind)) + "\""));
  }
  EXPECT_EQ(report.StaleDeadline(), std::numeric_limits<double>::infinity());
}

TEST_F(TargetReporterTest, ASuccessPublishesTheSampleAndSetsTheGauges) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  report.Publish(Records(3), SampleTime{100, 1700000000});
  report.Succeeded(/*now=*/100.5, /*duration=*/0.5, /*unix_seconds=*/1700000000, 3, "udp:x");
  ASSERT_EQ(sink_.samples.size(), 1u);
  EXPECT_EQ(sink_.samples[0].source, "snmp/sw1");
  EXPECT_EQ(sink_.samples[0].records.size(), 3u);
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 1);
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 3);
  EXPECT_EQ(Gauge("netif_snmp_poll_duration_seconds"), 0.5);
  EXPECT_EQ(Gauge("netif_snmp_last_success_timestamp_seconds"), 1700000000);
  EXPECT_EQ(report.StaleDeadline(), 130.5);
}

TEST_F(TargetReporterTest, AFailureCountsItsKindAndTheSeriesStayUntilStale) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  report.Publish(Records(2), SampleTime{100, 1700000000});
  report.Succeeded(100, 0.1, 1700000000, 2, "udp:x");
  report.TimedOut();
  report.Failed({SnmpErrorKind::kTimeout, "no response"}, 3.0, "udp:x");
  EXPECT_EQ(Gauge("netif_snmp_target_up"), 0);
  EXPECT_EQ(Gauge("netif_snmp_poll_duration_seconds"), 3.0);
  EXPECT_EQ(ErrorCount("timeout"), 1);
  EXPECT_EQ(ErrorCount("auth"), 0);
  EXPECT_EQ(metrics_.Counter("netif_snmp_timeouts_total", {{"target", "sw1"}}).Value(), 1);

  report.RemoveIfStale(129.9);
  EXPECT_TRUE(sink_.removed_sources.empty());
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 2);
  report.RemoveIfStale(130);
  EXPECT_EQ(sink_.removed_sources, std::vector<std::string>{"snmp/sw1"});
  EXPECT_EQ(Gauge("netif_snmp_interfaces"), 0);
  EXPECT_EQ(report.StaleDeadline(), std::numeric_limits<double>::infinity());
  report.RemoveIfStale(500);  // once
  EXPECT_EQ(sink_.removed_sources.size(), 1u);
}

TEST_F(TargetReporterTest, SkippedVarbindsAndWalkProblemsAreCounted) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  report.SkippedVarbinds(3, {"ifMtu.2: want INTEGER, got Counter32"});
  report.WalkProblem(2, "out of order");
  report.Errors(SnmpErrorKind::kPacket, 4);
  report.PduSent();
  report.Resent();
  report.PduReceived();
  EXPECT_EQ(ErrorCount("varbind"), 3);
  EXPECT_EQ(ErrorCount("oid_order"), 2);
  EXPECT_EQ(ErrorCount("packet"), 4);
  EXPECT_EQ(metrics_.Counter("netif_parse_errors_total", {{"collector", "snmp"}}).Value(), 3);
  EXPECT_EQ(metrics_.Counter("netif_snmp_pdus_sent_total", {{"target", "sw1"}}).Value(), 2);
  EXPECT_EQ(metrics_.Counter("netif_snmp_retries_total", {{"target", "sw1"}}).Value(), 1);
  EXPECT_EQ(metrics_.Counter("netif_snmp_pdus_received_total", {{"target", "sw1"}}).Value(), 1);
}

TEST_F(TargetReporterTest, LogsAFailureOncePerChange) {
  ConfigureLogging(LogSeverity::kInfo, LogLineFormat::kLogfmt);
  TargetReporter report(config_, sink_, metrics_, runs_);
  const auto logged = [&](auto&& step) {
    ::testing::internal::CaptureStderr();
    step();
    DrainLogs(std::chrono::seconds(5));  // lines are written by the log thread
    return ::testing::internal::GetCapturedStderr();
  };
  EXPECT_THAT(logged([&] {
                report.Failed({SnmpErrorKind::kTimeout, "no response"}, 1, "a");
              }),
              HasSubstr("SNMP poll failed"));
  EXPECT_THAT(logged([&] {
                report.Failed({SnmpErrorKind::kTimeout, "no response"}, 1, "a");
              }),
              Not(HasSubstr("SNMP poll failed")));
  EXPECT_THAT(logged([&] {
                report.Failed({SnmpErrorKind::kAuth, "wrong password"}, 1, "a");
              }),
              HasSubstr("wrong password"));
  EXPECT_THAT(logged([&] { report.Succeeded(10, 0.1, 1, 1, "a"); }), HasSubstr("SNMP target up"));
  EXPECT_THAT(logged([&] { report.Succeeded(20, 0.1, 1, 1, "a"); }),
              Not(HasSubstr("SNMP target up")));
  EXPECT_THAT(logged([&] {
                report.Failed({SnmpErrorKind::kAuth, "wrong password"}, 1, "a");
              }),
              HasSubstr("SNMP poll failed"));  // down again after being up
  EXPECT_THAT(logged([&] { report.SkippedVarbinds(1, {"p"}); }), HasSubstr("varbind skipped"));
  EXPECT_THAT(logged([&] { report.SkippedVarbinds(1, {"p"}); }), Not(HasSubstr("skipped")));
}

TEST_F(TargetReporterTest, QuirksAreCountedByKindAndLoggedOncePerKind) {
  ConfigureLogging(LogSeverity::kInfo, LogLineFormat::kLogfmt);
  TargetReporter report(config_, sink_, metrics_, runs_);
  // No series before the first quirk: a well-behaved fleet carries none.
  EXPECT_THAT(Rendered(), Not(HasSubstr("netif_snmp_quirks_total")));
  const auto logged = [&](auto&& step) {
    ::testing::internal::CaptureStderr();
    step();
    DrainLogs(std::chrono::seconds(5));
    return ::testing::internal::GetCapturedStderr();
  };
  SnmpQuirkCounts quirks;
  quirks.Add(SnmpQuirk::kCounter64InCounter32, "ifInOctets.1: Counter64", 22);
  quirks.Add(SnmpQuirk::kEmptyIfName, "ifName.5");
  EXPECT_THAT(logged([&] { report.Quirks(quirks); }),
              AllOf(HasSubstr("kind=counter64_in_counter32"), HasSubstr("ifInOctets.1: Counter64"),
                    HasSubstr("kind=empty_ifname")));
  EXPECT_THAT(logged([&] { report.Quirks(quirks); }), Not(HasSubstr("quirk")));
  EXPECT_THAT(logged([&] { report.Quirk(SnmpQuirk::kRepeatedOid, 3, "the same OID sent again"); }),
              HasSubstr("kind=repeated_oid"));
  const auto count = [&](std::string_view kind) {
    return metrics_
        .Counter("netif_snmp_quirks_total", {{"target", "sw1"}, {"kind", std::string(kind)}})
        .Value();
  };
  EXPECT_EQ(count("counter64_in_counter32"), 44);
  EXPECT_EQ(count("empty_ifname"), 2);
  EXPECT_EQ(count("repeated_oid"), 3);
  EXPECT_EQ(ErrorCount("varbind"), 0);  // forgiven, not errors
}

TEST_F(TargetReporterTest, TheLastSuccessTimestampIsZeroUntilASuccessAndFailuresKeepIt) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  EXPECT_THAT(Rendered(), HasSubstr("netif_snmp_last_success_timestamp_seconds{target=\"sw1\"} 0"));
  report.Failed({SnmpErrorKind::kTransport, "cannot resolve sw1: no answer within 5s"}, 5, "a");
  EXPECT_EQ(Gauge("netif_snmp_last_success_timestamp_seconds"), 0);
  report.Succeeded(100, 0.2, 1700000100.5, 2, "udp:x");
  EXPECT_EQ(Gauge("netif_snmp_last_success_timestamp_seconds"), 1700000100.5);
  report.Failed({SnmpErrorKind::kTimeout, "no response"}, 3, "udp:x");
  report.Failed({SnmpErrorKind::kTimeout, "no response"}, 3, "udp:x");
  EXPECT_EQ(Gauge("netif_snmp_last_success_timestamp_seconds"), 1700000100.5);
  report.Succeeded(120, 0.2, 1700000120.5, 2, "udp:x");
  EXPECT_EQ(Gauge("netif_snmp_last_success_timestamp_seconds"), 1700000120.5);
}

TEST_F(TargetReporterTest, RemoveGaugesDropsTheTargetsGauges) {
  TargetReporter report(config_, sink_, metrics_, runs_);
  report.Publish(Records(1), SampleTime{100, 1700000000});
  report.Succeeded(100, 0.1, 1700000000, 1, "udp:x");
  report.RemoveGauges();
  const std::string text = Rendered();
  for (const char* gauge : {"netif_snmp_target_up", "netif_snmp_poll_duration_seconds",
                            "netif_snmp_last_success_timestamp_seconds", "netif_snmp_interfaces"}) {
    EXPECT_THAT(text, Not(HasSubstr(std::string(gauge) + "{target=\"sw1\"}"))) << gauge;
  }
}

}  // namespace
}  // namespace netif
