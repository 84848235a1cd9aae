// The netlink collector against a real kernel. In a private network namespace, the built exporter
// runs as an unprivileged user (uid 65534, no capabilities: rtnetlink needs none) while the test
// flaps, creates, renames and deletes veth links and floods the socket with link events. Checks:
//   - every one of N >= 200 flaps done as fast as `ip -batch` can is counted, exactly;
//   - a created, renamed or deleted link shows in the scrape as soon as its event is read, and a
//     deleted or renamed-away name never comes back;
//   - the device filter follows renames;
//   - after a burst of 1,000 veth pairs created and deleted, the scrape lists exactly the links
//     `ip -j link` lists, with a normal receive buffer and with a tiny one that forces ENOBUFS
//     (NETIF_NETLINK_RCVBUF_BYTES, the hidden test knob) and so the resync path.
//
// Needs root to make the namespace; FAILS (never skips) without it. Everything happens inside
// the namespace the test made, which is deleted with its links and processes even when a test
// fails. Every wait is bounded in time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using std::chrono::steady_clock;

constexpr auto kWaitLimit = 20s;
constexpr auto kPollPause = 20ms;
constexpr int kFlaps = 300;
constexpr int kStormPairs = 1000;
constexpr char kNobody[] = "65534";

// Polls `condition` until it holds or `limit` passes; returns whether it held.
template <typename Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds limit = kWaitLimit) {
  const auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(kPollPause);
  }
  return condition();
}

std::set<std::string> Devices(const Exposition& scrape) {
  std::set<std::string> devices;
  for (const Sample* sample : scrape.Find("netif_info"))
    devices.insert(sample->labels.at("device"));
  return devices;
}

std::string Join(const std::set<std::string>& names, std::size_t limit = 20) {
  std::string text;
  std::size_t shown = 0;
  for (const auto& name : names) {
    if (shown++ == limit) return text + "... (" + std::to_string(names.size()) + " in all)";
    text += name + " ";
  }
  return text;
}

class NetlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    netns_ = std::make_unique<NetworkNamespace>();  // throws, and so fails, when it cannot
    netns_->CreateVethPair("vA", "vB");
    netns_->SetUp("vB");
    netns_->SetUp("vA");
  }

  void TearDown() override {
    if (!exporter_) return;
    const auto errors = exporter_->ErrorLines();
    EXPECT_TRUE(errors.empty()) << "error lines in the exporter's log:\n"
                                << ::testing::PrintToString(errors);
  }

  struct StartOptions {
    std::optional<int> receive_buffer_bytes;  // NETIF_NETLINK_RCVBUF_BYTES
    std::string config_yaml;                  // empty: built-in defaults
  };

  // Runs the exporter inside the namespace as nobody, with no capabilities.
  void StartExporter(const StartOptions& start = {}) {
    ExporterProcess::Options options;
    options.binary = "setpriv";
    options.args = {std::string("--reuid=") + kNobody, std::string("--regid=") + kNobody,
                    "--clear-groups", "--", "env"};
    if (start.receive_buffer_bytes) {
      options.args.push_back("NETIF_NETLINK_RCVBUF_BYTES=" +
                             std::to_string(*start.receive_buffer_bytes));
    }
    options.args.insert(options.args.end(), {ExporterBinary(), "--web.listen-address=127.0.0.1:0",
                                             "--collection.interval=1s"});
    if (!start.config_yaml.empty()) {
      const std::string config = dir_.WriteFile("netif.yml", start.config_yaml);
      // The exporter runs as nobody: let it into the private temporary directory.
      namespace fs = std::filesystem;
      fs::permissions(dir_.path(), fs::perms::others_exec, fs::perm_options::add);
      fs::permissions(config, fs::perms::others_read, fs::perm_options::add);
      options.args.push_back("--config.file=" + config);
    }
    options.netns = netns_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  // The exporter really runs unprivileged: the point of "no capabilities needed".
  void ExpectRunsAsNobody() {
    std::ifstream status("/proc/" + std::to_string(exporter_->process().pid()) + "/status");
    std::string line;
    bool checked = false;
    while (std::getline(status, line)) {
      if (line.starts_with("Uid:")) {
        EXPECT_EQ(line, std::string("Uid:\t") + kNobody + "\t" + kNobody + "\t" + kNobody + "\t" +
                            kNobody);
        checked = true;
      }
      if (line.starts_with("CapEff:")) {
        EXPECT_EQ(line, "CapEff:\t0000000000000000");
      }
    }
    EXPECT_TRUE(checked) << "no Uid line for the exporter's pid";
  }

  // A parsed scrape; empty when the request failed (a failure is recorded either way).
  Exposition Scrape() { return ParsedScrape(*exporter_).value_or(Exposition{}); }

  // The value of one series, or NaN when absent (so an equality check fails with a clear value).
  static double Value(const Exposition& scrape, const std::string& name, const Labels& labels) {
    return scrape.Value(name, labels).value_or(std::nan(""));
  }
  double Transitions(const Exposition& scrape, const std::string& device,
                     const std::string& direction) {
    return Value(scrape, "netif_link_transitions_total",
                 {{"device", device}, {"direction", direction}});
  }

  // Runs `ip -batch` with `commands` (one per line) inside the namespace: as fast as iproute2
  // can issue them, one netlink request after the other.
  void Batch(const std::string& commands) {
    const std::string file = dir_.WriteFile("commands.batch", commands);
    netns_->RunOrThrow("ip -batch " + file);
  }

  // Waits until the exporter lists exactly the links `ip -j link` lists.
  void ExpectConsistentWithIpLink(const std::string& when) {
    std::set<std::string> scraped;
    std::set<std::string> kernel;
    const bool consistent = WaitUntil(
        [&] {
          kernel.clear();
          for (const auto& [name, link] : netns_->IpJsonLinkStats()) kernel.insert(name);
          scraped = Devices(Scrape());
          return scraped == kernel;
        },
        60s);
    std::set<std::string> missing;
    std::set<std::string> extra;
    for (const auto& name : kernel) {
      if (!scraped.contains(name)) missing.insert(name);
    }
    for (const auto& name : scraped) {
      if (!kernel.contains(name)) extra.insert(name);
    }
    EXPECT_TRUE(consistent) << when << ": the scrape does not list what `ip -j link` lists; "
                            << "missing: " << Join(missing) << "; extra: " << Join(extra);
  }

  std::string StormCreateCommands() const {
    std::string commands;
    // One group for all: `ip link del group` removes them in one request, a burst rather than
    // a thousand synchronize_net() waits.
    for (int i = 0; i < kStormPairs; ++i) {
      commands += "link add name s" + std::to_string(i) + " group 7 type veth peer name t" +
                  std::to_string(i) + "\n";
    }
    return commands;
  }

  TempDir dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<ExporterProcess> exporter_;  // destroyed before netns_
};

TEST_F(NetlinkTest, EveryFlapIsCountedExactly) {
  StartExporter();
  ExpectRunsAsNobody();
  const Exposition before = Scrape();
  ASSERT_EQ(Value(before, "netif_oper_up", {{"device", "vA"}}), 1);
  ASSERT_EQ(Transitions(before, "vA", "down"), 0);
  ASSERT_EQ(Transitions(before, "vA", "up"), 0);
  EXPECT_EQ(Value(before, "netif_netlink_resyncs_total", {}), 1);
  EXPECT_EQ(Value(before, "netif_scrape_collector_success", {{"collector", "netlink"}}), 1);

  std::string commands;
  for (int i = 0; i < kFlaps; ++i) commands += "link set vA down\nlink set vA up\n";
  Batch(commands);

  Exposition after;
  EXPECT_TRUE(WaitUntil([&] {
    after = Scrape();
    return Transitions(after, "vA", "up") >= kFlaps;
  })) << "up transitions seen: "
      << Transitions(after, "vA", "up");
  // A second later: nothing counted twice, nothing late.
  std::this_thread::sleep_for(1s);
  after = Scrape();
  EXPECT_EQ(Transitions(after, "vA", "down"), kFlaps);
  EXPECT_EQ(Transitions(after, "vA", "up"), kFlaps);
  // Exact counts hold only if no event was lost; if these fail, the two above say by how much.
  EXPECT_EQ(Value(after, "netif_netlink_errors_total", {{"reason", "enobufs"}}), 0);
  EXPECT_EQ(Value(after, "netif_netlink_resyncs_total", {}), 1);
  EXPECT_GE(Value(after, "netif_netlink_events_total", {}), 3.0 * kFlaps);
  EXPECT_EQ(Value(after, "netif_admin_up", {{"device", "vA"}}), 1);
  EXPECT_EQ(Value(after, "netif_oper_up", {{"device", "vA"}}), 1);
  EXPECT_EQ(Value(after, "netif_carrier", {{"device", "vA"}}), 1);
  EXPECT_EQ(Value(after, "netif_info", {{"device", "vA"}, {"operstate", "up"}}), 1);
  EXPECT_GT(Value(after, "netif_last_change_timestamp_seconds", {{"device", "vA"}}),
            Value(after, "process_start_time_seconds", {}) - 1);

  // Each change logged is one structured line; a flood is thinned (a burst of 200, then 10 a
  // second: util/log_rate_limit.h), and the next line that gets through says how many it left
  // out. The metrics above count every change.
  const std::regex down_line(
      R"(msg="link event" device=vA ifindex=\d+ from=up to=down up=0 running=0 carrier=0)");
  const std::regex any_line(R"(msg="link event" )");
  // The flood is over and tokens are back (a second has passed): one more change gets through
  // and reports what was left out.
  netns_->SetDown("vA");
  const std::regex suppressed_line(R"(msg="link event lines suppressed" count=\d+)");
  EXPECT_TRUE(WaitUntil([&] { return std::regex_search(exporter_->Stderr(), suppressed_line); }))
      << "what was left out is not accounted for";
  const std::string log = exporter_->Stderr();
  const auto count = [&log](const std::regex& pattern) {
    return std::distance(std::sregex_iterator(log.begin(), log.end(), pattern),
                         std::sregex_iterator());
  };
  EXPECT_GT(count(down_line), 0);
  EXPECT_LE(count(any_line), 200 + 10 * 60) << "the flood was not thinned";
}

TEST_F(NetlinkTest, AdminDownShowsWithoutWaitingForASample) {
  StartExporter();
  const auto start = steady_clock::now();
  netns_->SetDown("vA");
  Exposition scrape;
  // The procfs/sysfs sampler runs once a second; the event must beat it by far.
  ASSERT_TRUE(WaitUntil(
      [&] {
        scrape = Scrape();
        return Value(scrape, "netif_admin_up", {{"device", "vA"}}) == 0;
      },
      900ms));
  EXPECT_LT(steady_clock::now() - start, 900ms);
  EXPECT_EQ(Value(scrape, "netif_oper_up", {{"device", "vA"}}), 0);
  EXPECT_EQ(Value(scrape, "netif_info", {{"device", "vA"}, {"operstate", "down"}}), 1);
  EXPECT_EQ(Value(scrape, "netif_info", {{"device", "vB"}, {"operstate", "lowerlayerdown"}}), 1);
}

TEST_F(NetlinkTest, CreateRenameAndDeleteFollowTheKernel) {
  StartOptions start;
  start.config_yaml = "metrics:\n  profile: full\n";  // netif_iface_id is not in the default
  StartExporter(start);
  netns_->CreateVethPair("vX", "vY");
  Exposition scrape;
  ASSERT_TRUE(WaitUntil(
      [&] {
        scrape = Scrape();
        return Devices(scrape).contains("vX") && Devices(scrape).contains("vY");
      },
      2s));
  const double ifindex = Value(scrape, "netif_iface_id", {{"device", "vX"}});
  netns_->SetUp("vY");
  netns_->SetUp("vX");
  ASSERT_TRUE(WaitUntil([&] { return Value(Scrape(), "netif_oper_up", {{"device", "vX"}}) == 1; }));
  netns_->SetDown("vX");  // a link must be down to be renamed
  ASSERT_TRUE(WaitUntil([&] { return Transitions(Scrape(), "vX", "down") == 1; }));

  netns_->RunOrThrow("ip link set vX name vRenamed");
  ASSERT_TRUE(WaitUntil(
      [&] {
        scrape = Scrape();
        return Devices(scrape).contains("vRenamed") && !Devices(scrape).contains("vX");
      },
      2s));
  // The link kept its history and identity under the new name.
  EXPECT_EQ(Transitions(scrape, "vRenamed", "down"), 1);
  EXPECT_EQ(Value(scrape, "netif_iface_id", {{"device", "vRenamed"}}), ifindex);
  EXPECT_EQ(Value(scrape, "netif_admin_up", {{"device", "vRenamed"}}), 0);
  EXPECT_TRUE(std::regex_search(exporter_->Stderr(),
                                std::regex(R"(msg="link renamed" device=vRenamed ifindex=\d+ )"
                                           R"(old_device=vX)")));

  netns_->Delete("vRenamed");  // takes its peer vY along
  ASSERT_TRUE(WaitUntil(
      [&] {
        scrape = Scrape();
        return !Devices(scrape).contains("vRenamed") && !Devices(scrape).contains("vY");
      },
      2s));

  // Three sampler periods later the old names have not come back (a sample read before the
  // event must not resurrect them).
  const auto until = steady_clock::now() + 3s;
  while (steady_clock::now() < until) {
    const auto devices = Devices(Scrape());
    for (const char* gone : {"vX", "vY", "vRenamed"}) {
      ASSERT_FALSE(devices.contains(gone)) << gone << " came back";
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(Devices(Scrape()), (std::set<std::string>{"lo", "vA", "vB"}));
}

TEST_F(NetlinkTest, RenamesMoveLinksInAndOutOfTheDeviceFilter) {
  StartOptions start;
  start.config_yaml = "local:\n  device_exclude: \"hidden.*\"\n";
  StartExporter(start);
  netns_->SetDown("vA");
  netns_->RunOrThrow("ip link set vA name hidden0");
  ASSERT_TRUE(WaitUntil([&] { return !Devices(Scrape()).contains("vA"); }, 2s));
  EXPECT_FALSE(Devices(Scrape()).contains("hidden0"));
  netns_->RunOrThrow("ip link set hidden0 name shown0");
  ASSERT_TRUE(WaitUntil([&] { return Devices(Scrape()).contains("shown0"); }, 2s));
  EXPECT_EQ(Value(Scrape(), "netif_info", {{"device", "shown0"}, {"operstate", "down"}}), 1);
}

TEST_F(NetlinkTest, StormOfAThousandVethPairsEndsConsistent) {
  StartExporter();
  Batch(StormCreateCommands());
  ExpectConsistentWithIpLink("after creating 1000 veth pairs");
  netns_->RunOrThrow("ip link del group 7");
  ExpectConsistentWithIpLink("after deleting them");
  const Exposition scrape = Scrape();
  std::cout << "[ storm    ] default buffer: resyncs="
            << Value(scrape, "netif_netlink_resyncs_total", {})
            << " enobufs=" << Value(scrape, "netif_netlink_errors_total", {{"reason", "enobufs"}})
            << " events=" << Value(scrape, "netif_netlink_events_total", {}) << "\n";
  EXPECT_EQ(Value(scrape, "netif_netlink_errors_total", {{"reason", "malformed"}}), 0);
  EXPECT_EQ(Value(scrape, "netif_netlink_errors_total", {{"reason", "truncated"}}), 0);
  EXPECT_EQ(Value(scrape, "netif_scrape_collector_success", {{"collector", "netlink"}}), 1);
}

TEST_F(NetlinkTest, StormThatOverflowsATinyBufferResyncsAndEndsConsistent) {
  // As nobody, SO_RCVBUFFORCE is refused and SO_RCVBUF 4096 leaves room for two or three
  // messages. The exporter is stopped (SIGSTOP) during each burst, so nothing reads the socket
  // and it overflows for certain, whatever the machine's speed.
  StartOptions start;
  start.receive_buffer_bytes = 4096;
  StartExporter(start);
  ExpectRunsAsNobody();
  ASSERT_TRUE(exporter_->process().Signal(SIGSTOP));
  Batch(StormCreateCommands());
  ASSERT_TRUE(exporter_->process().Signal(SIGCONT));
  ExpectConsistentWithIpLink("after creating 1000 veth pairs");
  ASSERT_TRUE(exporter_->process().Signal(SIGSTOP));
  netns_->RunOrThrow("ip link del group 7");
  ASSERT_TRUE(exporter_->process().Signal(SIGCONT));
  ExpectConsistentWithIpLink("after deleting them");
  const Exposition scrape = Scrape();
  const double resyncs = Value(scrape, "netif_netlink_resyncs_total", {});
  const double overflows = Value(scrape, "netif_netlink_errors_total", {{"reason", "enobufs"}});
  std::cout << "[ storm    ] tiny buffer: resyncs=" << resyncs << " enobufs=" << overflows
            << " events=" << Value(scrape, "netif_netlink_events_total", {}) << "\n";
  EXPECT_GT(overflows, 0);
  EXPECT_GT(resyncs, 1) << "the overflow must have triggered a new dump";
  EXPECT_EQ(Value(scrape, "netif_scrape_collector_success", {{"collector", "netlink"}}), 1);
  // One warning per overflow episode, not one per overflow.
  const std::string log = exporter_->Stderr();
  const std::regex warning(R"(level=warn msg="netlink events lost)");
  EXPECT_LT(
      std::distance(std::sregex_iterator(log.begin(), log.end(), warning), std::sregex_iterator()),
      overflows + 1);
  // And a flap after the storm still counts, from the resynced state.
  netns_->SetDown("vA");
  EXPECT_TRUE(WaitUntil([&] { return Transitions(Scrape(), "vA", "down") == 1; }, 2s));
}

}  // namespace
}  // namespace netif::testing_support
