// Turns a target's address into what net-snmp and a TCP reachability check need: a numeric
// sockaddr and net-snmp's transport specifier ("udp:10.0.0.1:161", "udp6:[2001:db8::1]:161",
// "tcp:..."). Numeric addresses resolve at once (ResolveNumeric); host names go to the
// HostResolver, because getaddrinfo blocks for as long as DNS takes, and the poller thread must
// never wait for one target.
//
// The HostResolver looks host names up several at once, each on a thread of its own, so a name
// whose DNS server never answers delays no other name. Every request is answered within
// `timeout`: from the cache, by its lookup, or with a failure at its deadline. getaddrinfo cannot
// be cancelled, so a lookup past its timeout keeps its thread until the C library gives up, and
// its late answer still fills the cache; nothing ever waits for it (not the poller, not another
// name, not the destructor). Concurrent requests for one name share one lookup. The policy
// (cache, deduplication, limits, deadlines) is LookupScheduler, a plain class the tests drive
// with their own clock; HostResolver adds the threads.
//
// Thread-safety: ResolveNumeric is pure. LookupScheduler: REQUIRES external synchronization
// (HostResolver holds its mutex). HostResolver: Request() and TakeResults() may be called from
// any thread; the `wake` callback runs on the resolver's threads and on the thread calling
// Request() (a cached answer), with the resolver's mutex held: it must not call back into the
// resolver.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
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

// What one host name resolves to (any port), or why it does not ("cannot resolve NAME: ...").
using HostAnswer = std::variant<ResolvedAddress, std::string>;
// How a host name is looked up: getaddrinfo (GetAddrInfo) or a fake in tests. Called on the
// resolver's lookup threads, several at once.
using HostLookupFunction = std::function<HostAnswer(const std::string& host)>;
HostAnswer GetAddrInfo(const std::string& host);

// `host_address` (a HostAnswer's address) with the port and transport of `address`.
ResolvedAddress WithPort(const ResolvedAddress& host_address, const SnmpAddress& address);

// The answer to one request, for the target that made it (`id`).
struct HostLookupResult {
  size_t id = 0;
  std::optional<ResolvedAddress> resolved;
  std::string error;  // when !resolved
};

// Where a target sends a host name to be resolved; the answer comes back to its poller
// (TargetPoller::OnResolved) under the same `id`. HostResolver is the real one; tests record the
// requests and answer them themselves.
class HostLookup {
 public:
  virtual void Request(size_t id, SnmpAddress address) = 0;

 protected:
  ~HostLookup() = default;
};

// The resolver's limits and cache lifetimes, in seconds. getaddrinfo does not tell a record's
// TTL, so answers are kept for fixed times: nscd keeps hosts for an hour (and failures 20 s),
// Go's resolver keeps nothing; a minute follows an address change soon enough, and a failure is
// retried after 10 s so that a name that starts to resolve is polled within a poll or two.
struct ResolverLimits {
  // How long a request waits for its answer; then it fails with "no answer within ...". glibc's
  // own default is 5 s per attempt, 2 attempts per server.
  double timeout = 5;
  // Lookups (threads) at once, counting those past their timeout still inside getaddrinfo.
  size_t max_lookups = 32;
  // Of those, lookups of names whose last lookup failed or timed out (or that are running past
  // their timeout): once names are known to be dead, no more of them start than this.
  size_t max_suspect_lookups = 8;
  double positive_ttl = 60;
  double negative_ttl = 10;
};

// The resolver's policy, without threads or clocks: which request is answered from the cache,
// which lookups start (one per name, within the limits, names known to work or never tried
// first), and which requests fail at their deadline. The caller runs the lookups TakeStarts()
// returns and reports each with Finished(); answers accumulate for TakeAnswers().
class LookupScheduler {
 public:
  explicit LookupScheduler(ResolverLimits limits = {}) : limits_(limits) {}

  void Request(size_t id, const SnmpAddress& address, double now);
  // Host names to look up now; each counts as running until Finished().
  std::vector<std::string> TakeStarts();
  void Finished(const std::string& host, const HostAnswer& answer, double now);
  // Fails the requests whose deadline has passed; marks lookups past their timeout as failed
  // for the cache (their threads still run).
  void Expire(double now);
  // When Expire() next has something to do (infinity: nothing waits).
  double NextDeadline() const;
  std::vector<HostLookupResult> TakeAnswers();

  size_t running() const { return running_; }

 private:
  struct Waiter {
    size_t id;
    SnmpAddress address;
    double deadline;
  };
  enum class State : uint8_t { kNew, kQueued, kSuspectQueued, kRunning };
  struct Pending {  // one host name being resolved
    std::vector<Waiter> waiters;
    State state = State::kNew;
    bool suspect = false;  // counted in running_suspect_
    double started = 0;
    bool timed_out = false;  // running past its timeout: already a failure in the cache
  };
  struct CacheEntry {
    HostAnswer answer;
    double expires;
  };

  static std::optional<std::string> PopQueued(std::deque<std::string>& queue);
  void Answer(const Waiter& waiter, const HostAnswer& answer);
  void StartWhatFits(double now);
  std::string TimeoutMessage(const std::string& host) const;

  const ResolverLimits limits_;
  std::map<std::string, Pending> pending_;
  std::deque<std::string> queue_;          // never tried, or last lookup succeeded
  std::deque<std::string> suspect_queue_;  // last lookup failed or timed out
  std::set<std::string> suspects_;
  std::map<std::string, CacheEntry> cache_;
  size_t running_ = 0;
  size_t running_suspect_ = 0;
  std::vector<std::string> starts_;
  std::vector<HostLookupResult> answers_;
};

class HostResolver final : public HostLookup {
 public:
  using Result = HostLookupResult;

  // `wake` is called after results are queued (see the thread-safety note above). Starts one
  // thread that fails requests at their deadlines; lookups get threads of their own.
  explicit HostResolver(std::function<void()> wake, ResolverLimits limits = {},
                        HostLookupFunction lookup = GetAddrInfo);
  // Returns at once: lookups still inside getaddrinfo finish on their own threads, and their
  // answers go nowhere.
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  void Request(size_t id, SnmpAddress address) override;
  std::vector<Result> TakeResults();

 private:
  struct Shared;  // what the lookup threads share with the resolver, and may outlive it
  static void Deliver(Shared& shared);  // with the mutex held
  static void StartLookups(const std::shared_ptr<Shared>& shared);
  void RunDeadlines();

  std::shared_ptr<Shared> shared_;
  std::thread deadlines_;
};

}  // namespace netif
