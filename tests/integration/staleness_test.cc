// A source that stops making progress must show it, and must not hold the exit. The built exporter
// runs on the host1 fixtures; the test freezes its `netif-local` thread with ptrace (as a read the
// kernel never answers would), then checks: within the staleness bound the procfs and sysfs
// collectors report success 0, /-/ready answers 503 and one "collector stuck" line is logged;
// thawed, they recover; frozen again, SIGTERM still ends the process within its bound, naming
// what it was waiting for.
//
// Every wait is bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/temp_dir.h"
#include "support/thread_freezer.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

constexpr char kConfig[] =
    "local:\n"
    "  netlink: false\n"
    "collection:\n"
    "  interval: 1s\n";

// Scrapes until `done` holds (bounded); returns the last parsed scrape.
template <typename Done>
std::optional<Exposition> ScrapeUntil(const ExporterProcess& exporter, Done done,
                                      std::chrono::seconds limit = 40s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::optional<Exposition> last;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto response = exporter.Get("/metrics");
    if (response && response->status == 200) {
      last = ParseExposition(response->body);
      if (done(*last)) break;
    }
    std::this_thread::sleep_for(250ms);
  }
  return last;
}

std::optional<double> Success(const Exposition& scrape, const std::string& collector) {
  return scrape.Value("netif_scrape_collector_success", {{"collector", collector}});
}

int ReadyStatus(const ExporterProcess& exporter) {
  const auto response = exporter.Get("/-/ready");
  return response ? response->status : -1;
}

TEST(StalenessTest, AFrozenSourceIsReportedStuckAndRecovers) {
  TempDir dir;
  ExporterProcess exporter(FixtureExporterOptions(dir, kConfig));
  auto scrape =
      ScrapeUntil(exporter, [](const Exposition& s) { return Success(s, "procfs") == 1; });
  ASSERT_TRUE(scrape && Success(*scrape, "procfs") == 1);
  ASSERT_EQ(ReadyStatus(exporter), 200);
  ASSERT_TRUE(scrape
                  ->Value("netif_scrape_collector_last_success_timestamp_seconds",
                          {{"collector", "procfs"}})
                  .has_value());

  {
    ThreadFreezer frozen(exporter.process().pid(), "netif-local");
    // One pass records procfs, then sysfs: sysfs goes stale a few milliseconds later.
    scrape = ScrapeUntil(exporter, [](const Exposition& s) {
      return Success(s, "procfs") == 0 && Success(s, "sysfs") == 0;
    });
    ASSERT_TRUE(scrape.has_value());
    EXPECT_EQ(Success(*scrape, "procfs"), 0) << "a frozen local pass still reports success";
    EXPECT_EQ(Success(*scrape, "sysfs"), 0);
    EXPECT_EQ(ReadyStatus(exporter), 503) << "/-/ready stays ready with a stuck source";
    EXPECT_NE(exporter.Stderr().find("msg=\"collector stuck\" collector=procfs"), std::string::npos)
        << exporter.Stderr();
  }  // thawed

  scrape = ScrapeUntil(exporter, [](const Exposition& s) {
    return Success(s, "procfs") == 1 && Success(s, "sysfs") == 1;
  });
  ASSERT_TRUE(scrape.has_value());
  EXPECT_EQ(Success(*scrape, "procfs"), 1) << "a thawed source does not recover";
  EXPECT_EQ(ReadyStatus(exporter), 200);
  EXPECT_NE(exporter.Stderr().find("msg=\"collector recovered\" collector=procfs"),
            std::string::npos);
}

TEST(StalenessTest, SigtermEndsTheProcessWhileASourceIsFrozen) {
  TempDir dir;
  ExporterProcess exporter(FixtureExporterOptions(dir, kConfig));
  ThreadFreezer frozen(exporter.process().pid(), "netif-local");
  ASSERT_TRUE(exporter.process().Signal(SIGTERM));
  // The frozen thread dies with the process; its tracer (this thread) reaps it first.
  ASSERT_TRUE(frozen.WaitForExit(10s)) << "SIGTERM did not end the exporter: a source held it";
  const auto code = exporter.process().Wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1) << "a forced exit must not look like a clean one";
  EXPECT_NE(exporter.Stderr().find("shutdown did not finish in time"), std::string::npos)
      << exporter.Stderr();
  EXPECT_NE(exporter.Stderr().find("waiting_for=\"stopping source local\""), std::string::npos)
      << exporter.Stderr();
}

}  // namespace
}  // namespace netif::testing_support
