// End to end on the fixture host: the built exporter reads tests/fixtures/host1/{proc,sys}, and its
// scrape, minus the lines that legitimately vary (process_*, collector durations, the build's
// revision and compiler), must equal tests/fixtures/host1/expected.prom byte for byte.
//
// To regenerate the golden file after an intended change:
//   NETIF_UPDATE_GOLDEN=1 build/tests/integration/e2e_golden_test --gtest_filter='*Golden*'
//   git diff tests/fixtures/host1/expected.prom   # review every changed line by eye
// The update run rewrites the file and then fails on purpose, so an update never passes
// silently (in CI, say); rerun without the variable to check.
//
// The full live scrape (nothing dropped) must also pass `promtool check metrics` (exit 0: no
// parse errors and no lint problems), and the gzip-encoded response must decode to the same
// exposition.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/http_client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "util/build_info.h"

namespace netif::testing_support {
namespace {

// One sample only: the first pass runs before the server starts, and a one-hour interval means
// no second pass (and so no rates or other two-sample analytics) before the scrape. Analytics
// windows must be at least the interval, hence the 1h windows. Every family (profile full), so
// that the golden file pins the format of those the default profile leaves out too.
constexpr char kGoldenConfig[] =
    "metrics:\n"
    "  profile: full\n"
    "collection:\n"
    "  interval: 1h\n"
    "local:\n"
    "  netlink: false\n"
    "analytics:\n"
    "  windows: [1h]\n"
    "  health:\n"
    "    window: 1h\n";

std::string GoldenPath() { return SourcePath("tests/fixtures/host1/expected.prom"); }

// The family a line of the exposition belongs to: the name after "# HELP"/"# TYPE", or the
// sample's metric name.
std::string LineFamily(const std::string& line) {
  if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
    return line.substr(7, line.find(' ', 7) - 7);
  }
  return line.substr(0, line.find_first_of("{ "));
}

// Families whose values differ from run to run: timings and the process' own resources.
bool Varies(const std::string& family) {
  return family.starts_with("process_") || family == "netif_scrape_collector_duration_seconds" ||
         family == "netif_exporter_config_last_reload_success_timestamp_seconds" ||
         family == "netif_scrape_collector_last_success_timestamp_seconds";
}

// The scrape with varying lines dropped and build-specific label values replaced by
// placeholders (the live values are checked in BuildInfoNamesThisBuild).
std::string Normalize(const std::string& scrape) {
  static const std::regex build_labels(R"re((version|revision|compiler)="[^"]*")re");
  std::istringstream in(scrape);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    const std::string family = LineFamily(line);
    if (Varies(family)) continue;
    if (family == "netif_exporter_build_info" && line[0] != '#') {
      line = std::regex_replace(line, build_labels, "$1=\"<$1>\"");
    }
    out += line + "\n";
  }
  return out;
}

std::string Diff(const TempDir& dir, const std::string& expected_path, const std::string& actual) {
  const std::string actual_path = dir.WriteFile("actual.prom", actual);
  return RunCommand({"diff", "-u", expected_path, actual_path}, 30s).stdout_text;
}

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exporter_ = std::make_unique<ExporterProcess>(FixtureExporterOptions(dir_, kGoldenConfig));
  }

  std::string ScrapeOrEmpty() { return exporter_->Scrape().value_or(""); }

  TempDir dir_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(GoldenTest, ScrapeMatchesGoldenFile) {
  const std::string actual = Normalize(ScrapeOrEmpty());
  ASSERT_FALSE(actual.empty());
  if (const char* update = std::getenv("NETIF_UPDATE_GOLDEN");
      update && std::string(update) == "1") {
    std::ofstream golden(GoldenPath(), std::ios::binary | std::ios::trunc);
    golden << actual;
    golden.close();
    ASSERT_TRUE(golden) << "cannot write " << GoldenPath();
    FAIL() << "rewrote " << GoldenPath()
           << "; review it (git diff) and rerun without NETIF_UPDATE_GOLDEN";
  }
  const std::string expected = ReadFileOrThrow(GoldenPath());
  // Not EXPECT_EQ: gtest would print both whole files; the diff is what a reader needs.
  EXPECT_TRUE(expected == actual)
      << "the scrape differs from the golden file (- golden, + scrape):\n"
      << Diff(dir_, GoldenPath(), actual)
      << "If the change is intended, regenerate with NETIF_UPDATE_GOLDEN=1 (see the top of "
         "e2e_golden_test.cc) and review the diff.";
}

TEST_F(GoldenTest, LiveScrapePassesPromtool) {
  const std::string scrape = ScrapeOrEmpty();
  ASSERT_FALSE(scrape.empty());
  const std::string file = dir_.WriteFile("scrape.prom", scrape);
  Subprocess::Options options;
  options.stdin_path = file;
  const CommandResult result = RunCommand({"promtool", "check", "metrics"}, 60s, options);
  const std::string output = result.stdout_text + result.stderr_text;
  if (!output.empty()) std::cout << "promtool check metrics says:\n" << output;
  // Exit 1 is a parse error, 3 a lint problem (e.g. a counter without _total); both fail.
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(output.find("error"), std::string::npos) << output;
}

TEST_F(GoldenTest, ScrapeParsesAndCarriesTheFixtureValues) {
  const Exposition scrape = ParseExposition(ScrapeOrEmpty());
  ASSERT_TRUE(scrape.errors.empty()) << ::testing::PrintToString(scrape.errors);

  // The six fixture devices, the byte 0xff in a name written as the text "\xFF".
  std::set<std::string> devices;
  for (const Sample* s : scrape.Find("netif_receive_bytes_total"))
    devices.insert(s->labels.at("device"));
  EXPECT_EQ(devices, (std::set<std::string>{"lo", "eth0", "eth1", "veth7a3f", "br0", "bad\\xFF0"}));

  // A counter at 2^64-1 is written exactly, not rounded through a double.
  const auto eth0_rx = scrape.Find("netif_receive_bytes_total", {{"device", "eth0"}});
  ASSERT_EQ(eth0_rx.size(), 1u);
  EXPECT_EQ(eth0_rx[0]->value_text, "18446744073709551615");
  EXPECT_EQ(scrape.Value("netif_transmit_packets_total", {{"device", "veth7a3f"}}), 51200);
  EXPECT_EQ(scrape.Value("netif_transmit_drops_total", {{"device", "bad\\xFF0"}}), 1);

  // The alias `uplink "core" \ 1` survives escaping and unescaping intact.
  const auto eth0_info = scrape.Find("netif_info", {{"device", "eth0"}});
  ASSERT_EQ(eth0_info.size(), 1u);
  EXPECT_EQ(eth0_info[0]->labels.at("ifalias"), "uplink \"core\" \\ 1");

  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "procfs"}}), 1);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "sysfs"}}), 1);
}

TEST_F(GoldenTest, BuildInfoNamesThisBuild) {
  const Exposition scrape = ParseExposition(ScrapeOrEmpty());
  const auto info = scrape.Find("netif_exporter_build_info");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0]->labels.at("version"), BuildVersion());
  EXPECT_EQ(info[0]->labels.at("revision"), BuildRevision());
  EXPECT_FALSE(info[0]->labels.at("compiler").empty());
  EXPECT_EQ(info[0]->value, 1);
}

TEST_F(GoldenTest, GzipResponseDecompressesToTheSameExposition) {
  const auto plain = exporter_->Scrape();
  ASSERT_TRUE(plain.has_value());
  const auto response = exporter_->Get("/metrics", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(response.has_value());
  ASSERT_EQ(response->status, 200);
  EXPECT_EQ(HeaderValue(response->headers, "Content-Encoding"), "gzip") << response->headers;
  const auto body = Gunzip(response->body);
  ASSERT_TRUE(body.has_value()) << "not valid gzip (" << response->body.size() << " bytes)";
  const Exposition decoded = ParseExposition(*body);
  EXPECT_TRUE(decoded.errors.empty()) << ::testing::PrintToString(decoded.errors);
  // No second sample can happen (1h interval): apart from process_* and timings the two
  // responses must be identical.
  EXPECT_EQ(Normalize(*body), Normalize(*plain));
}

}  // namespace
}  // namespace netif::testing_support
