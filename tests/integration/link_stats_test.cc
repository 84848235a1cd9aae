// The local counters from one RTM_GETSTATS dump per pass, against the kernel: in a private
// network namespace with veth pairs, after raw frames of an EtherType nothing handles (the
// receiving side counts them as received and dropped), each of the 16 /proc/net/dev counters and
// the 8 detailed error counters the exporter serves for every device must equal what
// `ip -s -s -j link` says. A rename must move the counters to the new name at once and for good
// (the reader's ifindex -> name map follows link events). With socket(AF_NETLINK) refused by
// seccomp (netif_exporter_without_netlink), the counters come from /proc/net/dev, still equal to
// ip's, and the detailed ones are absent.
//
// Comparisons are made on idle devices (IPv6 is off in the namespace, nothing else sends): the
// test waits, bounded, until a scrape taken between two equal `ip` readings agrees. Needs root;
// fails, never skips, without it. The namespace and the exporter are removed whatever happens.
#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

constexpr auto kWaitLimit = 20s;
constexpr auto kPollPause = 150ms;

// A family and the sum of `ip -s -s -j link` stats64 keys it must equal (the kernel's
// dev_seq_printf_stats() arithmetic for the folded /proc/net/dev columns). A key iproute2 leaves
// out (it prints rx.nohandler and the compressed counts only when not 0) counts as 0.
struct Expected {
  const char* family;
  std::vector<const char*> ip_keys;
};

const std::vector<Expected>& ClassicCounters() {
  static const std::vector<Expected> counters = {
      {"netif_receive_bytes_total", {"rx.bytes"}},
      {"netif_receive_packets_total", {"rx.packets"}},
      {"netif_receive_errors_total", {"rx.errors"}},
      {"netif_receive_drops_total", {"rx.dropped", "rx.missed_errors"}},
      {"netif_receive_fifo_errors_total", {"rx.fifo_errors"}},
      {"netif_receive_frame_errors_total",
       {"rx.length_errors", "rx.over_errors", "rx.crc_errors", "rx.frame_errors"}},
      {"netif_receive_compressed_packets_total", {"rx.compressed"}},
      {"netif_receive_multicast_packets_total", {"rx.multicast"}},
      {"netif_transmit_bytes_total", {"tx.bytes"}},
      {"netif_transmit_packets_total", {"tx.packets"}},
      {"netif_transmit_errors_total", {"tx.errors"}},
      {"netif_transmit_drops_total", {"tx.dropped"}},
      {"netif_transmit_fifo_errors_total", {"tx.fifo_errors"}},
      {"netif_transmit_collisions_total", {"tx.collisions"}},
      {"netif_transmit_carrier_errors_total",
       {"tx.carrier_errors", "tx.aborted_errors", "tx.window_errors", "tx.heartbeat_errors"}},
      {"netif_transmit_compressed_packets_total", {"tx.compressed"}},
  };
  return counters;
}

const std::vector<Expected>& DetailedCounters() {
  static const std::vector<Expected> counters = {
      {"netif_receive_length_errors_total", {"rx.length_errors"}},
      {"netif_receive_over_errors_total", {"rx.over_errors"}},
      {"netif_receive_crc_errors_total", {"rx.crc_errors"}},
      {"netif_receive_missed_errors_total", {"rx.missed_errors"}},
      {"netif_receive_nohandler_total", {"rx.nohandler"}},
      {"netif_transmit_aborted_errors_total", {"tx.aborted_errors"}},
      {"netif_transmit_heartbeat_errors_total", {"tx.heartbeat_errors"}},
      {"netif_transmit_window_errors_total", {"tx.window_errors"}},
  };
  return counters;
}

uint64_t IpValue(const IpLinkStats& link, const Expected& expected) {
  uint64_t sum = 0;
  for (const char* key : expected.ip_keys) {
    if (auto it = link.stats64.find(key); it != link.stats64.end()) sum += it->second;
  }
  return sum;
}

bool HasDevice(const Exposition& scrape, const std::string& device) {
  return !scrape.Find("netif_receive_bytes_total", {{"device", device}}).empty();
}

class LinkStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();
    for (const auto& [a, b] : {std::pair{"vA", "vB"}, std::pair{"vC", "vD"}}) {
      netns_->CreateVethPair(a, b);
      netns_->SetUp(a);
      netns_->SetUp(b);
    }
  }

  void StartExporter(const std::string& binary) {
    ExporterProcess::Options options;
    options.binary = binary;
    // The counters by cause are out of the default profile.
    options.args = {"--collection.interval",
                    "200ms",
                    "--log.level",
                    "debug",
                    "--config.file",
                    dir_.WriteFile("netif_exporter.yml", "metrics:\n  profile: full\n")};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  // Waits until a scrape taken between two identical `ip -s -s -j link` readings shows, for every
  // device of `devices`, each family of `families` equal to ip's value. Returns the description
  // of the last disagreement, empty on agreement.
  std::string WaitForAgreement(const std::vector<std::string>& devices,
                               const std::vector<Expected>& families) {
    const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
    std::string difference = "nothing compared";
    while (std::chrono::steady_clock::now() < deadline) {
      const auto before = netns_->IpJsonLinkStats(true);
      const auto scrape = ParsedScrape(*exporter_);
      const auto after = netns_->IpJsonLinkStats(true);
      difference.clear();
      for (const std::string& device : devices) {
        const auto was = before.find(device);
        const auto is = after.find(device);
        if (was == before.end() || is == after.end()) {
          difference += device + ": not in ip's list; ";
          continue;
        }
        if (was->second.stats64 != is->second.stats64) {
          difference += device + ": still moving; ";
          continue;
        }
        for (const Expected& expected : families) {
          const uint64_t want = IpValue(is->second, expected);
          const auto got = scrape ? ScrapedCounter(*scrape, expected.family, device) : std::nullopt;
          if (got != want) {
            difference += device + " " + expected.family + ": scraped " +
                          (got ? std::to_string(*got) : "nothing") + ", ip " +
                          std::to_string(want) + "; ";
          }
        }
      }
      if (difference.empty()) return difference;
      std::this_thread::sleep_for(kPollPause);
    }
    return difference;
  }

  // Frames that move counters on both ends and make vB and vD count drops (their EtherType has
  // no handler), in two sizes so bytes and packets cannot agree by accident.
  void SendTraffic() {
    netns_->SendRawFrames("vA", 30, 200);
    netns_->SendRawFrames("vA", 7, 1000);
    netns_->SendRawFrames("vC", 11, 300);
  }

  std::optional<double> Success(const Exposition& scrape, const std::string& collector) {
    return scrape.Value("netif_scrape_collector_success", {{"collector", collector}});
  }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // after netns_: stopped before it is deleted
};

// Not lo: every scrape travels over it, so it is never idle while the test compares.
const std::vector<std::string> kDevices = {"vA", "vB", "vC", "vD"};

TEST_F(LinkStatsTest, EveryCounterEqualsIpLinkForEveryDevice) {
  StartExporter(ExporterBinary());
  SendTraffic();
  const auto ip = netns_->IpJsonLinkStats(true);
  ASSERT_GE(ip.at("vB").stats64.at("rx.packets"), 37u);
  ASSERT_GE(ip.at("vB").stats64.at("rx.dropped"), 37u)
      << "the frames were not dropped as unhandled";
  ASSERT_GE(ip.at("vD").stats64.at("rx.dropped"), 11u);

  EXPECT_EQ(WaitForAgreement(kDevices, ClassicCounters()), "");
  EXPECT_EQ(WaitForAgreement(kDevices, DetailedCounters()), "");

  const auto scrape = ParsedScrape(*exporter_);
  ASSERT_TRUE(scrape.has_value());
  EXPECT_EQ(Success(*scrape, "netlink_stats"), 1.0);
  EXPECT_EQ(Success(*scrape, "procfs"), std::nullopt) << "/proc/net/dev was not needed";
  EXPECT_EQ(scrape->Value("netif_parse_errors_total", {{"collector", "netlink_stats"}}), 0.0);
  // Each detailed family is served, typed as a counter, for every device.
  for (const Expected& expected : DetailedCounters()) {
    auto family = scrape->families.find(expected.family);
    ASSERT_NE(family, scrape->families.end()) << expected.family;
    EXPECT_EQ(family->second.type, "counter") << expected.family;
  }
  const auto errors = exporter_->ErrorLines();
  EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
}

TEST_F(LinkStatsTest, ARenamedLinkKeepsItsCountersUnderTheNewNameOnly) {
  StartExporter(ExporterBinary());
  SendTraffic();
  ASSERT_EQ(WaitForAgreement({"vC"}, ClassicCounters()), "");
  netns_->SetDown("vC");
  netns_->RunOrThrow("ip link set vC name wan0");
  netns_->SetUp("wan0");
  EXPECT_EQ(WaitForAgreement({"wan0", "vD"}, ClassicCounters()), "");
  EXPECT_EQ(WaitForAgreement({"wan0"}, DetailedCounters()), "");
  // Over several passes, the old name does not come back (a stale ifindex -> name map would
  // bring it back every pass).
  for (int i = 0; i < 5; ++i) {
    const auto scrape = ParsedScrape(*exporter_);
    ASSERT_TRUE(scrape.has_value());
    EXPECT_FALSE(HasDevice(*scrape, "vC")) << "scrape " << i;
    EXPECT_TRUE(HasDevice(*scrape, "wan0")) << "scrape " << i;
    std::this_thread::sleep_for(250ms);
  }
}

TEST_F(LinkStatsTest, WithNetlinkRefusedTheCountersComeFromProcNetDev) {
  StartExporter(NETIF_EXPORTER_WITHOUT_NETLINK);
  SendTraffic();
  EXPECT_EQ(WaitForAgreement(kDevices, ClassicCounters()), "");
  const auto scrape = ParsedScrape(*exporter_);
  ASSERT_TRUE(scrape.has_value());
  EXPECT_EQ(Success(*scrape, "netlink_stats"), 0.0) << "the failed dump must show";
  EXPECT_EQ(Success(*scrape, "procfs"), 1.0);
  for (const Expected& expected : DetailedCounters()) {
    EXPECT_TRUE(scrape->Find(expected.family, {}).empty())
        << expected.family << " is served without its source";
  }
  const std::string log = exporter_->Stderr();
  EXPECT_NE(log.find("msg=\"collector failed\" collector=netlink_stats"), std::string::npos) << log;
  EXPECT_NE(log.find("Permission denied"), std::string::npos) << log;
}

}  // namespace
}  // namespace netif::testing_support
