// The exporter against a real kernel: in a private network namespace with veth pairs, the
// exporter (run inside it) must report the counters `ip -s link` reports, see exactly the raw
// frames the test sends, follow a link going down, and drop a deleted device without a hiccup.
//
// Needs root. Without it, or when `ip netns add` fails, every test FAILS with the reason: a
// kernel test that silently skips proves nothing. All traffic stays inside the namespace the
// test made, and the namespace (with its devices and processes) is removed even when a test
// fails.
#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"

namespace netif::testing_support {
namespace {

using std::chrono::steady_clock;

// Bounds for every wait: generous, because CI machines stall; the loops end as soon as the
// condition holds, so a healthy run takes a fraction of this.
constexpr auto kWaitLimit = 15s;
constexpr auto kPollPause = 100ms;

// The four counters the test cross-checks, for one device.
struct Traffic {
  uint64_t rx_bytes = 0;
  uint64_t rx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_packets = 0;
  bool operator==(const Traffic&) const = default;
};

std::string Describe(const Traffic& t) {
  std::ostringstream text;
  text << "rx " << t.rx_bytes << " B / " << t.rx_packets << " pkts, tx " << t.tx_bytes << " B / "
       << t.tx_packets << " pkts";
  return text.str();
}

std::optional<Traffic> ScrapedTraffic(const Exposition& scrape, const std::string& device) {
  const auto rx_bytes = ScrapedCounter(scrape, "netif_receive_bytes_total", device);
  const auto rx_packets = ScrapedCounter(scrape, "netif_receive_packets_total", device);
  const auto tx_bytes = ScrapedCounter(scrape, "netif_transmit_bytes_total", device);
  const auto tx_packets = ScrapedCounter(scrape, "netif_transmit_packets_total", device);
  if (!rx_bytes || !rx_packets || !tx_bytes || !tx_packets) return std::nullopt;
  return Traffic{*rx_bytes, *rx_packets, *tx_bytes, *tx_packets};
}

Traffic IpTraffic(const IpLinkStats& link) {
  return Traffic{link.rx_bytes, link.rx_packets, link.tx_bytes, link.tx_packets};
}

bool HasDevice(const Exposition& scrape, const std::string& device) {
  for (const Sample& sample : scrape.samples) {
    auto it = sample.labels.find("device");
    if (it != sample.labels.end() && it->second == device) return true;
  }
  return false;
}

class KernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();
    for (const auto& [a, b] : {std::pair{"vA", "vB"}, std::pair{"vC", "vD"}}) {
      netns_->CreateVethPair(a, b);
      netns_->SetUp(a);
      netns_->SetUp(b);
    }
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    // A short interval keeps the waits below short; debug logging helps a failing CI run.
    options.args = {"--collection.interval", "200ms", "--log.level", "debug"};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  void TearDown() override {
    if (exporter_) {
      const auto errors = exporter_->ErrorLines();
      EXPECT_TRUE(errors.empty()) << "error lines in the exporter's log:\n"
                                  << ::testing::PrintToString(errors);
    }
  }

  std::optional<Exposition> ParsedScrape() { return testing_support::ParsedScrape(*exporter_); }

  // Polls until `done(scrape)` holds or kWaitLimit passes; whether it held.
  bool ScrapeUntil(const std::function<bool(const Exposition&)>& done) {
    bool held = false;
    testing_support::ScrapeUntil(
        *exporter_, [&](const Exposition& scrape) { return held = done(scrape); }, kWaitLimit,
        kPollPause);
    return held;
  }

  // Polls until the scrape's rx/tx bytes/packets of every device equal `ip -s -j link`'s (the
  // exporter samples every 200 ms, so a fresh scrape may lag the kernel for a moment). Returns
  // the agreed values, or nullopt after a recorded failure showing the last disagreement.
  std::optional<std::map<std::string, Traffic>> WaitForAgreement(
      const std::vector<std::string>& devices) {
    const auto deadline = steady_clock::now() + kWaitLimit;
    std::string last_difference = "no scrape";
    while (steady_clock::now() < deadline) {
      const auto scrape = ParsedScrape();
      const auto kernel = netns_->IpJsonLinkStats();
      std::map<std::string, Traffic> agreed;
      last_difference.clear();
      for (const std::string& device : devices) {
        const auto scraped = scrape ? ScrapedTraffic(*scrape, device) : std::nullopt;
        const auto it = kernel.find(device);
        if (!scraped || it == kernel.end()) {
          last_difference += device + ": missing from the scrape or from ip; ";
        } else if (*scraped != IpTraffic(it->second)) {
          last_difference += device + ": scrape " + Describe(*scraped) + " vs ip " +
                             Describe(IpTraffic(it->second)) + "; ";
        } else {
          agreed[device] = *scraped;
        }
      }
      if (last_difference.empty()) return agreed;
      std::this_thread::sleep_for(kPollPause);
    }
    ADD_FAILURE() << "scrape and ip -s -j link never agreed: " << last_difference;
    return std::nullopt;
  }

  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // after netns_: stopped before it is deleted
};

TEST_F(KernelTest, CountersAgreeWithIpAndCountEveryFrameSent) {
  const auto before = WaitForAgreement({"vA", "vB"});
  ASSERT_TRUE(before.has_value());

  // Two sizes, so bytes and packets cannot agree by accident.
  constexpr int kSmallFrames = 300, kSmallSize = 200;
  constexpr int kLargeFrames = 100, kLargeSize = 1000;
  netns_->SendRawFrames("vA", kSmallFrames, kSmallSize);
  netns_->SendRawFrames("vA", kLargeFrames, kLargeSize);
  constexpr uint64_t kSentPackets = kSmallFrames + kLargeFrames;
  constexpr uint64_t kSentBytes = kSmallFrames * kSmallSize + kLargeFrames * kLargeSize;

  // Agreement with ip alone would pass if the exporter lagged forever at the old values and
  // the kernel had not counted yet; so wait until the growth shows, then check agreement.
  const bool grew = ScrapeUntil([&](const Exposition& scrape) {
    const auto tx = ScrapedTraffic(scrape, "vA");
    const auto rx = ScrapedTraffic(scrape, "vB");
    return tx && rx && tx->tx_packets >= before->at("vA").tx_packets + kSentPackets &&
           rx->rx_packets >= before->at("vB").rx_packets + kSentPackets;
  });
  EXPECT_TRUE(grew) << "the scrape never showed the " << kSentPackets << " frames sent";
  const auto after = WaitForAgreement({"vA", "vB"});
  ASSERT_TRUE(after.has_value());

  const Traffic& a0 = before->at("vA");
  const Traffic& a1 = after->at("vA");
  const Traffic& b0 = before->at("vB");
  const Traffic& b1 = after->at("vB");
  // "At least": the kernel may add frames of its own; we turned IPv6 off, so normally it is
  // exactly what we sent.
  EXPECT_GE(a1.tx_packets - a0.tx_packets, kSentPackets);
  EXPECT_GE(a1.tx_bytes - a0.tx_bytes, kSentBytes);
  EXPECT_GE(b1.rx_packets - b0.rx_packets, kSentPackets);
  EXPECT_GE(b1.rx_bytes - b0.rx_bytes, kSentBytes);
  std::cout << "vA tx grew by " << a1.tx_packets - a0.tx_packets << " pkts / "
            << a1.tx_bytes - a0.tx_bytes << " B; vB rx grew by " << b1.rx_packets - b0.rx_packets
            << " pkts / " << b1.rx_bytes - b0.rx_bytes << " B (sent " << kSentPackets << " / "
            << kSentBytes << ")\n";
}

TEST_F(KernelTest, LinkSetDownShowsInNetifUp) {
  bool up = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_admin_up", {{"device", "vA"}}) == 1;
  });
  ASSERT_TRUE(up) << "vA never showed netif_admin_up 1";

  netns_->SetDown("vA");
  ASSERT_FALSE(netns_->IpJsonLinkStats().at("vA").admin_up);
  up = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_admin_up", {{"device", "vA"}}) == 0;
  });
  EXPECT_TRUE(up) << "netif_admin_up{device=\"vA\"} never became 0 after `ip link set vA down`";
  // Its peer lost carrier with it: the peer stays admin up but not running.
  up = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_admin_up", {{"device", "vB"}}) == 1 &&
           s.Value("netif_oper_up", {{"device", "vB"}}) == 0;
  });
  EXPECT_TRUE(up) << "vB should stay up but stop running when its peer goes down";

  netns_->SetUp("vA");
  up = ScrapeUntil([](const Exposition& s) {
    return s.Value("netif_admin_up", {{"device", "vA"}}) == 1;
  });
  EXPECT_TRUE(up) << "netif_admin_up{device=\"vA\"} never came back to 1";
}

TEST_F(KernelTest, DeletedVethDisappearsWithoutErrors) {
  bool seen =
      ScrapeUntil([](const Exposition& s) { return HasDevice(s, "vC") && HasDevice(s, "vD"); });
  ASSERT_TRUE(seen) << "vC/vD never appeared in the scrape";

  netns_->Delete("vC");  // takes its peer vD with it
  seen =
      ScrapeUntil([](const Exposition& s) { return !HasDevice(s, "vC") && !HasDevice(s, "vD"); });
  EXPECT_TRUE(seen) << "vC/vD still in the scrape after `ip link delete vC`";

  // The next scrapes, across several sampling intervals, stay clean.
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE("scrape " + std::to_string(i) + " after the deletion");
    const auto later = ParsedScrape();
    ASSERT_TRUE(later.has_value());
    EXPECT_FALSE(HasDevice(*later, "vC"));
    EXPECT_FALSE(HasDevice(*later, "vD"));
    EXPECT_TRUE(HasDevice(*later, "vA"));  // the others are still reported
    // The real /proc: the counters come from the RTM_GETSTATS dump (link_stats_test.cc).
    EXPECT_EQ(later->Value("netif_scrape_collector_success", {{"collector", "netlink_stats"}}), 1);
    if (auto errors = later->Value("netif_parse_errors_total", {{"collector", "netlink_stats"}})) {
      EXPECT_EQ(*errors, 0);
    }
    std::this_thread::sleep_for(250ms);
  }
}

}  // namespace
}  // namespace netif::testing_support
