// A private network namespace per test, so kernel tests make, break and flood interfaces without
// touching the host's. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2's `ip`.
//
// A failure to set the namespace up throws std::runtime_error with the command and its stderr:
// a kernel test must fail loudly, never skip, when its environment is missing.
//
// Code runs "inside" the namespace in one of two ways: commands through `ip netns exec NAME`
// (which also remounts /sys for it, so sysfs shows the namespace's devices), and in-process work
// (raw sockets, HTTP) on a dedicated thread that setns()'d into it: the network namespace is a
// per-thread attribute, so the rest of the test process stays where it was.
//
// Thread-safety: const methods are safe for concurrent use; construction/destruction are not.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/subprocess.h"

namespace netif::testing_support {

// One device's line of `ip -s -j link`.
struct IpLinkStats {
  std::string name;
  uint32_t ifindex = 0;
  std::string operstate;  // "UP", "DOWN", "LOWERLAYERDOWN", ...
  bool admin_up = false;  // "UP" among the flags (IFF_UP)
  uint64_t rx_bytes = 0;
  uint64_t rx_packets = 0;
  uint64_t rx_errors = 0;
  uint64_t rx_dropped = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_errors = 0;
  uint64_t tx_dropped = 0;
  // Every number under "stats64" by path, as `ip -s -s -j link` prints them: "rx.bytes",
  // "rx.length_errors", "tx.aborted_errors", ... (iproute2 leaves some out when 0: "rx.nohandler").
  std::map<std::string, uint64_t> stats64;
};

// Parses the JSON `ip -s -j link` prints into devices by name; throws std::runtime_error on
// malformed input. Exposed for its own unit test.
std::map<std::string, IpLinkStats> ParseIpLinkJson(const std::string& json);

class NetworkNamespace {
 public:
  // Creates `netif-test-<pid>-<n>`, brings its loopback up (the exporter listens on 127.0.0.1)
  // and turns IPv6 off in it (no router solicitations or MLD reports moving the counters the test
  // counts). Throws std::runtime_error with the reason on any failure.
  NetworkNamespace();
  // Kills every process still in the namespace and deletes it (with the devices in it). A failure
  // here is reported with ADD_FAILURE: a leaked namespace is a bug.
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  const std::string& name() const { return name_; }
  // The bind-mounted namespace file, for setns().
  std::string Path() const { return "/run/netns/" + name_; }
  // {"ip", "netns", "exec", name}: prefix an argv with it to run the program inside.
  std::vector<std::string> ExecPrefix() const;

  // Runs `command` (split on spaces, e.g. "ip link set vA up") inside the namespace.
  CommandResult Run(const std::string& command) const;
  // Like Run() but throws std::runtime_error (command, status, stderr) unless it exits 0.
  void RunOrThrow(const std::string& command) const;

  // Device helpers; each throws on failure.
  void CreateVethPair(const std::string& a, const std::string& b) const;
  void SetUp(const std::string& device) const;
  void SetDown(const std::string& device) const;
  void Delete(const std::string& device) const;

  // `ip -s -j link` inside the namespace, by device name (`ip -s -s -j link` with `detailed`: the
  // error counters in `stats64` too).
  std::map<std::string, IpLinkStats> IpJsonLinkStats(bool detailed = false) const;

  // Sends `count` raw Ethernet frames of exactly `frame_size` bytes (header included, no FCS;
  // 60..1514) with EtherType 0x88B5 (IEEE local experimental) out of `device` via AF_PACKET,
  // from inside the namespace. No IP configuration needed. Throws on any failed or short send.
  void SendRawFrames(const std::string& device, int count, int frame_size) const;

  // Runs `work` on a fresh thread that has joined this namespace, and joins it; an exception
  // thrown by `work` is rethrown here.
  void RunInside(const std::function<void()>& work) const;

 private:
  std::string name_;
};

// Runs `work` on a thread that setns()'d into the namespace at `netns_path` (/run/netns/NAME).
void RunInNetns(const std::string& netns_path, const std::function<void()>& work);

// HttpGet() from inside a namespace: needed to reach an exporter listening on the namespace's
// own loopback. nullopt when the namespace cannot be entered or the request fails.
std::optional<HttpResponse> HttpGetInNetns(const std::string& netns_name, const std::string& host,
                                           int port, const std::string& path,
                                           const std::vector<std::string>& extra_headers = {},
                                           int timeout_ms = 10000);

}  // namespace netif::testing_support
