// Real SNMP agents for tests, started and stopped RAII-style: Debian's snmpd (optionally inside a
// network namespace, so its IF-MIB shows that namespace's veth pairs), snmpsimd serving snmprec
// recordings, and a UDP proxy that misbehaves on purpose (garbles, truncates, or stops answering
// after a number of responses). Everything listens on loopback only, on ports the kernel picked.
//
// Each constructor waits (bounded) until the agent answers and throws std::runtime_error with the
// agent's output when it does not: a test must fail loudly, never skip.
//
// Thread-safety: REQUIRES external synchronization (one test thread); FaultyUdpProxy's counters
// may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {

// A port on 127.0.0.1 that was free a moment ago (bind port 0, read it back, close). `netns`:
// ask inside that namespace (a path under /run/netns).
int FreeLoopbackPort(bool tcp = false, const std::optional<std::string>& netns = std::nullopt);

// `snmpget` of sysUpTime.0 with a short timeout; true when the agent answered. `args` are the
// version/credential flags, e.g. {"-v2c", "-c", "public"}.
bool AgentAnswers(const std::string& address, const std::vector<std::string>& args,
                  const std::optional<std::string>& netns = std::nullopt);

struct SnmpV3User {
  std::string name;
  std::string auth_protocol = "SHA";  // snmpd's createUser spelling
  std::string auth_password;
  std::string priv_protocol = "AES";
  std::string priv_password;
};

class SnmpdAgent {
 public:
  struct Options {
    std::string community = "public";
    std::vector<SnmpV3User> users;     // created with createUser, granted read access (authPriv)
    bool with_tcp = false;             // also listen on a TCP port
    std::optional<std::string> netns;  // run inside this namespace (its name)
    std::vector<std::string> extra_config;  // more snmpd.conf lines
  };

  explicit SnmpdAgent(Options options);
  ~SnmpdAgent();  // SIGTERM, then SIGKILL after a second
  SnmpdAgent(const SnmpdAgent&) = delete;
  SnmpdAgent& operator=(const SnmpdAgent&) = delete;

  int udp_port() const { return udp_port_; }
  int tcp_port() const { return tcp_port_; }  // 0 without with_tcp
  std::string UdpAddress() const { return "127.0.0.1:" + std::to_string(udp_port_); }
  std::string Output() const;  // snmpd's log so far

 private:
  Options options_;
  TempDir dir_;
  int udp_port_ = 0;
  int tcp_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

class SnmpsimAgent {
 public:
  struct Options {
    // community -> recording file; each is copied into a data directory nobody can read
    // (snmpsimd drops to nobody), as COMMUNITY.snmprec.
    std::vector<std::pair<std::string, std::string>> recordings;
    size_t endpoints = 1;  // UDP ports to listen on, all serving every community
  };

  explicit SnmpsimAgent(Options options);
  ~SnmpsimAgent();
  SnmpsimAgent(const SnmpsimAgent&) = delete;
  SnmpsimAgent& operator=(const SnmpsimAgent&) = delete;

  const std::vector<int>& ports() const { return ports_; }
  std::string Address(size_t endpoint = 0) const {
    return "127.0.0.1:" + std::to_string(ports_.at(endpoint));
  }
  // Stops the agent at once (SIGKILL): a target polled mid-walk sees silence.
  void Kill();
  std::string Output() const;

 private:
  TempDir dir_;
  std::vector<int> ports_;
  std::unique_ptr<Subprocess> process_;
};

// A UDP relay on 127.0.0.1 between the exporter and an agent, or, without an upstream, a
// responder that answers every datagram with junk.
class FaultyUdpProxy {
 public:
  enum class Mode {
    kForward,    // relay faithfully
    kGarbage,    // answer each request with junk bytes (no upstream needed)
    kTruncate,   // relay responses cut to half their length
    kStopAfter,  // relay `responses` responses, then drop everything
  };

  // `upstream`: "127.0.0.1:PORT" (ignored for kGarbage).
  FaultyUdpProxy(Mode mode, const std::string& upstream = "", int responses = 0);
  ~FaultyUdpProxy();  // stops and joins
  FaultyUdpProxy(const FaultyUdpProxy&) = delete;
  FaultyUdpProxy& operator=(const FaultyUdpProxy&) = delete;

  int port() const { return port_; }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  int responses() const { return responses_.load(); }

 private:
  void Run();

  Mode mode_;
  int limit_;
  int client_fd_ = -1;    // where the exporter sends
  int upstream_fd_ = -1;  // connected to the agent
  int stop_fd_ = -1;      // eventfd
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> responses_{0};
  std::thread thread_;
};

}  // namespace netif::testing_support
