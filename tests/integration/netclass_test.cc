// The link facts node_exporter's netclass collector reads from sysfs, against a real kernel. In
// a private network namespace: a bridge br0, a veth pair vA/vB whose vA is a port of br0 (with
// txqueuelen 1234 and group 7), a second pair vC/vD (vC in link mode dormant, vD down) and a
// bridge br1 made after vC and given it as a port (so a dump lists vC before its master). The
// exporter runs inside the namespace, with netlink (the default) and without it. Checks:
//   - netif_info{device="vA"} has master="br0", vC master="br1", the others master="";
//   - every fact of every link equals what the test itself reads from the namespace's sysfs:
//     tx_queue_len, netdev_group, flags, link_mode, addr_assign_type, name_assign_type, dev_id,
//     dormant (a file the kernel refuses is an absent series), broadcast and the master link;
//   - `ip link set vA nomaster`: the next scrapes show master="" for vA (with netlink within a few
//     seconds: the event clears it; without, at the next settings refresh), and the facts that
//     changed with it (the bridge's promiscuous and all-multicast flags) follow sysfs again.
//
// Needs root to make the namespace; FAILS (never skips) without it. Every wait is bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

const char* const kDevices[] = {"lo", "br0", "br1", "vA", "vB", "vC", "vD"};

// Prints `file=value` for each netclass file the kernel lets us read, and `master=NAME` (empty
// without a master link), of the device named by $1, as seen from inside the namespace.
constexpr char kReadSysfsScript[] = R"sh(d=/sys/class/net/$1
for f in tx_queue_len netdev_group flags link_mode addr_assign_type name_assign_type dev_id \
         dormant broadcast; do
  v=$(cat "$d/$f" 2>/dev/null) && echo "$f=$v"
done
if [ -L "$d/master" ]; then echo "master=$(basename "$(readlink "$d/master")")"; else echo "master="; fi
)sh";

// Numeric facts: the family and the sysfs file it mirrors, and the base sysfs prints it in.
struct NumericFact {
  const char* family;
  const char* file;
  int base;
};
const NumericFact kNumericFacts[] = {
    {"netif_transmit_queue_length", "tx_queue_len", 10},
    {"netif_device_group", "netdev_group", 10},
    {"netif_flags", "flags", 16},
    {"netif_link_mode", "link_mode", 10},
    {"netif_address_assign_type", "addr_assign_type", 10},
    {"netif_name_assign_type", "name_assign_type", 10},
    {"netif_device_id", "dev_id", 16},
    {"netif_dormant", "dormant", 10},
};

class NetclassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();  // throws, and so fails, when it cannot
    netns_->RunOrThrow("ip link add br0 type bridge");
    netns_->CreateVethPair("vA", "vB");
    netns_->CreateVethPair("vC", "vD");
    netns_->RunOrThrow("ip link set vA master br0");
    netns_->RunOrThrow("ip link set vA txqueuelen 1234");
    netns_->RunOrThrow("ip link set vA group 7");
    netns_->RunOrThrow("ip link set vC mode dormant");
    netns_->RunOrThrow("ip link add br1 type bridge");
    netns_->RunOrThrow("ip link set vC master br1");
    for (const char* device : {"br0", "br1", "vA", "vB", "vC"}) netns_->SetUp(device);
    script_ = dir_.WriteFile("read_sysfs.sh", kReadSysfsScript);
  }

  void StartExporter(bool netlink) {
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    options.args = {
        "--web.listen-address=127.0.0.1:0", "--collection.interval=1s",
        // The constant facts (assign types, group, device id, link mode) are out of the default
        // profile.
        "--config.file=" +
            dir_.WriteFile("netif.yml", std::string(netlink ? "local:\n  netlink: true\n"
                                                            : "local:\n  netlink: false\n") +
                                            "metrics:\n  profile: full\n")};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  // What the namespace's sysfs shows of `device`, by file name (a refused read is absent).
  std::map<std::string, std::string> ReadSysfs(const std::string& device) const {
    const CommandResult result = netns_->Run("sh " + script_ + " " + device);
    EXPECT_EQ(result.exit_code, 0) << result.Describe();
    std::map<std::string, std::string> files;
    std::istringstream lines(result.stdout_text);
    std::string line;
    while (std::getline(lines, line)) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) files[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return files;
  }

  // Every way `scrape` differs from sysfs read right after it, one line each; empty when none.
  std::vector<std::string> Differences(const Exposition& scrape) const {
    std::vector<std::string> differences;
    for (const std::string device : kDevices) {
      const auto files = ReadSysfs(device);
      for (const NumericFact& fact : kNumericFacts) {
        const auto scraped = scrape.Value(fact.family, {{"device", device}});
        const auto file = files.find(fact.file);
        std::optional<double> expected;
        if (file != files.end()) {
          expected = static_cast<double>(std::stoll(file->second, nullptr, fact.base));
        }
        if (scraped != expected) {
          differences.push_back(device + " " + fact.family + ": scraped " +
                                (scraped ? std::to_string(*scraped) : "nothing") + ", sysfs " +
                                fact.file + " " + (file != files.end() ? file->second : "refused"));
        }
      }
      const auto info = scrape.Find("netif_info", {{"device", device}});
      if (info.size() != 1) {
        differences.push_back(device + ": " + std::to_string(info.size()) + " netif_info series");
        continue;
      }
      for (const char* label : {"broadcast", "master"}) {
        const std::string scraped = info[0]->labels.at(label);
        const std::string expected = files.contains(label) ? files.at(label) : "";
        if (scraped != expected) {
          differences.push_back(device + " netif_info " + label + "=\"" + scraped + "\", sysfs \"" +
                                expected + "\"");
        }
      }
    }
    return differences;
  }

  // Scrapes until the exporter agrees with sysfs (facts read from sysfs follow a link event at
  // the next pass), and fails listing the differences when it does not within `limit`.
  Exposition ExpectSameAsSysfs(const std::string& when, std::chrono::milliseconds limit = 10s) {
    std::vector<std::string> differences;
    const Exposition scrape = ScrapeUntil(
        *exporter_,
        [&](const Exposition& candidate) {
          differences = Differences(candidate);
          return differences.empty();
        },
        limit);
    EXPECT_TRUE(differences.empty()) << when << ":\n" << ::testing::PrintToString(differences);
    return scrape;
  }

  static std::string MasterOf(const Exposition& scrape, const std::string& device) {
    const auto info = scrape.Find("netif_info", {{"device", device}});
    return info.size() == 1 ? info[0]->labels.at("master") : "(no netif_info)";
  }

  // The common course of both tests: enslaved, compared, released, compared again.
  void EnslaveCompareReleaseCompare(std::chrono::milliseconds release_limit) {
    const Exposition scrape = ExpectSameAsSysfs("with vA in br0");
    EXPECT_EQ(MasterOf(scrape, "vA"), "br0");
    EXPECT_EQ(MasterOf(scrape, "vC"), "br1") << "listed before its master in the first dump";
    EXPECT_EQ(MasterOf(scrape, "vB"), "");
    EXPECT_EQ(MasterOf(scrape, "br0"), "");
    EXPECT_EQ(scrape.Value("netif_transmit_queue_length", {{"device", "vA"}}), 1234);
    EXPECT_EQ(scrape.Value("netif_device_group", {{"device", "vA"}}), 7);
    EXPECT_EQ(scrape.Value("netif_link_mode", {{"device", "vC"}}), 1);
    EXPECT_EQ(scrape.Value("netif_dormant", {{"device", "vD"}}), std::nullopt)
        << "vD is down: the kernel refuses its dormant file";
    // A bridge port is promiscuous and all-multicast in sysfs (not in ip link's flags).
    const auto port_flags = scrape.Value("netif_flags", {{"device", "vA"}});
    ASSERT_TRUE(port_flags.has_value());
    EXPECT_EQ(static_cast<uint32_t>(*port_flags) & 0x300u, 0x300u);

    netns_->RunOrThrow("ip link set vA nomaster");
    const Exposition released = ScrapeUntil(
        *exporter_, [](const Exposition& s) { return MasterOf(s, "vA").empty(); }, release_limit);
    EXPECT_EQ(MasterOf(released, "vA"), "") << "vA left br0";
    const Exposition after = ExpectSameAsSysfs("after vA left br0", release_limit);
    EXPECT_EQ(MasterOf(after, "vA"), "") << "no sample brings the master back";
  }

  TempDir dir_;
  std::string script_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // destroyed before netns_
};

TEST_F(NetclassTest, WithNetlinkEveryFactIsWhatSysfsShowsAndLeavingTheBridgeClearsTheMaster) {
  StartExporter(/*netlink=*/true);
  // The event that releases vA clears its master: a few seconds is generous.
  EnslaveCompareReleaseCompare(5s);
  // The first dump, and the one that named br1 for vC (listed before br1 in the first).
  const auto scrape = ParsedScrape(*exporter_);
  ASSERT_TRUE(scrape.has_value());
  EXPECT_EQ(scrape->Value("netif_netlink_resyncs_total"), 2);
  EXPECT_TRUE(exporter_->ErrorLines().empty()) << exporter_->Stderr();
}

TEST_F(NetclassTest, WithoutNetlinkSysfsGivesTheSameFacts) {
  StartExporter(/*netlink=*/false);
  // Without events the master link is read with the settings, every 10 s.
  EnslaveCompareReleaseCompare(15s);
  EXPECT_TRUE(exporter_->ErrorLines().empty()) << exporter_->Stderr();
}

}  // namespace
}  // namespace netif::testing_support
