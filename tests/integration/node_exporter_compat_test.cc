// --compat.node-exporter side by side with the real thing: Debian 12's node_exporter 1.5 (netdev
// and netclass collectors only) and our exporter run in the same private network namespace, both
// under `ip netns exec` (which remounts /sys for the namespace, so both read its devices), over
// veths, bridges and a macvlan in several states. Every node_network_* family must match: the same
// families with the same TYPE, the same series (label sets), the same values. The links are idle
// (IPv6 off, nothing sent), so counters too must be equal.
//
// Needs root and /usr/bin/prometheus-node-exporter (scripts/install-deps.sh installs it); fails,
// never skips, without them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/subprocess.h"

namespace netif::testing_support {
namespace {

using std::chrono::steady_clock;

constexpr char kNodeExporter[] = "/usr/bin/prometheus-node-exporter";
// A fixed port is safe here: it is bound on the loopback of the namespace this test just made,
// where nothing else listens.
constexpr int kNodeExporterPort = 9100;
constexpr auto kWaitLimit = 15s;
constexpr auto kPollPause = 200ms;
// Comparisons repeated when node_exporter's own two scrapes around ours disagree (something
// moved on a link); with idle links the first one settles it.
constexpr int kAttempts = 3;

// The node_network_* part of a scrape.
struct NodeNetwork {
  std::map<std::string, std::string> types;  // family -> TYPE
  std::map<std::string, double> series;      // name{sorted labels} -> value

  bool operator==(const NodeNetwork&) const = default;
  std::set<std::string> Families() const {
    std::set<std::string> families;
    for (const auto& [family, type] : types) families.insert(family);
    return families;
  }
};

NodeNetwork NodeNetworkPart(const Exposition& scrape) {
  NodeNetwork part;
  for (const Sample& sample : scrape.samples) {
    if (!sample.name.starts_with("node_network_")) continue;
    const std::string family = scrape.FamilyOf(sample);
    const auto info = scrape.families.find(family);
    part.types[family] = info == scrape.families.end() ? "" : info->second.type;
    part.series[FormatSeries(sample)] = sample.value;
  }
  return part;
}

std::string FamilyOfSeries(const std::string& series) { return series.substr(0, series.find('{')); }

// Every difference, one line each; empty when the two agree.
std::vector<std::string> Differences(const NodeNetwork& theirs, const NodeNetwork& ours) {
  std::vector<std::string> lines;
  for (const auto& [family, type] : theirs.types) {
    const auto it = ours.types.find(family);
    if (it == ours.types.end()) {
      lines.push_back("family only in node_exporter: " + family);
    } else if (it->second != type) {
      lines.push_back("TYPE of " + family + ": node_exporter " + type + ", ours " + it->second);
    }
  }
  for (const auto& [family, type] : ours.types) {
    if (!theirs.types.contains(family)) lines.push_back("family only in ours: " + family);
  }
  for (const auto& [series, value] : theirs.series) {
    const auto it = ours.series.find(series);
    if (it == ours.series.end()) {
      lines.push_back("series only in node_exporter: " + series + " " + std::to_string(value));
    } else if (it->second != value) {
      std::ostringstream line;
      line.precision(17);
      line << "value of " << series << ": node_exporter " << value << ", ours " << it->second;
      lines.push_back(line.str());
    }
  }
  for (const auto& [series, value] : ours.series) {
    if (!theirs.series.contains(series)) {
      lines.push_back("series only in ours: " + series + " " + std::to_string(value));
    }
  }
  return lines;
}

// The families named in Differences() lines, for the summary.
std::set<std::string> DifferingFamilies(const NodeNetwork& theirs, const NodeNetwork& ours) {
  std::set<std::string> families;
  for (const auto& [family, type] : theirs.types) {
    if (!ours.types.contains(family) || ours.types.at(family) != type) families.insert(family);
  }
  for (const auto& [family, type] : ours.types) {
    if (!theirs.types.contains(family)) families.insert(family);
  }
  for (const auto& [series, value] : theirs.series) {
    const auto it = ours.series.find(series);
    if (it == ours.series.end() || it->second != value) families.insert(FamilyOfSeries(series));
  }
  for (const auto& [series, value] : ours.series) {
    if (!theirs.series.contains(series)) families.insert(FamilyOfSeries(series));
  }
  return families;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += "  " + line + "\n";
  return text;
}

class NodeExporterCompatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    ASSERT_EQ(::access(kNodeExporter, X_OK), 0)
        << kNodeExporter << " is missing: this test compares with Debian's node_exporter 1.5; "
        << "install it with `apt-get install prometheus-node-exporter` (scripts/install-deps.sh)";
    netns_ = std::make_unique<NetworkNamespace>();
    BuildLinks();
    StartNodeExporter();
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    options.args = {"--compat.node-exporter", "--collection.interval", "100ms"};
    options.netns = netns_->name();
    ours_ = std::make_unique<ExporterProcess>(options);
  }

  void TearDown() override {
    if (HasFailure() && node_exporter_) {
      std::cerr << "node_exporter's stderr:\n" << node_exporter_->Stderr() << "\n";
    }
  }

  // Links in the states whose facts node_exporter reads differently: running with carrier (vA,
  // vB, br0, mv0), running without a running port (br1: speed -1), administratively down (vC,
  // vD: no carrier, dormant, speed or duplex), an alias, a non-default MTU, queue length and
  // group, a bridge port (vB), a macvlan on a veth (mv0: iflink names vA), and lo.
  void BuildLinks() {
    netns_->CreateVethPair("vA", "vB");
    netns_->RunOrThrow("ip link add br0 type bridge");
    netns_->RunOrThrow("ip link set vB master br0");
    netns_->RunOrThrow("ip link add br1 type bridge");
    netns_->RunOrThrow("ip link add link vA name mv0 type macvlan mode bridge");
    netns_->CreateVethPair("vC", "vD");
    netns_->RunOrThrow("ip link set vA alias uplink");
    netns_->RunOrThrow("ip link set vD mtu 9000 txqueuelen 500 group 7");
    for (const char* device : {"vA", "vB", "br0", "br1", "mv0"}) netns_->SetUp(device);
  }

  void StartNodeExporter() {
    std::vector<std::string> argv = netns_->ExecPrefix();
    argv.insert(
        argv.end(),
        {kNodeExporter, "--web.listen-address=127.0.0.1:" + std::to_string(kNodeExporterPort),
         "--collector.disable-defaults", "--collector.netdev", "--collector.netclass"});
    node_exporter_ = std::make_unique<Subprocess>(argv);
    const auto deadline = steady_clock::now() + kWaitLimit;
    while (steady_clock::now() < deadline) {
      if (ScrapeNodeExporter()) return;
      std::this_thread::sleep_for(kPollPause);
    }
    FAIL() << "node_exporter did not answer on 127.0.0.1:" << kNodeExporterPort
           << " in the namespace; its stderr:\n"
           << node_exporter_->Stderr();
  }

  std::optional<Exposition> ScrapeNodeExporter() const {
    const auto response =
        HttpGetInNetns(netns_->name(), "127.0.0.1", kNodeExporterPort, "/metrics");
    if (!response || response->status != 200) return std::nullopt;
    return ParseExposition(response->body);
  }

  std::unique_ptr<NetworkNamespace> netns_;
  // After netns_: both processes end before the namespace goes.
  std::unique_ptr<Subprocess> node_exporter_;
  std::unique_ptr<ExporterProcess> ours_;
};

TEST_F(NodeExporterCompatTest, EveryNodeNetworkFamilyMatchesNodeExporter) {
  NodeNetwork theirs;
  NodeNetwork ours;
  bool stable = false;
  for (int attempt = 0; attempt < kAttempts && !stable; ++attempt) {
    const auto before = ScrapeNodeExporter();
    ASSERT_TRUE(before.has_value()) << "node_exporter stopped answering";
    ASSERT_TRUE(before->errors.empty()) << ::testing::PrintToString(before->errors);
    theirs = NodeNetworkPart(*before);
    // Ours samples every 100 ms and learns link facts from events: wait (bounded) until it
    // agrees, and compare what it last said either way.
    const Exposition scrape = ScrapeUntil(
        *ours_, [&](const Exposition& s) { return NodeNetworkPart(s) == theirs; }, kWaitLimit,
        kPollPause);
    ASSERT_TRUE(scrape.errors.empty()) << ::testing::PrintToString(scrape.errors);
    EXPECT_TRUE(HasNoDuplicateSeries(scrape));
    ours = NodeNetworkPart(scrape);
    const auto after = ScrapeNodeExporter();
    ASSERT_TRUE(after.has_value()) << "node_exporter stopped answering";
    stable = NodeNetworkPart(*after) == theirs;
  }
  EXPECT_TRUE(stable) << "node_exporter's own scrapes kept changing: the links were not idle";

  // node_exporter itself served what the comparison is about; else two empty sets would agree.
  const std::set<std::string> families = theirs.Families();
  EXPECT_EQ(families.size(), 36u) << ::testing::PrintToString(families);
  for (const char* device : {"lo", "vA", "vB", "vC", "vD", "br0", "br1", "mv0"}) {
    EXPECT_TRUE(theirs.series.contains("node_network_up{device=\"" + std::string(device) + "\"}"))
        << device;
  }
  EXPECT_TRUE(theirs.series.contains("node_network_speed_bytes{device=\"br1\"}"));
  EXPECT_FALSE(theirs.series.contains("node_network_carrier{device=\"vC\"}"));

  const std::vector<std::string> differences = Differences(theirs, ours);
  EXPECT_TRUE(differences.empty())
      << differences.size() << " differences between node_exporter 1.5 and ours in families "
      << ::testing::PrintToString(DifferingFamilies(theirs, ours)) << ":\n"
      << Join(differences);
}

}  // namespace
}  // namespace netif::testing_support
