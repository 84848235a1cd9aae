// Issue 16: scrapers that never read must not take the exporter past its memory limit. The built
// exporter runs in a cgroup limited to the 128 MiB the shipped deployment gives it (deploy/), on a
// generated fixture host of 7,000 interfaces; 8 HTTP/1.0 and 8 HTTP/1.1 clients ask for /metrics
// without gzip and never read. Each body held whole as text, the exporter was OOM-killed; now it
// must stay alive, never OOM-killed, under the limit, and still answer a normal scrape. Needs root
// (the cgroup). Bounded: 16 + a few connections, every wait capped, well under a minute on the
// fixture.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/memory_cgroup.h"
#include "support/scrape.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr int kInterfaces = 7000;
// deploy/'s limit for the exporter. Built with AddressSanitizer, the exporter needs nearly that at
// rest on this host (shadow memory, redzones), so it gets twice that; the 16 bodies held whole as
// text before still go far beyond it.
constexpr uint64_t kMemoryLimit = (kAddressSanitizer ? 256ull : 128ull) << 20;
constexpr int kClientsPerVersion = 8;

void WriteText(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr) << path;
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
}

void MakeDirectory(const std::string& path) {
  ASSERT_TRUE(::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) << path;
}

// A host of `count` up, full-duplex 10G interfaces `veth0`..: /proc/net/dev in the kernel's
// layout and each interface's attributes under sys/class/net, as tests/fixtures/host1 has them.
// Attributes with the same text for every interface are one file hard-linked into each directory:
// fourteen entries per interface but few inodes.
void WriteFixtureHost(const std::string& root, int count) {
  for (const std::string dir :
       {"/proc", "/proc/net", "/sys", "/sys/class", "/sys/class/net", "/shared"}) {
    MakeDirectory(root + dir);
  }
  const std::pair<const char*, const char*> same_everywhere[] = {{"operstate", "up"},
                                                                 {"carrier", "1"},
                                                                 {"mtu", "1500"},
                                                                 {"flags", "0x1003"},
                                                                 {"type", "1"},
                                                                 {"speed", "10000"},
                                                                 {"duplex", "full"},
                                                                 {"carrier_changes", "2"},
                                                                 {"carrier_up_count", "1"},
                                                                 {"carrier_down_count", "1"},
                                                                 {"ifalias", ""}};
  for (const auto& [attribute, value] : same_everywhere) {
    WriteText(root + "/shared/" + attribute, std::string(value) + "\n");
  }
  std::string dev =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n";
  for (int i = 0; i < count; ++i) {
    const std::string name = "veth" + std::to_string(i);
    const std::string n = std::to_string(i);
    dev += name + ": " + n + "007 " + n + "1 0 " + std::to_string(i % 3) + " 0 0 0 " +
           std::to_string(i % 5) + " " + n + "009 " + n + "3 0 0 0 0 0 0\n";
    const std::string dir = root + "/sys/class/net/" + name + "/";
    MakeDirectory(dir);
    for (const auto& [attribute, value] : same_everywhere) {
      ASSERT_EQ(::link((root + "/shared/" + attribute).c_str(), (dir + attribute).c_str()), 0)
          << dir << attribute << ": " << std::strerror(errno);
    }
    WriteText(dir + "ifindex", std::to_string(i + 2) + "\n");
    ASSERT_EQ(::link((dir + "ifindex").c_str(), (dir + "iflink").c_str()), 0);
    char address[32];
    std::snprintf(address, sizeof address, "02:00:%02x:%02x:%02x:01\n", (i >> 16) & 255,
                  (i >> 8) & 255, i & 255);
    WriteText(dir + "address", address);
  }
  WriteText(root + "/proc/net/dev", dev);
}

// The fixture's directory: on tmpfs when there is one (creating and removing so many entries on
// a busy disk took minutes), else under $TMPDIR.
std::unique_ptr<TempDir> FixtureDirectory() {
  struct stat shm {};
  if (::stat("/dev/shm", &shm) != 0 || !S_ISDIR(shm.st_mode)) return std::make_unique<TempDir>();
  const char* previous = std::getenv("TMPDIR");
  const std::optional<std::string> saved =
      previous != nullptr ? std::optional<std::string>(previous) : std::nullopt;
  ::setenv("TMPDIR", "/dev/shm", 1);
  auto dir = std::make_unique<TempDir>();
  if (saved) {
    ::setenv("TMPDIR", saved->c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  return dir;
}

// A client that asks for /metrics without gzip and never reads (a 4 KiB receive buffer).
int SendAndNeverRead(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The first bytes of the response a never-reading client has been sent (peeked, not read); ""
// while none has arrived.
std::string PeekResponse(int fd) {
  char head[16];
  const ssize_t got = ::recv(fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
  return got > 0 ? std::string(head, static_cast<std::size_t>(got)) : std::string();
}

long StatusKib(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// The bytes the kernel holds queued to send on each established IPv4 socket whose local port is
// `port` (the tx_queue column of /proc/net/tcp): memory cgroup v2 counts against the exporter's
// limit, v1 does not.
std::vector<uint64_t> SendQueues(int port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  std::vector<uint64_t> queues;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues_text;
    fields >> slot >> local >> remote >> state >> queues_text;
    const auto colon = local.find(':');
    if (colon == std::string::npos || state != "01") continue;  // 01: established
    if (std::stoi(local.substr(colon + 1), nullptr, 16) != port) continue;
    queues.push_back(std::stoull(queues_text.substr(0, queues_text.find(':')), nullptr, 16));
  }
  return queues;
}

struct Sockets {
  std::vector<int> fds;
  ~Sockets() {
    for (const int fd : fds) ::close(fd);
  }
};

TEST(HttpMemoryTest, ScrapersThatNeverReadStayWithinTheMemoryLimit) {
  NETIF_ASSERT_ROOT();
  const std::unique_ptr<TempDir> fixture = FixtureDirectory();
  const TempDir& dir = *fixture;
  WriteFixtureHost(dir.path(), kInterfaces);
  if (HasFatalFailure()) return;
  // Declared before the exporter: removed after it is gone.
  MemoryCgroup cgroup(kMemoryLimit);
  ExporterProcess::Options options;
  const std::vector<std::string> exporter = {
      ExporterBinary(),
      "--web.listen-address=127.0.0.1:0",
      "--config.file",
      dir.WriteFile("netif_exporter.yml", kFixtureConfigYaml),  // netlink off: no host links
      "--path.procfs",
      dir.path() + "/proc",
      "--path.sysfs",
      dir.path() + "/sys"};
  const std::vector<std::string> wrapped = cgroup.Wrap(exporter);
  options.binary = wrapped.front();
  options.args.assign(wrapped.begin() + 1, wrapped.end());
  options.start_timeout = std::chrono::seconds(60);
  if (kAddressSanitizer) {
    // ASan keeps up to 256 MB of freed blocks in quarantine, which would count against the limit
    // (each scrape frees a body). The exporter inherits this.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string value = std::string(asan != nullptr ? asan : "") + ":quarantine_size_mb=16";
    ::setenv("ASAN_OPTIONS", value.c_str(), 1);
  }
  ExporterProcess process(options);
  const pid_t pid = process.process().pid();

  // The whole host is in the exposition before the clients come.
  const auto full = [](const Exposition& scrape) {
    return scrape.Find("netif_receive_bytes_total").size() == kInterfaces;
  };
  ASSERT_TRUE(full(ScrapeUntil(process, full, std::chrono::seconds(60))))
      << "the exporter never showed all " << kInterfaces << " interfaces";

  Sockets clients;
  for (int i = 0; i < kClientsPerVersion; ++i) {
    for (const std::string request :
         {"GET /metrics HTTP/1.0\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"}) {
      const int fd = SendAndNeverRead(process.port(), request);
      ASSERT_GE(fd, 0) << "could not connect client " << clients.fds.size();
      clients.fds.push_back(fd);
    }
  }
  // Until every client has the start of its response (each body rendered and held), or the
  // exporter is gone.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::size_t started = 0;
  while (Clock::now() < deadline && process.process().Running()) {
    started = 0;
    for (const int fd : clients.fds) started += PeekResponse(fd).empty() ? 0 : 1;
    if (started == clients.fds.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // A few collection passes while the bodies are held.
  std::this_thread::sleep_for(std::chrono::seconds(3));

  EXPECT_EQ(cgroup.OomKills(), std::optional<uint64_t>(0));
  ASSERT_TRUE(process.process().Running()) << "the exporter died with the clients connected";
  EXPECT_EQ(started, clients.fds.size()) << "not every client got a response started";
  for (const int fd : clients.fds) {
    EXPECT_EQ(PeekResponse(fd).substr(0, 12), "HTTP/1.1 200") << "client " << fd;
  }
  const long peak_rss_kib = StatusKib(pid, "VmHWM");
  std::cout << "VmRSS " << StatusKib(pid, "VmRSS") / 1024 << " MiB, VmHWM " << peak_rss_kib / 1024
            << " MiB with " << clients.fds.size() << " clients that never read\n";
  EXPECT_GT(peak_rss_kib, 0);
  EXPECT_LT(static_cast<uint64_t>(peak_rss_kib) * 1024, kMemoryLimit);
  if (const auto peak = cgroup.PeakBytes()) {
    std::cout << "cgroup peak " << *peak / 1048576 << " MiB (" << (cgroup.v2() ? "v2" : "v1")
              << ")\n";
    EXPECT_LT(*peak, kMemoryLimit) << "the cgroup reached its limit";
  }

  // What the kernel holds for them is bounded too (its own tuning queued several MiB for each).
  const std::vector<uint64_t> queues = SendQueues(process.port());
  EXPECT_EQ(queues.size(), clients.fds.size());
  for (const uint64_t queued : queues) EXPECT_LE(queued, 1u << 20);

  // A normal scrape still works while they hang on, and is whole.
  const auto scrape = ParsedScrape(process);
  ASSERT_TRUE(scrape.has_value());
  EXPECT_TRUE(scrape->errors.empty());
  EXPECT_EQ(scrape->Find("netif_receive_bytes_total").size(),
            static_cast<std::size_t>(kInterfaces));
  const auto gzip = process.Get("/metrics", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(gzip.has_value());
  EXPECT_EQ(gzip->status, 200);

  // And once they go, nothing stays behind: the exporter stops cleanly.
  for (const int fd : clients.fds) ::close(fd);
  clients.fds.clear();
  const auto exit = process.Stop(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "the exporter did not stop on SIGTERM";
  EXPECT_EQ(cgroup.OomKills(), std::optional<uint64_t>(0));
}

}  // namespace
}  // namespace netif::testing_support
