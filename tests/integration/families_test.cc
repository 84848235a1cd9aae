// Choosing metric families (issue 17): the `metrics:` section's per-class family sets, the default
// profile, `collect[]` on one scrape, a reload that changes the sets, and bad patterns. The
// exporter runs in a private network namespace holding a veth pair (class veth), a bridge (class
// bridge) and lo (class virtual-other); each scrape is also held to `promtool check metrics`.
//
// Needs root and promtool; fails, never skips, without them.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

constexpr auto kWaitLimit = 15s;

bool Has(const Exposition& scrape, const std::string& family, const std::string& device) {
  return !scrape.Find(family, {{"device", device}}).empty();
}

class FamiliesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();
    netns_->CreateVethPair("vA", "vB");
    netns_->RunOrThrow("ip link add br0 type bridge");
    netns_->RunOrThrow("ip link set vB master br0");
    for (const char* device : {"vA", "vB", "br0"}) netns_->SetUp(device);
  }

  void Start(const std::string& config_yaml, const std::vector<std::string>& flags = {}) {
    config_path_ = dir_.WriteFile("netif.yml", config_yaml);
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    options.args = {"--config.file=" + config_path_, "--collection.interval=200ms",
                    "--log.level=debug"};
    options.args.insert(options.args.end(), flags.begin(), flags.end());
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  // A scrape once the bridge's kind has arrived from rtnetlink and every device has counters.
  Exposition SettledScrape() {
    return ScrapeUntil(
        *exporter_,
        [](const Exposition& s) {
          return s.Value("netif_info", {{"device", "br0"}, {"kind", "bridge"}}) == 1 &&
                 Has(s, "netif_receive_bytes_total", "vA") &&
                 Has(s, "netif_receive_bytes_total", "lo");
        },
        kWaitLimit);
  }

  // `promtool check metrics` over `body`: exit 0, nothing said.
  void ExpectPromtoolAccepts(const std::string& body) {
    Subprocess::Options promtool;
    promtool.stdin_path = dir_.WriteFile("scrape.prom", body);
    const CommandResult check = RunCommand({"promtool", "check", "metrics"}, 60s, promtool);
    EXPECT_EQ(check.exit_code, 0) << check.Describe();
    EXPECT_EQ(check.stdout_text + check.stderr_text, "") << check.Describe();
  }

  TempDir dir_;
  std::string config_path_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // after netns_: stopped before it is deleted
};

TEST_F(FamiliesTest, TheDefaultProfileServesEveryClassTheSameFamilies) {
  Start("local:\n  device_exclude: vB\n");
  const Exposition scrape = SettledScrape();
  for (const std::string device : {"vA", "br0", "lo"}) {
    SCOPED_TRACE(device);
    EXPECT_TRUE(Has(scrape, "netif_receive_errors_total", device));
    EXPECT_TRUE(Has(scrape, "netif_admin_up", device));
    EXPECT_TRUE(Has(scrape, "netif_oper_up", device));
    EXPECT_TRUE(Has(scrape, "netif_mtu_bytes", device));
    EXPECT_TRUE(Has(scrape, "netif_stats_resets_total", device));
    // Left out of the default profile: what Prometheus computes, and constants.
    EXPECT_FALSE(Has(scrape, "netif_iface_id", device));
    EXPECT_FALSE(Has(scrape, "netif_receive_fifo_errors_total", device));
  }
  EXPECT_TRUE(scrape.families.find("netif_receive_bytes_per_second") == scrape.families.end());
  EXPECT_FALSE(Has(scrape, "netif_receive_bytes_total", "vB"));  // local.device_exclude
  ExpectPromtoolAccepts(exporter_->Scrape().value_or(""));
}

TEST_F(FamiliesTest, AClassSetLeavesFamiliesOutForThatClassOnly) {
  Start(
      "metrics:\n"
      "  profile: full\n"
      "  exclude: [netif_anomalies_total]\n"
      "  classes:\n"
      "    veth: compact\n"
      "    bridge:\n"
      "      exclude: [\"netif_.*_per_second\"]\n");
  Exposition scrape = SettledScrape();
  // The rates need a second sample.
  scrape = ScrapeUntil(
      *exporter_,
      [](const Exposition& s) { return Has(s, "netif_receive_bytes_per_second", "lo"); },
      kWaitLimit);
  // veth: compact.
  EXPECT_TRUE(Has(scrape, "netif_receive_bytes_total", "vA"));
  EXPECT_TRUE(Has(scrape, "netif_oper_up", "vA"));
  EXPECT_TRUE(Has(scrape, "netif_info", "vA"));
  EXPECT_FALSE(Has(scrape, "netif_mtu_bytes", "vA"));
  EXPECT_FALSE(Has(scrape, "netif_receive_bytes_per_second", "vA"));
  EXPECT_FALSE(Has(scrape, "netif_receive_multicast_packets_total", "vA"));
  // bridge: full less its rates.
  EXPECT_TRUE(Has(scrape, "netif_mtu_bytes", "br0"));
  EXPECT_TRUE(Has(scrape, "netif_iface_id", "br0"));
  EXPECT_FALSE(Has(scrape, "netif_receive_bytes_per_second", "br0"));
  // virtual-other (lo): full.
  EXPECT_TRUE(Has(scrape, "netif_receive_bytes_per_second", "lo"));
  EXPECT_TRUE(Has(scrape, "netif_iface_id", "lo"));
  // The global exclude is for everyone.
  EXPECT_TRUE(scrape.families.find("netif_anomalies_total") == scrape.families.end());
  ExpectPromtoolAccepts(exporter_->Scrape().value_or(""));
}

TEST_F(FamiliesTest, CollectNarrowsOneScrape) {
  Start("");
  SettledScrape();
  const auto counters_of_veths = exporter_->Get("/metrics?collect[]=counters&collect[]=veth");
  ASSERT_TRUE(counters_of_veths.has_value());
  ASSERT_EQ(counters_of_veths->status, 200) << counters_of_veths->body;
  const Exposition narrow = ParseExposition(counters_of_veths->body);
  EXPECT_TRUE(narrow.errors.empty()) << ::testing::PrintToString(narrow.errors);
  EXPECT_TRUE(Has(narrow, "netif_receive_bytes_total", "vA"));
  EXPECT_TRUE(Has(narrow, "netif_receive_bytes_total", "vB"));
  EXPECT_FALSE(Has(narrow, "netif_receive_bytes_total", "br0"));
  EXPECT_FALSE(Has(narrow, "netif_receive_bytes_total", "lo"));
  for (const std::string& family : narrow.SampledFamilies()) {
    EXPECT_TRUE(family.starts_with("netif_receive_") || family.starts_with("netif_transmit_"))
        << family << " is not a counter";
  }
  EXPECT_TRUE(narrow.Find("netif_exporter_build_info").empty());  // no self group asked for
  ExpectPromtoolAccepts(counters_of_veths->body);

  const auto self = exporter_->Get("/metrics?collect[]=self");
  ASSERT_TRUE(self.has_value());
  ASSERT_EQ(self->status, 200);
  const Exposition own = ParseExposition(self->body);
  EXPECT_EQ(own.Value("netif_exporter_build_info").value_or(0), 1);
  EXPECT_TRUE(own.Find("process_open_fds").size() == 1);
  EXPECT_TRUE(own.Find("netif_receive_bytes_total").empty());

  const auto bad = exporter_->Get("/metrics?collect[]=netdev");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body.rfind("unknown collect[] value \"netdev\"; valid: counters, link,", 0), 0u)
      << bad->body;
}

TEST_F(FamiliesTest, AReloadAppliesNewFamilySetsAtTheNextScrape) {
  Start("");
  ASSERT_TRUE(Has(SettledScrape(), "netif_mtu_bytes", "vA"));
  dir_.WriteFile("netif.yml", "metrics:\n  classes:\n    veth: compact\n");
  ASSERT_TRUE(exporter_->process().Signal(SIGHUP));
  const Exposition after = ScrapeUntil(
      *exporter_, [](const Exposition& s) { return !Has(s, "netif_mtu_bytes", "vA"); }, kWaitLimit);
  EXPECT_FALSE(Has(after, "netif_mtu_bytes", "vA"));
  EXPECT_TRUE(Has(after, "netif_mtu_bytes", "br0"));
  EXPECT_TRUE(Has(after, "netif_receive_bytes_total", "vA"));
  EXPECT_EQ(after.Value("netif_exporter_config_last_reload_successful"), 1);
  EXPECT_NE(exporter_->Stderr().find("msg=\"configuration reloaded\" changed=metrics"),
            std::string::npos)
      << exporter_->Stderr();
}

TEST_F(FamiliesTest, DeviceFlagsInNodeExportersSpellingOverrideTheFile) {
  Start("local:\n  device_exclude: vA\n",
        {"--collector.netdev.device-include=v.*|br0", "--collector.netdev.device-exclude=vB"});
  const Exposition scrape = ScrapeUntil(
      *exporter_, [](const Exposition& s) { return Has(s, "netif_receive_bytes_total", "vA"); },
      kWaitLimit);
  EXPECT_TRUE(Has(scrape, "netif_receive_bytes_total", "vA"));  // the flag replaced the key
  EXPECT_TRUE(Has(scrape, "netif_receive_bytes_total", "br0"));
  EXPECT_FALSE(Has(scrape, "netif_receive_bytes_total", "vB"));
  EXPECT_FALSE(Has(scrape, "netif_receive_bytes_total", "lo"));  // not in the include
}

TEST(FamiliesCheckConfigTest, ABadPatternIsOneLineAndExit2) {
  TempDir dir;
  const std::string file =
      dir.WriteFile("bad.yml", "metrics:\n  classes:\n    veth:\n      exclude: [\"netif_(\"]\n");
  const CommandResult result =
      RunCommand({ExporterBinary(), "--config.file", file, "--check-config"}, 20s);
  EXPECT_EQ(result.exit_code, 2) << result.Describe();
  EXPECT_EQ(result.stderr_text,
            "netif_exporter: config error: " + file +
                ":4: metrics.classes.veth.exclude[0]: invalid regular expression \"netif_(\": "
                "missing ): netif_(\n");
}

}  // namespace
}  // namespace netif::testing_support
