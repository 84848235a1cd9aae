// The wiring, started in-process: what only shows when the parts run together.
#include "app/exporter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/http_client.h"
#include "util/chunked_buffer.h"

namespace netif {
namespace {

using testing_support::HttpGet;

Config ConfigWithoutLocalCollection() {
  Config config;
  config.local.enabled = false;  // and no SNMP targets: an exporter of self metrics only
  config.web.listen_addresses = {ListenAddress{"127.0.0.1", 0}};
  return config;
}

// Without a local pass to return idle memory after, the housekeeping thread must give the spare
// scrape chunks back.
TEST(ExporterTest, WithoutLocalCollectionSpareScrapeChunksStillGoBack) {
  Exporter exporter(ConfigWithoutLocalCollection());
  ASSERT_EQ(exporter.Start(), "");
  ASSERT_EQ(exporter.BoundPorts().size(), 1u);
  const auto response = HttpGet("127.0.0.1", exporter.BoundPorts()[0], "/metrics");
  ASSERT_TRUE(response.has_value());
  ASSERT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("netif_exporter_build_info"), std::string::npos);
  // The scrape left its chunks for the next one.
  EXPECT_GT(SpareChunks::Shared().size(), 0u);

  // Released after a second without scrapes, by a task that runs every second: bounded wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (SpareChunks::Shared().size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(SpareChunks::Shared().size(), 0u);
  exporter.Stop();
}

}  // namespace
}  // namespace netif
