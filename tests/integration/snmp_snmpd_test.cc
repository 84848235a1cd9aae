// The SNMP collector against a real agent: Debian's snmpd, started by the test inside a private
// network namespace that also holds veth pairs, so the agent's IF-MIB shows them. The exporter
// runs in the same namespace and polls it over SNMPv2c (UDP and TCP) and SNMPv3 authPriv.
//  - every veth's counters, as exported, equal `ip -s -j link` in the namespace after raw frames
//    (EtherType 0x88B5) were sent across the pairs;
//  - paced traffic across a pair shows up as a rate and a utilization;
//  - a wrong community and a wrong password each give target_up 0 and a clear log line within
//    the target's timeout, while a good target on the same agent stays up;
//  - snmpd's EtherLike-MIB dot3StatsTable (issue 19): each veth's dot3 counters as the agent
//    answers them (snmpget), its duplex in netif_info, no dot3 series for lo, which has no row.
//
// Needs root (namespaces, AF_PACKET); FAILS without it, never skips. Everything started here
// (agent, exporter, namespace) is torn down by RAII even when a check fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/snmp/agents.h"
#include "support/snmp/snmp_test_env.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kCommunity[] = "netif-test-ro";
const SnmpV3User kMonitor{"monitor", "SHA", "monitor-auth-secret", "AES", "monitor-priv-secret"};
const SnmpV3User kAuditor{"auditor", "SHA", "auditor-auth-secret", "AES", "auditor-priv-secret"};
const std::vector<std::string> kDevices = {"vA0", "vB0", "vA1", "vB1"};

class SnmpdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    ns_ = std::make_unique<NetworkNamespace>();
    ns_->CreateVethPair("vA0", "vB0");
    ns_->CreateVethPair("vA1", "vB1");
    for (const std::string& device : kDevices) ns_->SetUp(device);
    SnmpdAgent::Options options;
    options.community = kCommunity;
    options.users = {kMonitor, kAuditor};
    options.with_tcp = true;
    options.netns = ns_->name();
    agent_ = std::make_unique<SnmpdAgent>(options);
  }

  std::unique_ptr<ExporterProcess> StartExporter(
      const std::string& targets,
      const std::string& defaults = "{interval: 1s, timeout: 1s, retries: 1}") {
    return std::make_unique<ExporterProcess>(
        SnmpExporterOptions(dir_, SnmpOnlyConfig(targets, defaults), ns_->name()));
  }

  std::string Udp() const { return agent_->UdpAddress(); }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> ns_;
  std::unique_ptr<SnmpdAgent> agent_;
};

struct Want {
  std::string metric;
  uint64_t IpLinkStats::*field;
};
const std::vector<Want> kCounters = {
    {"netif_receive_bytes_total", &IpLinkStats::rx_bytes},
    {"netif_transmit_bytes_total", &IpLinkStats::tx_bytes},
    {"netif_receive_packets_total", &IpLinkStats::rx_packets},
    {"netif_transmit_packets_total", &IpLinkStats::tx_packets},
    {"netif_receive_errors_total", &IpLinkStats::rx_errors},
    {"netif_transmit_errors_total", &IpLinkStats::tx_errors},
    {"netif_receive_drops_total", &IpLinkStats::rx_dropped},
    {"netif_transmit_drops_total", &IpLinkStats::tx_dropped},
};

// Every counter of every veth of `target` equals the kernel's; the mismatches otherwise.
std::vector<std::string> Mismatches(const Exposition& scrape, const std::string& target,
                                    const std::map<std::string, IpLinkStats>& kernel) {
  std::vector<std::string> wrong;
  for (const Want& want : kCounters) {
    const auto ports = PortsByName(scrape, want.metric, target);
    for (const std::string& device : kDevices) {
      const auto port = ports.find(device);
      const uint64_t expected = kernel.at(device).*want.field;
      if (port == ports.end()) {
        wrong.push_back(target + " " + device + " " + want.metric + ": absent");
      } else if (port->second->value_text != std::to_string(expected)) {
        wrong.push_back(target + " " + device + " " + want.metric + ": " +
                        port->second->value_text + " != " + std::to_string(expected));
      }
    }
  }
  return wrong;
}

TEST_F(SnmpdTest, PortCountersMatchIpLinkOverV2cV3AndTcp) {
  const std::string community_file = dir_.WriteFile("community", std::string(kCommunity) + "\n");
  const std::string priv_file = dir_.WriteFile("priv", kMonitor.priv_password);
  ::setenv("NETIF_TEST_SNMP_AUTH", kMonitor.auth_password.c_str(), 1);  // inherited by the exporter
  auto exporter = StartExporter(
      "    - {name: v2c, address: \"" + Udp() + "\", community_file: " + community_file +
      ", labels: {site: lab}}\n"
      "    - name: v3\n"
      "      address: \"udp://" +
      Udp() +
      "\"\n"
      "      version: 3\n"
      "      username: " +
      kMonitor.name +
      "\n"
      "      security_level: authPriv\n"
      "      auth_protocol: SHA\n"
      "      auth_password_env: NETIF_TEST_SNMP_AUTH\n"
      "      priv_protocol: AES\n"
      "      priv_password_file: " +
      priv_file +
      "\n"
      "    - {name: tcp, address: \"tcp://127.0.0.1:" +
      std::to_string(agent_->tcp_port()) + "\", community: " + kCommunity + "}\n");

  // Traffic both ways across both pairs; exact frame counts and sizes.
  ns_->SendRawFrames("vA0", 1000, 700);
  ns_->SendRawFrames("vB0", 250, 100);
  ns_->SendRawFrames("vA1", 300, 1514);
  const auto kernel = ns_->IpJsonLinkStats();
  ASSERT_EQ(kernel.at("vB0").rx_packets, 1000u);
  std::vector<std::string> wrong;
  const Exposition scrape = ScrapeUntil(
      *exporter,
      [&](const Exposition& s) {
        wrong.clear();
        for (const std::string target : {"v2c", "v3", "tcp"}) {
          const auto more = Mismatches(s, target, kernel);
          wrong.insert(wrong.end(), more.begin(), more.end());
        }
        return wrong.empty();
      },
      20s);
  EXPECT_TRUE(wrong.empty()) << ::testing::PrintToString(wrong);
  for (const std::string target : {"v2c", "v3", "tcp"}) {
    EXPECT_EQ(TargetUp(scrape, target), 1) << target;
    EXPECT_EQ(SnmpErrors(scrape, target, "auth"), 0) << target;
  }
  // What IF-MIB says about a veth, as the exporter shows it.
  const Labels vb0 = {{"target", "v2c"}, {"ifName", "vB0"}};
  EXPECT_EQ(scrape.Find("netif_receive_bytes_total", vb0).at(0)->labels.at("ifIndex"),
            std::to_string(kernel.at("vB0").ifindex));
  EXPECT_EQ(scrape.Find("netif_receive_bytes_total", vb0).at(0)->labels.at("site"), "lab");
  EXPECT_EQ(scrape.Value("netif_speed_bytes", vb0), 10e9 / 8);  // ifSpeed saturated: ifHighSpeed
  EXPECT_EQ(scrape.Value("netif_oper_up", vb0), 1);
  EXPECT_EQ(scrape.Value("netif_admin_up", vb0), 1);
  EXPECT_EQ(scrape.Value("netif_mtu_bytes", vb0), 1500);
  EXPECT_EQ(scrape.Value("netif_iface_id", vb0), kernel.at("vB0").ifindex);
  EXPECT_GE(scrape.Value("netif_snmp_pdus_sent_total", {{"target", "v3"}}).value_or(0), 2);
}

TEST_F(SnmpdTest, TrafficAcrossAPairShowsAsARate) {
  auto exporter = StartExporter("    - {name: sw, address: \"" + Udp() +
                                "\", community: " + kCommunity + "}\n");
  ASSERT_EQ(
      TargetUp(ScrapeUntil(
                   *exporter, [](const Exposition& s) { return TargetUp(s, "sw") == 1; }, 10s),
               "sw"),
      1);
  // 200 frames of 1000 bytes every 100 ms: 2,000,000 bytes/s into vB0, for 8 s.
  constexpr double kBytesPerSecond = 2'000'000;
  std::vector<double> rates;
  std::vector<double> utilizations;
  const auto start = std::chrono::steady_clock::now();
  auto next_scrape = start + 3s;  // let the first intervals with traffic pass
  for (int tick = 0; tick < 80; ++tick) {
    ns_->SendRawFrames("vA0", 200, 1000);
    std::this_thread::sleep_until(start + (tick + 1) * 100ms);
    if (std::chrono::steady_clock::now() >= next_scrape) {
      next_scrape += 1s;
      if (auto body = exporter->Scrape()) {
        const Exposition scrape = ParseExposition(*body);
        const Labels vb0 = {{"target", "sw"}, {"ifName", "vB0"}};
        const auto rate = scrape.Value("netif_receive_bytes_per_second", vb0);
        const auto utilization = scrape.Value("netif_utilization_ratio", vb0);
        if (rate && utilization) {
          rates.push_back(*rate);
          utilizations.push_back(*utilization);
        }
      }
    }
  }
  ASSERT_GE(rates.size(), 4u);
  double sum = 0;
  for (double rate : rates) sum += rate;
  const double mean = sum / static_cast<double>(rates.size());
  // The agent refreshes its counters on its own schedule, so one interval may see more or less
  // than the wire rate; the mean over several cannot.
  EXPECT_NEAR(mean, kBytesPerSecond, 0.3 * kBytesPerSecond) << ::testing::PrintToString(rates);
  // Utilization against the speed IF-MIB reports for a veth (ifHighSpeed 10000 Mb/s).
  double utilization_sum = 0;
  for (double u : utilizations) utilization_sum += u;
  EXPECT_NEAR(utilization_sum / static_cast<double>(utilizations.size()), mean * 8 / 10e9,
              0.01 * mean * 8 / 10e9)
      << ::testing::PrintToString(utilizations);
}

TEST_F(SnmpdTest, WrongCommunityAndWrongPasswordFailFastAndClearly) {
  auto exporter = StartExporter(
      "    - {name: good, address: \"" + Udp() + "\", community: " + kCommunity +
          "}\n"
          "    - {name: wrong-community, address: \"" +
          Udp() +
          "\", community: not-the-one}\n"
          "    - {name: wrong-password, address: \"" +
          Udp() + "\", version: 3, username: " + kAuditor.name +
          ", auth_password: not-the-password, priv_password: " + kAuditor.priv_password + "}\n",
      "{interval: 2s, timeout: 500ms, retries: 1}");
  const auto started = std::chrono::steady_clock::now();
  const Exposition scrape = ScrapeUntil(
      *exporter,
      [](const Exposition& s) {
        return TargetUp(s, "good") == 1 && SnmpErrors(s, "wrong-community", "timeout") >= 1 &&
               SnmpErrors(s, "wrong-password", "auth") >= 1;
      },
      10s);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(TargetUp(scrape, "good"), 1);
  EXPECT_EQ(TargetUp(scrape, "wrong-community"), 0);
  EXPECT_EQ(TargetUp(scrape, "wrong-password"), 0);
  EXPECT_GE(SnmpErrors(scrape, "wrong-community", "timeout"), 1);
  EXPECT_GE(SnmpErrors(scrape, "wrong-password", "auth"), 1);
  // Not a hang: the community is given up after timeout x (retries + 1) = 1 s, the password at
  // the agent's first Report.
  EXPECT_LT(took, 4.0);
  EXPECT_LE(scrape.Value("netif_snmp_poll_duration_seconds", {{"target", "wrong-community"}})
                .value_or(99),
            1.5);
  EXPECT_LE(
      scrape.Value("netif_snmp_poll_duration_seconds", {{"target", "wrong-password"}}).value_or(99),
      0.5);
  const std::string log = exporter->Stderr();
  EXPECT_THAT(log, HasSubstr("msg=\"SNMP poll failed\" target=wrong-community"));
  EXPECT_THAT(log, HasSubstr("wrong community"));
  EXPECT_THAT(log, HasSubstr("msg=\"SNMP poll failed\" target=wrong-password"));
  EXPECT_THAT(log, HasSubstr("authentication failed (wrong auth_password or auth_protocol)"));
  // The exporter warned about the inline secrets.
  EXPECT_THAT(log, HasSubstr("key=snmp.targets[2].auth_password"));
}

TEST_F(SnmpdTest, EtherLikeMibCountersAndDuplexFromSnmpd) {
  auto exporter = StartExporter("    - {name: sw, address: \"" + Udp() +
                                "\", community: " + kCommunity + "}\n");
  const Labels vb0 = {{"target", "sw"}, {"ifName", "vB0"}};
  const Exposition scrape = ScrapeUntil(
      *exporter,
      [&](const Exposition& s) {
        return TargetUp(s, "sw") == 1 && s.Value("netif_dot3_fcs_errors_total", vb0).has_value();
      },
      15s);
  ASSERT_EQ(TargetUp(scrape, "sw"), 1);
  const auto kernel = ns_->IpJsonLinkStats();
  // What the agent itself answers for each veth's FCS errors and duplex.
  const auto agent_says = [&](uint32_t column, uint32_t if_index) {
    const CommandResult get = RunCommand(
        {"ip", "netns", "exec", ns_->name(), "env", "MIBS=", "snmpget", "-v2c", "-c", kCommunity,
         "-On", "-Oqve", Udp(),
         "1.3.6.1.2.1.10.7.2.1." + std::to_string(column) + "." + std::to_string(if_index)},
        10s);
    EXPECT_EQ(get.exit_code, 0) << get.Describe();
    std::string value = get.stdout_text;
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
  };
  for (const std::string& device : kDevices) {
    const Labels port = {{"target", "sw"}, {"ifName", device}};
    const uint32_t if_index = kernel.at(device).ifindex;
    const auto fcs = scrape.Find("netif_dot3_fcs_errors_total", port);
    ASSERT_EQ(fcs.size(), 1u) << device;
    EXPECT_EQ(fcs[0]->value_text, agent_says(3, if_index)) << device;
    const auto deferred = scrape.Find("netif_dot3_deferred_transmissions_total", port);
    ASSERT_EQ(deferred.size(), 1u) << device;
    EXPECT_EQ(deferred[0]->value_text, agent_says(7, if_index)) << device;
    // dot3StatsDuplexStatus fullDuplex(3) becomes the port's duplex.
    ASSERT_EQ(agent_says(19, if_index), "3") << device;
    EXPECT_EQ(
        scrape.Value("netif_info", {{"target", "sw"}, {"ifName", device}, {"duplex", "full"}}), 1)
        << device;
  }
  // lo has no dot3StatsTable row: none of these series for it.
  EXPECT_TRUE(
      scrape.Find("netif_dot3_fcs_errors_total", {{"target", "sw"}, {"ifName", "lo"}}).empty());
  // A column snmpd leaves out for veths is absent rather than 0.
  EXPECT_TRUE(scrape.Find("netif_dot3_late_collisions_total", vb0).empty());
  EXPECT_EQ(SnmpErrors(scrape, "sw", "varbind"), 0);
  EXPECT_TRUE(scrape.Find("netif_snmp_quirks_total", {{"target", "sw"}}).empty());
}

}  // namespace
}  // namespace netif::testing_support
