// Rates and utilization against a real kernel: in a private network namespace, a veth pair
// carries raw Ethernet frames (EtherType 0x88B5, IEEE local experimental) paced to a known bit
// rate for a few seconds; the exporter, running inside the namespace, must report that rate
// within 10 % on both ends, and the utilization that the configured capacity of one end implies.
//
// Needs root. Without it, or when the namespace cannot be made, the test FAILS with the reason:
// a kernel test that silently skips proves nothing. The namespace (devices, exporter) is removed
// even when the test fails, and the sender stops on its own after kSendFor.
#include <gtest/gtest.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
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
using std::chrono::steady_clock;

constexpr double kRateBps = 20e6;  // what the sender puts on the wire, in bits/s
constexpr int kFrameBytes = 1000;  // as the kernel counts them (no FCS)
constexpr auto kSendFor = 5s;
constexpr double kCapacityBps = 100e6;  // configured for the receiving end only
constexpr double kTolerance = 0.10;

// Sends kFrameBytes frames out of `device` at kRateBps for kSendFor, from the calling thread
// (which must be inside the namespace). Pacing is by total bytes against elapsed time, so the
// average rate over any second is kRateBps to within one frame; throws on a failed send.
void SendPaced(const std::string& device) {
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // send-only
  if (fd < 0) throw std::runtime_error(std::string("socket(AF_PACKET): ") + std::strerror(errno));
  const unsigned index = ::if_nametoindex(device.c_str());
  if (index == 0) {
    ::close(fd);
    throw std::runtime_error("no device " + device);
  }
  // Locally administered unicast: the peer counts each frame, then drops it as PACKET_OTHERHOST
  // without answering, so only these frames move the counters.
  const uint8_t destination[6] = {0x02, 0, 0, 0, 0, 0x02};
  const uint8_t source[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::vector<uint8_t> frame(kFrameBytes, 0x5a);
  std::memcpy(frame.data(), destination, 6);
  std::memcpy(frame.data() + 6, source, 6);
  frame[12] = 0x88;
  frame[13] = 0xB5;
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_ifindex = static_cast<int>(index);
  address.sll_halen = 6;
  std::memcpy(address.sll_addr, destination, 6);

  const auto start = steady_clock::now();
  const auto end = start + kSendFor;
  uint64_t sent = 0;
  for (auto now = start; now < end; now = steady_clock::now()) {
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const auto due = static_cast<uint64_t>(elapsed * kRateBps / (kFrameBytes * 8));
    for (; sent < due; ++sent) {
      if (::sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<const sockaddr*>(&address),
                   sizeof address) != static_cast<ssize_t>(frame.size())) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("sendto on " + device + ": " + why);
      }
    }
    std::this_thread::sleep_for(200us);
  }
  ::close(fd);
}

std::optional<double> ValueOf(const Exposition& scrape, const std::string& name,
                              const std::string& device) {
  return scrape.Value(name, {{"device", device}});
}

class RateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();  // throws with the reason: the test fails
    netns_->CreateVethPair("rA", "rB");
    netns_->SetUp("rA");
    netns_->SetUp("rB");
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    options.args = {"--config.file",
                    dir_.WriteFile("netif_exporter.yml",
                                   "collection:\n"
                                   "  interval: 1s\n"
                                   "metrics:\n"  // the rates are out of the default profile
                                   "  profile: full\n"
                                   "analytics:\n"
                                   "  capacity_bps:\n"
                                   "    rB: 100000000\n"),
                    "--log.level", "debug"};
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  void TearDown() override {
    if (sender_.joinable()) sender_.join();
    if (exporter_) {
      const auto errors = exporter_->ErrorLines();
      EXPECT_TRUE(errors.empty()) << "error lines in the exporter's log:\n"
                                  << ::testing::PrintToString(errors);
    }
  }

  std::optional<Exposition> ParsedScrape() { return testing_support::ParsedScrape(*exporter_); }

  // The sender's failure is kept for the test to report after joining it.
  void StartSender() {
    sender_ = std::thread([this] {
      try {
        netns_->RunInside([] { SendPaced("rA"); });
      } catch (const std::exception& e) {
        sender_error_ = e.what();
      }
    });
  }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // after netns_: stopped before it is deleted
  std::thread sender_;                         // last: joined in TearDown, before the rest goes
  std::string sender_error_;
};

TEST_F(RateTest, ExportedRateAndUtilizationMatchTheTrafficSent) {
  // Let the exporter take a baseline sample of the idle pair first.
  std::this_thread::sleep_for(1500ms);
  StartSender();
  // Two scrapes well inside the sending period: the last sample interval before each is then
  // entirely traffic (1 s sampling; scrapes at ~3.2 s and ~4.2 s of 5 s).
  const auto started = steady_clock::now();
  std::vector<Exposition> scrapes;
  for (const auto at : {3200ms, 4200ms}) {
    std::this_thread::sleep_until(started + at);
    auto scrape = ParsedScrape();
    ASSERT_TRUE(scrape.has_value());
    scrapes.push_back(std::move(*scrape));
  }
  sender_.join();
  ASSERT_TRUE(sender_error_.empty()) << "the sender failed: " << sender_error_;

  const double expected_bytes_per_second = kRateBps / 8;
  for (std::size_t i = 0; i < scrapes.size(); ++i) {
    SCOPED_TRACE("scrape " + std::to_string(i));
    const Exposition& scrape = scrapes[i];
    const auto sent = ValueOf(scrape, "netif_transmit_bytes_per_second", "rA");
    const auto received = ValueOf(scrape, "netif_receive_bytes_per_second", "rB");
    ASSERT_TRUE(sent.has_value()) << "no netif_transmit_bytes_per_second for rA";
    ASSERT_TRUE(received.has_value()) << "no netif_receive_bytes_per_second for rB";
    EXPECT_NEAR(*sent, expected_bytes_per_second, kTolerance * expected_bytes_per_second);
    EXPECT_NEAR(*received, expected_bytes_per_second, kTolerance * expected_bytes_per_second);
    const double frames_per_second = kRateBps / (kFrameBytes * 8);
    const auto packets = ValueOf(scrape, "netif_receive_packets_per_second", "rB");
    ASSERT_TRUE(packets.has_value());
    EXPECT_NEAR(*packets, frames_per_second, kTolerance * frames_per_second);

    // rB has a configured capacity of 100 Mbit/s, which wins over the speed the veth reports:
    // 20 Mbit/s in, nothing out, so 0.2 both for receive and (full duplex: max) overall.
    const double expected_ratio = kRateBps / kCapacityBps;
    const auto rx_ratio = ValueOf(scrape, "netif_receive_utilization_ratio", "rB");
    const auto ratio = ValueOf(scrape, "netif_utilization_ratio", "rB");
    ASSERT_TRUE(rx_ratio.has_value()) << "no utilization for rB despite its configured capacity";
    ASSERT_TRUE(ratio.has_value());
    EXPECT_NEAR(*rx_ratio, expected_ratio, kTolerance * expected_ratio);
    EXPECT_NEAR(*ratio, expected_ratio, kTolerance * expected_ratio);
    const auto window =
        scrape.Value("netif_utilization_peak_ratio", {{"device", "rB"}, {"window", "1m"}});
    ASSERT_TRUE(window.has_value());
    EXPECT_NEAR(*window, expected_ratio, kTolerance * expected_ratio);

    // rA has no configured capacity: its utilization follows the speed the kernel reports for
    // it, or is absent when there is none, never a guess.
    const auto speed_bytes = ValueOf(scrape, "netif_speed_bytes", "rA");
    const auto tx_ratio = ValueOf(scrape, "netif_transmit_utilization_ratio", "rA");
    if (speed_bytes && *speed_bytes > 0) {
      ASSERT_TRUE(tx_ratio.has_value());
      EXPECT_NEAR(*tx_ratio, *sent / *speed_bytes, 1e-6 * *tx_ratio);
    } else {
      EXPECT_FALSE(tx_ratio.has_value());
    }
    EXPECT_EQ(ValueOf(scrape, "netif_stats_resets_total", "rA"), 0);
    EXPECT_EQ(ValueOf(scrape, "netif_stats_resets_total", "rB"), 0);
  }
  std::cout << "sent " << kRateBps / 1e6 << " Mbit/s; exported rA tx "
            << *ValueOf(scrapes.back(), "netif_transmit_bytes_per_second", "rA") * 8 / 1e6
            << " Mbit/s, rB rx "
            << *ValueOf(scrapes.back(), "netif_receive_bytes_per_second", "rB") * 8 / 1e6
            << " Mbit/s, rB utilization "
            << *ValueOf(scrapes.back(), "netif_utilization_ratio", "rB") << "\n";
}

}  // namespace
}  // namespace netif::testing_support
