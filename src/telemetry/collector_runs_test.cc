#include "telemetry/collector_runs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "util/clock.h"

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Rendered(const SelfMetrics& metrics) {
  std::string out;
  metrics.Render(out);
  return out;
}

TEST(CollectorRunsTest, ASuccessfulRunSetsSuccessAndTheLastSuccessTime) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "procfs");
  EXPECT_THAT(Rendered(metrics), Not(HasSubstr("collector=\"procfs\"")));
  const double before = UnixSeconds();
  runs.Record(Status::Ok(), 0.25);
  const std::string text = Rendered(metrics);
  EXPECT_THAT(text, HasSubstr("netif_scrape_collector_success{collector=\"procfs\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("netif_scrape_collector_duration_seconds{collector=\"procfs\"} 0.25"));
  const std::string key =
      "netif_scrape_collector_last_success_timestamp_seconds{collector=\"procfs\"} ";
  const auto at = text.find(key);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GE(std::stod(text.substr(at + key.size())), before - 1);
}

TEST(CollectorRunsTest, AFailedRunKeepsTheLastSuccessTime) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "snmp");
  runs.Record(Status::Error("boom"), 0);
  const std::string text = Rendered(metrics);
  EXPECT_THAT(text, HasSubstr("netif_scrape_collector_success{collector=\"snmp\"} 0"));
  EXPECT_THAT(
      text,
      HasSubstr("netif_scrape_collector_last_success_timestamp_seconds{collector=\"snmp\"} 0"));
}

TEST(CollectorRunsTest, NoProgressWithinTheBoundIsStuckUntilItRunsAgain) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "procfs", std::chrono::seconds(5));
  runs.Record(Status::Ok(), 0.1);
  const double now = MonotonicSeconds();
  EXPECT_FALSE(runs.CheckStuck(now + 1));
  EXPECT_TRUE(runs.CheckStuck(now + 10));
  EXPECT_TRUE(runs.CheckStuck(now + 11));  // stays stuck (logged once)
  EXPECT_THAT(Rendered(metrics),
              HasSubstr("netif_scrape_collector_success{collector=\"procfs\"} 0"));
  runs.Record(Status::Ok(), 0.1);
  EXPECT_FALSE(runs.CheckStuck(MonotonicSeconds() + 1));
  EXPECT_THAT(Rendered(metrics),
              HasSubstr("netif_scrape_collector_success{collector=\"procfs\"} 1"));
}

TEST(CollectorRunsTest, ProgressBetweenRunsKeepsAnEventDrivenCollectorAlive) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "netlink", std::chrono::seconds(5));
  runs.Record(Status::Ok(), 0.1);
  EXPECT_TRUE(runs.CheckStuck(MonotonicSeconds() + 10));
  // Moving again without a new run: back to what the last run said.
  runs.Progress();
  EXPECT_FALSE(runs.CheckStuck(MonotonicSeconds() + 1));
  EXPECT_THAT(Rendered(metrics),
              HasSubstr("netif_scrape_collector_success{collector=\"netlink\"} 1"));
}

TEST(CollectorRunsTest, AFailedCollectorThatMovesAgainStaysFailed) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "netlink", std::chrono::seconds(5));
  runs.Record(Status::Error("socket"), 0);
  EXPECT_TRUE(runs.CheckStuck(MonotonicSeconds() + 10));
  runs.Progress();
  EXPECT_THAT(Rendered(metrics),
              HasSubstr("netif_scrape_collector_success{collector=\"netlink\"} 0"));
}

TEST(CollectorRunsTest, AnUnboundedCollectorIsNeverStuck) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "procfs");
  EXPECT_FALSE(runs.CheckStuck(MonotonicSeconds() + 1e6));
  EXPECT_THAT(metrics.collectors().CheckStuck(), IsEmpty());
}

TEST(CollectorRunsTest, TheWatchNamesTheStuckCollectorsAndForgetsDestroyedOnes) {
  SelfMetrics metrics;
  auto frozen = std::make_unique<CollectorRuns>(metrics, "sysfs", std::chrono::milliseconds(1));
  CollectorRuns alive(metrics, "procfs", std::chrono::hours(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_THAT(metrics.collectors().CheckStuck(), ElementsAre("sysfs"));
  frozen.reset();
  EXPECT_THAT(metrics.collectors().CheckStuck(), IsEmpty());
  EXPECT_THAT(Rendered(metrics), Not(HasSubstr("collector=\"sysfs\"")));
}

TEST(CollectorRunsTest, OverrunsAreCounted) {
  SelfMetrics metrics;
  CollectorRuns runs(metrics, "procfs");
  runs.CountOverruns(0);
  EXPECT_THAT(Rendered(metrics), Not(HasSubstr("netif_scrape_collector_overruns_total{")));
  runs.CountOverruns(2);
  runs.CountOverruns(1);
  EXPECT_THAT(Rendered(metrics),
              HasSubstr("netif_scrape_collector_overruns_total{collector=\"procfs\"} 3"));
}

}  // namespace
}  // namespace netif
