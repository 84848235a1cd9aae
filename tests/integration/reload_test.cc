// Config reload against the built exporter and a real kernel: in a private network namespace with
// two veth pairs, the exporter runs with a config file; the test rewrites the file and sends
// SIGHUP. Checks:
//   - a valid file is applied in place: a device the old filter excluded appears, one the new
//     filter excludes goes, and an interface the change did not touch keeps its state (its link
//     transition count, which a rebuilt store would have restarted at 0);
//   - analytics settings change in place (a new window list) without losing that state;
//   - an invalid file changes nothing: one error line, the old config keeps running,
//     netif_exporter_config_last_reload_successful drops to 0 (and back to 1 on the next valid
//     load, with a newer success timestamp);
//   - compat.node_exporter switches the node_network_* families on and off in place, without
//     rebuilding the sources;
//   - SNMP targets are added and removed in place: a target the change keeps never loses its
//     series, an added one appears, a removed one's series and target metrics vanish.
//
// Needs root to make the namespace; FAILS (never skips) without it. Every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/snmp/agents.h"
#include "support/snmp/snmp_test_env.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

constexpr auto kWaitLimit = 20s;

std::string ConfigExcluding(const std::string& exclude, const std::string& windows = "[1m, 5m]") {
  return "collection:\n  interval: 200ms\n"
         "local:\n  device_include: \"v.*\"\n  device_exclude: \"" +
         exclude + "\"\nanalytics:\n  windows: " + windows + "\n";
}

bool HasDevice(const Exposition& scrape, const std::string& device) {
  return !scrape.Find("netif_admin_up", {{"device", device}}).empty();
}

std::optional<double> TransitionsDown(const Exposition& scrape, const std::string& device) {
  return scrape.Value("netif_link_transitions_total", {{"device", device}, {"direction", "down"}});
}

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();
    netns_->CreateVethPair("vA", "vA2");
    netns_->CreateVethPair("vB", "vB2");
    for (const char* device : {"vA", "vA2", "vB", "vB2"}) netns_->SetUp(device);
    config_path_ = dir_.WriteFile("netif.yml", ConfigExcluding("vB.*"));
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    options.args = {"--config.file=" + config_path_, "--log.level=debug"};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  void Rewrite(const std::string& contents) { dir_.WriteFile("netif.yml", contents); }

  void Hangup() { ASSERT_TRUE(exporter_->process().Signal(SIGHUP)); }

  // Flaps vA `times` times and waits until the exporter counted every flap.
  void FlapAndWait(int times) {
    const double before =
        TransitionsDown(
            ScrapeUntil(
                *exporter_,
                [](const Exposition& s) { return TransitionsDown(s, "vA").has_value(); },
                kWaitLimit),
            "vA")
            .value_or(-1);
    ASSERT_GE(before, 0);
    for (int i = 0; i < times; ++i) {
      netns_->SetDown("vA");
      netns_->SetUp("vA");
    }
    const auto after = ScrapeUntil(
        *exporter_, [&](const Exposition& s) { return TransitionsDown(s, "vA") == before + times; },
        kWaitLimit);
    ASSERT_EQ(TransitionsDown(after, "vA"), before + times);
  }

  TempDir dir_;
  std::string config_path_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // after netns_: stopped before it is deleted
};

TEST_F(ReloadTest, ValidFileIsAppliedInPlaceAndUntouchedInterfacesKeepTheirState) {
  FlapAndWait(3);
  const Exposition before = ScrapeUntil(
      *exporter_, [](const Exposition&) { return true; }, 5s);
  ASSERT_TRUE(HasDevice(before, "vA"));
  ASSERT_FALSE(HasDevice(before, "vB"));
  const double transitions = TransitionsDown(before, "vA").value_or(-1);
  ASSERT_GE(transitions, 3);
  const double loaded_at =
      before.Value("netif_exporter_config_last_reload_success_timestamp_seconds").value_or(0);
  EXPECT_EQ(before.Value("netif_exporter_config_last_reload_successful"), 1);

  // The filter now takes vB in and leaves vA2 out; the windows change too.
  Rewrite(ConfigExcluding("vA2", "[1m, 15m]"));
  std::this_thread::sleep_for(1100ms);  // a success timestamp that can only be newer
  Hangup();
  const Exposition after = ScrapeUntil(
      *exporter_,
      [](const Exposition& s) {
        // The new 15m window has a value from the first sample after the reload on.
        return HasDevice(s, "vB") && !HasDevice(s, "vA2") &&
               !s.Find("netif_utilization_average_ratio", {{"window", "15m"}}).empty();
      },
      kWaitLimit);
  EXPECT_TRUE(HasDevice(after, "vB"));
  EXPECT_FALSE(HasDevice(after, "vA2"));
  EXPECT_EQ(TransitionsDown(after, "vA"), transitions) << "vA's state was not kept";
  EXPECT_FALSE(after.Find("netif_utilization_average_ratio", {{"window", "15m"}}).empty());
  EXPECT_TRUE(after.Find("netif_utilization_average_ratio", {{"window", "5m"}}).empty());
  EXPECT_EQ(after.Value("netif_exporter_config_last_reload_successful"), 1);
  EXPECT_GT(after.Value("netif_exporter_config_last_reload_success_timestamp_seconds").value_or(0),
            loaded_at);
  // Flaps after the reload still count, on top of the kept count.
  FlapAndWait(1);
  EXPECT_TRUE(exporter_->ErrorLines().empty()) << exporter_->Stderr();
}

TEST_F(ReloadTest, CompatModeIsSwitchedInPlace) {
  const auto served = [](const Exposition& s) {
    return !s.Find("node_network_up", {{"device", "vA"}}).empty();
  };
  const Exposition before = ScrapeUntil(
      *exporter_, [](const Exposition& s) { return HasDevice(s, "vA"); }, kWaitLimit);
  ASSERT_TRUE(HasDevice(before, "vA"));
  EXPECT_FALSE(served(before));

  Rewrite(ConfigExcluding("vB.*") + "compat:\n  node_exporter: true\n");
  Hangup();
  const Exposition on = ScrapeUntil(*exporter_, served, kWaitLimit);
  EXPECT_TRUE(served(on));
  EXPECT_TRUE(on.Find("node_network_up", {{"device", "vB"}}).empty()) << "vB is excluded";
  EXPECT_TRUE(HasDevice(on, "vA")) << "the netif_* families stay";
  // Only the renderer changed: the sources were not rebuilt.
  EXPECT_TRUE(exporter_->process().WaitForOutput(
      [](const std::string&, const std::string& err) {
        return err.find("changed=compat\n") != std::string::npos;
      },
      kWaitLimit))
      << exporter_->Stderr();

  Rewrite(ConfigExcluding("vB.*"));
  Hangup();
  const Exposition off = ScrapeUntil(
      *exporter_, [&](const Exposition& s) { return !served(s); }, kWaitLimit);
  EXPECT_FALSE(served(off));
  EXPECT_TRUE(HasDevice(off, "vA"));
  EXPECT_TRUE(exporter_->ErrorLines().empty()) << exporter_->Stderr();
}

TEST_F(ReloadTest, InvalidFileChangesNothing) {
  FlapAndWait(2);
  const double transitions =
      TransitionsDown(ScrapeUntil(
                          *exporter_, [](const Exposition&) { return true; }, 5s),
                      "vA")
          .value_or(-1);
  Rewrite("local:\n  device_exclude: \"vB.*\"\n  no_such_key: 1\n");
  Hangup();
  const Exposition failed = ScrapeUntil(
      *exporter_,
      [](const Exposition& s) {
        return s.Value("netif_exporter_config_last_reload_successful") == 0;
      },
      kWaitLimit);
  EXPECT_EQ(failed.Value("netif_exporter_config_last_reload_successful"), 0);
  EXPECT_TRUE(HasDevice(failed, "vA"));
  EXPECT_FALSE(HasDevice(failed, "vB"));
  EXPECT_EQ(TransitionsDown(failed, "vA"), transitions);
  const auto errors = exporter_->ErrorLines();
  ASSERT_EQ(errors.size(), 1u) << exporter_->Stderr();
  EXPECT_NE(errors[0].find("no_such_key"), std::string::npos) << errors[0];
  // The old config still runs: collection goes on (flaps are still counted).
  FlapAndWait(1);

  // A valid file again: back to 1.
  Rewrite(ConfigExcluding("vB.*"));
  Hangup();
  const Exposition fixed = ScrapeUntil(
      *exporter_,
      [](const Exposition& s) {
        return s.Value("netif_exporter_config_last_reload_successful") == 1;
      },
      kWaitLimit);
  EXPECT_EQ(fixed.Value("netif_exporter_config_last_reload_successful"), 1);
}

// Every port series of `target` (netif_admin_up is one per port).
size_t Ports(const Exposition& scrape, const std::string& target) {
  return scrape.Find("netif_admin_up", {{"target", target}}).size();
}

std::string SnmpTarget(const std::string& name, const SnmpdAgent& agent) {
  return "    - {name: " + name + ", address: \"" + agent.UdpAddress() + "\", community: public}\n";
}

TEST_F(ReloadTest, SnmpTargetsAreAddedAndRemovedInPlace) {
  SnmpdAgent::Options options;
  options.netns = netns_->name();
  SnmpdAgent agent(options);
  Rewrite(SnmpOnlyConfig(SnmpTarget("sw-a", agent)));
  Hangup();
  const Exposition first = ScrapeUntil(
      *exporter_, [](const Exposition& s) { return Ports(s, "sw-a") >= 4; }, kWaitLimit);
  ASSERT_GE(Ports(first, "sw-a"), 4u) << "snmpd in the namespace lists lo and the four veths";
  const size_t ports = Ports(first, "sw-a");
  EXPECT_FALSE(HasDevice(first, "vA")) << "local collection is off in the new config";

  Rewrite(SnmpOnlyConfig(SnmpTarget("sw-a", agent) + SnmpTarget("sw-b", agent)));
  Hangup();
  // Scraped all through the reload: the kept target never loses a port.
  size_t fewest = ports;
  const Exposition both = ScrapeUntil(
      *exporter_,
      [&](const Exposition& s) {
        fewest = std::min(fewest, Ports(s, "sw-a"));
        return Ports(s, "sw-b") == ports;
      },
      kWaitLimit, 50ms);
  EXPECT_EQ(Ports(both, "sw-b"), ports);
  EXPECT_EQ(fewest, ports) << "sw-a lost series during the reload";
  EXPECT_EQ(both.Value("netif_snmp_targets"), 2);

  Rewrite(SnmpOnlyConfig(SnmpTarget("sw-b", agent)));
  Hangup();
  const Exposition only_b = ScrapeUntil(
      *exporter_, [](const Exposition& s) { return Ports(s, "sw-a") == 0; }, kWaitLimit);
  EXPECT_EQ(Ports(only_b, "sw-a"), 0u);
  EXPECT_FALSE(TargetUp(only_b, "sw-a").has_value());
  EXPECT_EQ(Ports(only_b, "sw-b"), ports);
  EXPECT_EQ(only_b.Value("netif_snmp_targets"), 1);
  EXPECT_TRUE(exporter_->ErrorLines().empty()) << exporter_->Stderr();
}

}  // namespace
}  // namespace netif::testing_support
