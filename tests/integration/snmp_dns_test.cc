// SNMP targets given by host name when DNS never answers for some of them. Everything lives in a
// private network namespace: snmpd on its loopback, a "DNS server" on 127.0.0.53:53 that reads
// and drops every query, and the exporter, whose /etc/resolv.conf (that server, with glibc made
// to wait 30 s x 5 attempts per query), /etc/hosts (the live names) and /etc/nsswitch.conf
// (files, then dns) are bind-mounted from temp files in a mount namespace of its own. 30 dead
// names sit beside 10 live host-name targets:
//  - every live target is polled successfully within 30 s (one resolver thread looking names up
//    one at a time spends 150 s on each dead name before the next);
//  - every dead target fails with kind `transport` and a "no answer" error at its deadline;
//  - the live names never reach DNS (the hosts file answers them), the dead ones do;
//  - SIGTERM while the dead lookups are still inside getaddrinfo: the exporter exits within 10 s.
//
// Needs root (namespaces, port 53, mounts); FAILS without it, never skips. The namespace, agent,
// socket and exporter are torn down by RAII even when a check fails.
#include <arpa/inet.h>
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/snmp/agents.h"
#include "support/snmp/snmp_test_env.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr int kLiveTargets = 10;
constexpr int kDeadTargets = 30;
constexpr char kCommunity[] = "netif-test-ro";
constexpr char kDnsAddress[] = "127.0.0.53";

std::string Numbered(const std::string& prefix, int i) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d", i);
  return prefix + text;
}
std::string HostName(const std::string& target) { return target + ".netif-test"; }
double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// A UDP socket on 127.0.0.53:53 inside the namespace that never answers; the queries pile up in
// its receive buffer (and beyond that are dropped, as a dead server's are).
class SilentDnsServer {
 public:
  explicit SilentDnsServer(const NetworkNamespace& ns) {
    ns.RunInside([this] {
      fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(53);
      ::inet_pton(AF_INET, kDnsAddress, &address.sin_addr);
      if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error(std::string("bind 127.0.0.53:53: ") + std::strerror(errno));
      }
    });
  }
  ~SilentDnsServer() {
    if (fd_ >= 0) ::close(fd_);
  }
  SilentDnsServer(const SilentDnsServer&) = delete;
  SilentDnsServer& operator=(const SilentDnsServer&) = delete;

  // The first label of each query's name received so far ("dead-07"), read without answering.
  std::set<std::string> QueriedLabels() {
    std::set<std::string> labels;
    unsigned char query[512];
    for (int i = 0; i < 100000; ++i) {
      const ssize_t n = ::recv(fd_, query, sizeof query, MSG_DONTWAIT);
      if (n < 0) break;
      // 12-byte header, then the question's name as length-prefixed labels.
      if (n > 13 && 13 + query[12] <= n) {
        labels.emplace(reinterpret_cast<const char*>(query + 13), query[12]);
      }
    }
    return labels;
  }

 private:
  int fd_ = -1;
};

// The names of the process's threads (/proc/PID/task/*/comm).
std::multiset<std::string> ThreadNames(pid_t pid) {
  std::multiset<std::string> names;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(tasks + "/" + entry->d_name + "/comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  ::closedir(dir);
  return names;
}

class SnmpDnsTest : public ::testing::Test {
 protected:
  void SetUp() override { NETIF_ASSERT_ROOT(); }
};

TEST_F(SnmpDnsTest, DeadNamesDelayNoLiveTargetAndNoLookupDelaysShutdown) {
  NetworkNamespace ns;
  SnmpdAgent::Options agent_options;
  agent_options.community = kCommunity;
  agent_options.netns = ns.name();
  SnmpdAgent agent(agent_options);
  SilentDnsServer dns(ns);

  std::vector<std::string> live;
  std::vector<std::string> dead;
  for (int i = 1; i <= kLiveTargets; ++i) live.push_back(Numbered("live-", i));
  for (int i = 1; i <= kDeadTargets; ++i) dead.push_back(Numbered("dead-", i));

  TempDir dir;
  std::string hosts = "127.0.0.1 localhost\n";
  std::string targets;
  for (const std::string& name : live) {
    hosts += "127.0.0.1 " + HostName(name) + "\n";
    targets += "    - {name: " + name + ", address: \"" + HostName(name) + ":" +
               std::to_string(agent.udp_port()) + "\", community: " + kCommunity + "}\n";
  }
  for (const std::string& name : dead) {
    targets += "    - {name: " + name + ", address: \"" + HostName(name) +
               "\", community: " + kCommunity + "}\n";
  }
  ExporterProcess::Options options = SnmpExporterOptions(
      dir, SnmpOnlyConfig(targets, "{interval: 5s, timeout: 1s, retries: 1}"), ns.name());
  options.bind_files = {
      {dir.WriteFile("resolv.conf", std::string("nameserver ") + kDnsAddress +
                                        "\noptions timeout:30 attempts:5\n"),
       "/etc/resolv.conf"},
      {dir.WriteFile("hosts", hosts), "/etc/hosts"},
      {dir.WriteFile("nsswitch.conf", "hosts: files dns\n"), "/etc/nsswitch.conf"}};
  ExporterProcess exporter(options);

  const auto settled = [&](const Exposition& s) {
    for (const std::string& name : live) {
      if (TargetUp(s, name) != 1.0) return false;
    }
    for (const std::string& name : dead) {
      if (SnmpErrors(s, name, "transport") < 1) return false;
    }
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  const Exposition scrape = ScrapeUntil(exporter, settled, 30s);
  std::cout << "settled after " << Seconds(std::chrono::steady_clock::now() - started)
            << " s (first polls are spread over the 5 s interval)\n";
  for (const std::string& name : live) {
    EXPECT_EQ(TargetUp(scrape, name), 1) << name;
    EXPECT_GE(scrape.Value("netif_snmp_interfaces", {{"target", name}}).value_or(0), 1) << name;
    EXPECT_FALSE(scrape.Find("netif_receive_bytes_total", {{"target", name}}).empty()) << name;
    EXPECT_EQ(SnmpErrors(scrape, name, "transport"), 0) << name;
  }
  for (const std::string& name : dead) {
    EXPECT_EQ(TargetUp(scrape, name), 0) << name;
    EXPECT_GE(SnmpErrors(scrape, name, "transport"), 1) << name;
    EXPECT_EQ(SnmpErrors(scrape, name, "timeout"), 0) << name;  // no session was ever opened
  }
  EXPECT_THAT(exporter.Stderr(),
              HasSubstr("cannot resolve " + HostName(dead[0]) + ": no answer within"));

  // The dead names went to the silent server; the live ones never left the hosts file.
  const std::set<std::string> queried = dns.QueriedLabels();
  EXPECT_FALSE(queried.empty()) << "no query reached the silent DNS server";
  for (const std::string& name : live) EXPECT_FALSE(queried.contains(name)) << name;
  for (const std::string& name : queried) EXPECT_TRUE(name.starts_with("dead-")) << name;

  // The dead lookups are still inside getaddrinfo (150 s each); SIGTERM must not wait for them.
  EXPECT_GE(ThreadNames(exporter.process().pid()).count("netif-lookup"), 1u);
  const auto signalled = std::chrono::steady_clock::now();
  const std::optional<ExitCode> code = exporter.Stop(10s);
  std::cout << "exited " << Seconds(std::chrono::steady_clock::now() - signalled)
            << " s after SIGTERM\n";
  ASSERT_TRUE(code.has_value()) << "the exporter did not exit within 10 s of SIGTERM";
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace netif::testing_support
