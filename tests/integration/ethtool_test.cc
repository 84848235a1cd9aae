// The ethtool source against a real kernel, in a private network namespace with veth pairs (a
// veth has driver statistics: peer_ifindex and per-queue XDP counters). Checks, against
// independent readers:
//   - with local.ethtool.device_include naming the veths, netif_ethtool_peer_ifindex is what
//     `ethtool -S` says and the peer's ifindex, netif_ethtool_info names the driver as
//     `ethtool -i` does, and every node_ethtool_<stat> node_exporter 1.5 serves for the veths
//     (--collector.ethtool) is served here as netif_ethtool_<stat>, untyped, with the same value;
//   - with the default config (physical devices only) a veth has no netif_ethtool_* at all;
//   - a veth deleted between passes does not fail the collector, and its statistics go with it.
//
// Needs root, `ethtool` and `prometheus-node-exporter` (scripts/install-deps.sh); FAILS, never
// skips, without them. Everything happens inside the namespace the test made.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

constexpr auto kWaitLimit = 20s;
// node_exporter cannot say which port it took; the namespace's loopback is the test's own, so a
// fixed port cannot meet anyone else's.
constexpr int kNodeExporterPort = 19100;

// `ethtool -S <device>` inside the namespace, as {statistic: value}.
std::map<std::string, uint64_t> EthtoolStatistics(const NetworkNamespace& netns,
                                                  const std::string& device) {
  const CommandResult result = netns.Run("ethtool -S " + device);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
  std::map<std::string, uint64_t> stats;
  std::istringstream lines(result.stdout_text);
  const std::regex line(R"(^\s+(\S+): (\d+)$)");
  for (std::string text; std::getline(lines, text);) {
    std::smatch match;
    if (std::regex_match(text, match, line)) stats[match[1]] = std::stoull(match[2]);
  }
  return stats;
}

// The value of `key` in `ethtool -i <device>` ("driver", "version", ...).
std::string EthtoolInfo(const NetworkNamespace& netns, const std::string& device,
                        const std::string& key) {
  const CommandResult result = netns.Run("ethtool -i " + device);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
  std::istringstream lines(result.stdout_text);
  for (std::string text; std::getline(lines, text);) {
    if (text.starts_with(key + ": ")) return text.substr(key.size() + 2);
  }
  return "<no " + key + ">";
}

bool HasStatisticOf(const Exposition& scrape, const std::string& device) {
  for (const Sample& sample : scrape.samples) {
    if (sample.name.starts_with("netif_ethtool_") && sample.labels.count("device") != 0 &&
        sample.labels.at("device") == device) {
      return true;
    }
  }
  return false;
}

class EthtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();
    netns_->CreateVethPair("eA", "eB");
    netns_->SetUp("eA");
    netns_->SetUp("eB");
  }

  void TearDown() override {
    if (!exporter_) return;
    const auto errors = exporter_->ErrorLines();
    EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
  }

  void StartExporter(const std::string& ethtool_yaml) {
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    const std::string config = "local:\n  ethtool:\n    interval: 1s\n" + ethtool_yaml;
    options.args = {"--config.file",         dir_.WriteFile("netif_exporter.yml", config),
                    "--collection.interval", "200ms",
                    "--log.level",           "debug"};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  Exposition ScrapeUntil(const std::function<bool(const Exposition&)>& done) {
    return testing_support::ScrapeUntil(*exporter_, done, kWaitLimit);
  }

  // node_exporter 1.5's ethtool collector on the same devices, in the same namespace.
  Exposition NodeExporterScrape(const std::string& device_include) {
    std::vector<std::string> argv = netns_->ExecPrefix();
    argv.insert(argv.end(),
                {"prometheus-node-exporter", "--collector.disable-defaults", "--collector.ethtool",
                 "--collector.ethtool.device-include=" + device_include,
                 "--web.listen-address=127.0.0.1:" + std::to_string(kNodeExporterPort)});
    Subprocess node_exporter(argv);
    std::optional<HttpResponse> response;
    const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
    while (std::chrono::steady_clock::now() < deadline) {
      response = HttpGetInNetns(netns_->name(), "127.0.0.1", kNodeExporterPort, "/metrics");
      if (response && response->status == 200) break;
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(response && response->status == 200)
        << "node_exporter did not answer: " << node_exporter.Stderr();
    return response ? ParseExposition(response->body) : Exposition{};
  }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(EthtoolTest, IncludedVethsMatchEthtoolAndNodeExporter) {
  StartExporter("    device_include: \"eA|eB\"\n");
  const Exposition scrape = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_ethtool_peer_ifindex", {{"device", "eA"}}).has_value() &&
           s.Value("netif_ethtool_peer_ifindex", {{"device", "eB"}}).has_value();
  });
  const auto links = netns_->IpJsonLinkStats();
  for (const auto& [device, peer] : {std::pair{"eA", "eB"}, std::pair{"eB", "eA"}}) {
    const auto peer_ifindex = scrape.Value("netif_ethtool_peer_ifindex", {{"device", device}});
    ASSERT_TRUE(peer_ifindex.has_value()) << device;
    EXPECT_EQ(*peer_ifindex, EthtoolStatistics(*netns_, device).at("peer_ifindex")) << device;
    EXPECT_EQ(*peer_ifindex, links.at(peer).ifindex) << device;
    EXPECT_EQ(scrape.Value("netif_ethtool_info",
                           {{"device", device},
                            {"driver", "veth"},
                            {"driver_version", EthtoolInfo(*netns_, device, "version")},
                            {"bus_info", ""}}),
              1.0)
        << device;
  }
  ASSERT_EQ(scrape.families.count("netif_ethtool_peer_ifindex"), 1u);
  EXPECT_EQ(scrape.families.at("netif_ethtool_peer_ifindex").type, "untyped");
  EXPECT_TRUE(HasNoDuplicateSeries(scrape));

  // Every statistic node_exporter serves, under our prefix, untyped, with its value (no traffic
  // moves them meanwhile; peer_ifindex never moves).
  const Exposition theirs = NodeExporterScrape("^e[AB]$");
  int compared = 0;
  for (const Sample& sample : theirs.samples) {
    if (!sample.name.starts_with("node_ethtool_") || sample.name == "node_ethtool_info") continue;
    const std::string ours =
        "netif_ethtool_" + sample.name.substr(std::string("node_ethtool_").size());
    const auto value = scrape.Value(ours, {{"device", sample.labels.at("device")}});
    EXPECT_EQ(value, sample.value) << ours << " for " << FormatSeries(sample);
    ASSERT_EQ(scrape.families.count(ours), 1u) << ours;
    EXPECT_EQ(scrape.families.at(ours).type, theirs.families.at(sample.name).type) << ours;
    ++compared;
  }
  EXPECT_GE(compared, 2 * 10) << "node_exporter served fewer veth statistics than expected";
}

TEST_F(EthtoolTest, TheDefaultReadsPhysicalDevicesOnlySoNoVeth) {
  StartExporter("");
  const Exposition scrape = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_scrape_collector_success", {{"collector", "ethtool"}}).has_value() &&
           s.Value("netif_mtu_bytes", {{"device", "eA"}}).has_value();
  });
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "ethtool"}}), 1.0);
  EXPECT_TRUE(scrape.Value("netif_mtu_bytes", {{"device", "eA"}}).has_value());
  EXPECT_FALSE(HasStatisticOf(scrape, "eA"));
  EXPECT_FALSE(HasStatisticOf(scrape, "eB"));
  EXPECT_TRUE(scrape.Find("netif_ethtool_info").empty());
}

TEST_F(EthtoolTest, AVethDeletedBetweenPassesDoesNotFailTheCollector) {
  netns_->CreateVethPair("eC", "eD");
  StartExporter("    device_include: \"e[A-D]\"\n");
  ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_ethtool_peer_ifindex", {{"device", "eC"}}).has_value();
  });
  const auto before = ParsedScrape(*exporter_);
  ASSERT_TRUE(before.has_value());
  const auto last_success = before->Value("netif_scrape_collector_last_success_timestamp_seconds",
                                          {{"collector", "ethtool"}});
  ASSERT_TRUE(last_success.has_value());
  netns_->Delete("eC");  // and its peer eD
  // Two more passes: at least one began after the deletion.
  const Exposition after = ScrapeUntil([&](const Exposition& s) {
    const auto now = s.Value("netif_scrape_collector_last_success_timestamp_seconds",
                             {{"collector", "ethtool"}});
    return now && *now >= *last_success + 2 && !HasStatisticOf(s, "eC");
  });
  EXPECT_EQ(after.Value("netif_scrape_collector_success", {{"collector", "ethtool"}}), 1.0);
  EXPECT_FALSE(HasStatisticOf(after, "eC"));
  EXPECT_FALSE(HasStatisticOf(after, "eD"));
  EXPECT_TRUE(after.Value("netif_ethtool_peer_ifindex", {{"device", "eA"}}).has_value());
  EXPECT_TRUE(after.Find("netif_ethtool_errors_total").empty());
}

}  // namespace
}  // namespace netif::testing_support
