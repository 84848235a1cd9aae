// Turns a target's address into what net-snmp and a TCP reachability check need: a numeric
// sockaddr and net-snmp's transport specifier ("udp:10.0.0.1:161", "udp6:[2001:db8::1]:161",
// "tcp:..."). Numeric addresses resolve at once (ResolveNumeric); host names go to one background
// thread (HostResolver), because getaddrinfo blocks for as long as DNS takes, and the poller
// thread must never wait for one target.
//
// Thread-safety: ResolveNumeric is pure. HostResolver: Request() and TakeResults() may be called
// from any thread; the `wake` callback runs on the resolver's thread.
#pragma once

#include <sys/socket.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/snmp_config.h"

namespace netif {

struct ResolvedAddress {
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::string peer;     // net-snmp's transport specifier
  std::string numeric;  // "10.0.0.1:161" or "[2001:db8::1]:161", for logs
};

// nullopt when the host is not an IPv4/IPv6 literal.
std::optional<ResolvedAddress> ResolveNumeric(const SnmpAddress& address);

// Where a target sends a host name to be resolved; the answer comes back to its poller
// (TargetPoller::OnResolved) under the same `id`. HostResolver is the real one; tests record the
// requests and answer them themselves.
class HostLookup {
 public:
  virtual void Request(size_t id, SnmpAddress address) = 0;

 protected:
  ~HostLookup() = default;
};

class HostResolver final : public HostLookup {
 public:
  struct Result {
    size_t id = 0;
    std::optional<ResolvedAddress> resolved;
    std::string error;  // when !resolved
  };

  // `wake` is called (on the resolver thread) after each result is queued.
  explicit HostResolver(std::function<void()> wake);
  // Joins the thread; a lookup in progress finishes first (bounded by the resolver's timeouts).
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  void Request(size_t id, SnmpAddress address) override;
  std::vector<Result> TakeResults();

 private:
  void Run();

  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::pair<size_t, SnmpAddress>> requests_;
  std::vector<Result> results_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace netif
