// A stderr nobody reads (a stalled journald or container runtime) must cost log lines, never
// collection. The built exporter runs in a private network namespace with its stderr on a FIFO
// the test holds open but stops reading after the listening line, and with a small log queue (the
// hidden NETIF_LOG_QUEUE_BYTES knob); then come 400 link flaps (each an info line) and raw
// frames. Checks: every flap is counted, the frames show in the counters, the dropped lines are
// counted in netif_log_messages_dropped_total, and SIGTERM still ends the process promptly.
//
// Needs root (namespaces); FAILS, never skips, without it. Every wait is bounded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

constexpr int kFlaps = 400;

class LogStallTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (fifo_fd_ >= 0) ::close(fifo_fd_);
  }

  // The exporter's scrape, parsed; nullopt when it did not answer.
  std::optional<Exposition> Scrape() const {
    const auto response = HttpGetInNetns(netns_->name(), "127.0.0.1", port_, "/metrics");
    if (!response || response->status != 200) return std::nullopt;
    return ParseExposition(response->body);
  }

  // Scrapes until `done` holds (bounded); returns the last scrape.
  template <typename Done>
  std::optional<Exposition> ScrapeUntil(Done done, std::chrono::seconds limit = 30s) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::optional<Exposition> last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = Scrape();
      if (last && done(*last)) break;
      std::this_thread::sleep_for(200ms);
    }
    return last;
  }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  int fifo_fd_ = -1;
  int port_ = 0;
};

TEST_F(LogStallTest, CollectionGoesOnAndDroppedLinesAreCounted) {
  NETIF_ASSERT_ROOT();
  netns_ = std::make_unique<NetworkNamespace>();
  netns_->CreateVethPair("vA", "vB");
  netns_->SetUp("vA");
  netns_->SetUp("vB");
  const std::string fifo = dir_.path() + "/stderr.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fifo_fd_ = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // held open, read only until the port
  ASSERT_GE(fifo_fd_, 0);
  // One page: the stall shows after a few dozen lines (link event lines are rate-limited).
  ASSERT_GT(::fcntl(fifo_fd_, F_SETPIPE_SZ, 4096), 0);
  std::vector<std::string> argv = netns_->ExecPrefix();
  argv.insert(argv.end(),
              {"sh", "-c",
               "NETIF_LOG_QUEUE_BYTES=4096 exec \"$0\" --web.listen-address=127.0.0.1:0 "
               "--collection.interval=200ms --log.level=debug 2>\"$1\"",
               ExporterBinary(), fifo});
  Subprocess exporter(argv);

  std::string log;
  const std::regex listening(R"(msg=listening.* port=(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::smatch match;
  while (std::chrono::steady_clock::now() < deadline && !std::regex_search(log, match, listening)) {
    char buffer[4096];
    const ssize_t n = ::read(fifo_fd_, buffer, sizeof buffer);
    if (n > 0) log.append(buffer, static_cast<size_t>(n));
    if (n <= 0) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(std::regex_search(log, match, listening)) << log;
  port_ = std::stoi(match[1]);
  // From here on nobody reads the FIFO: its 64 KiB fill with the first few hundred lines.

  std::string batch;
  for (int i = 0; i < kFlaps; ++i) batch += "link set vA down\nlink set vA up\n";
  const std::string batch_file = dir_.WriteFile("flaps.batch", batch);
  netns_->RunOrThrow("ip -batch " + batch_file);
  netns_->SendRawFrames("vA", 500, 200);

  const auto flapped = [](const Exposition& s) {
    return s.Value("netif_link_transitions_total", {{"device", "vA"}, {"direction", "down"}}) ==
           kFlaps;
  };
  const auto framed = [](const Exposition& s) {
    return s.Value("netif_receive_packets_total", {{"device", "vB"}}).value_or(0) >= 500;
  };
  const auto scrape = ScrapeUntil([&](const Exposition& s) {
    return flapped(s) && framed(s) && s.Value("netif_log_messages_dropped_total").value_or(0) > 0;
  });
  ASSERT_TRUE(scrape.has_value()) << "no scrape answered";
  EXPECT_EQ(
      scrape->Value("netif_link_transitions_total", {{"device", "vA"}, {"direction", "down"}}),
      kFlaps)
      << "link events stopped being applied";
  EXPECT_GE(scrape->Value("netif_receive_packets_total", {{"device", "vB"}}).value_or(0), 500)
      << "the local sampler froze";
  EXPECT_GT(scrape->Value("netif_log_messages_dropped_total").value_or(0), 0)
      << "dropped lines are not counted";
  EXPECT_EQ(scrape->Value("netif_scrape_collector_success", {{"collector", "netlink"}}), 1);

  ASSERT_TRUE(exporter.Signal(SIGTERM));
  const auto code = exporter.Wait(10s);
  ASSERT_TRUE(code.has_value()) << "SIGTERM did not end the exporter with stderr stalled";
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace netif::testing_support
