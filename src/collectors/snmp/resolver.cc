#include "collectors/snmp/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <utility>

#include "config/duration.h"
#include "util/clock.h"
#include "util/thread_name.h"

namespace netif {
namespace {

// Fills everything but `address` from the sockaddr in `resolved`.
void Describe(const SnmpAddress& address, ResolvedAddress& resolved) {
  char text[INET6_ADDRSTRLEN] = {};
  const bool v6 = resolved.address.ss_family == AF_INET6;
  if (v6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&resolved.address);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  } else {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&resolved.address);
    inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text);
  }
  const std::string port = std::to_string(address.port);
  resolved.numeric = v6 ? "[" + std::string(text) + "]:" + port : std::string(text) + ":" + port;
  const std::string scheme = address.transport == SnmpTransport::kTcp ? "tcp" : "udp";
  resolved.peer = scheme + (v6 ? "6:" : ":") + resolved.numeric;
}

// getaddrinfo's first address for `host` (port 0); `numeric_only` forbids DNS (returns at once).
HostAnswer FirstAddress(const std::string& host, bool numeric_only) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;  // one entry per address, not one per socket type
  hints.ai_flags = numeric_only ? AI_NUMERICHOST : 0;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    const std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc);
    return "cannot resolve " + host + ": " + why;
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, &freeaddrinfo);
  ResolvedAddress resolved;
  std::memcpy(&resolved.address, found->ai_addr, found->ai_addrlen);
  resolved.address_length = found->ai_addrlen;
  return resolved;
}

std::string FormatSeconds(double seconds) {
  return FormatDuration(std::chrono::milliseconds(std::llround(seconds * 1000)));
}

}  // namespace

std::optional<ResolvedAddress> ResolveNumeric(const SnmpAddress& address) {
  HostAnswer answer = FirstAddress(address.host, true);
  if (const auto* resolved = std::get_if<ResolvedAddress>(&answer)) {
    return WithPort(*resolved, address);
  }
  return std::nullopt;
}

HostAnswer GetAddrInfo(const std::string& host) { return FirstAddress(host, false); }

ResolvedAddress WithPort(const ResolvedAddress& host_address, const SnmpAddress& address) {
  ResolvedAddress resolved;
  resolved.address = host_address.address;
  resolved.address_length = host_address.address_length;
  if (resolved.address.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&resolved.address)->sin6_port = htons(address.port);
  } else {
    reinterpret_cast<sockaddr_in*>(&resolved.address)->sin_port = htons(address.port);
  }
  Describe(address, resolved);
  return resolved;
}

// ---- LookupScheduler ----

void LookupScheduler::Request(size_t id, const SnmpAddress& address, double now) {
  const std::string& host = address.host;
  if (auto cached = cache_.find(host); cached != cache_.end()) {
    if (now < cached->second.expires) {
      Answer(Waiter{id, address, now}, cached->second.answer);
      return;
    }
    cache_.erase(cached);
  }
  Pending& pending = pending_[host];
  pending.waiters.push_back(Waiter{id, address, now + limits_.timeout});
  if (pending.state == State::kNew) {
    // A name whose lookup is already running is not looked up twice: the request joins it.
    const bool suspect = suspects_.contains(host);
    pending.state = suspect ? State::kSuspectQueued : State::kQueued;
    (suspect ? suspect_queue_ : queue_).push_back(host);
  }
  StartWhatFits(now);
}

std::optional<std::string> LookupScheduler::PopQueued(std::deque<std::string>& queue) {
  if (queue.empty()) return std::nullopt;
  std::string host = std::move(queue.front());
  queue.pop_front();
  return host;
}

void LookupScheduler::StartWhatFits(double now) {
  while (running_ < limits_.max_lookups) {
    // Names that worked or were never tried go first: a known-dead name waits for them, and for
    // a free suspect slot.
    std::optional<std::string> host = PopQueued(queue_);
    if (!host && running_suspect_ < limits_.max_suspect_lookups) host = PopQueued(suspect_queue_);
    if (!host) return;
    Pending& pending = pending_.at(*host);
    pending.suspect = pending.state == State::kSuspectQueued;
    pending.state = State::kRunning;
    pending.started = now;
    ++running_;
    if (pending.suspect) ++running_suspect_;
    starts_.push_back(std::move(*host));
  }
}

std::vector<std::string> LookupScheduler::TakeStarts() {
  std::vector<std::string> starts;
  starts.swap(starts_);
  return starts;
}

void LookupScheduler::Finished(const std::string& host, const HostAnswer& answer, double now) {
  auto found = pending_.find(host);
  if (found == pending_.end() || found->second.state != State::kRunning) return;
  Pending pending = std::move(found->second);
  pending_.erase(found);
  --running_;
  if (pending.suspect) --running_suspect_;
  // A late answer (past the timeout) still counts: the next request uses it.
  const bool resolved = std::holds_alternative<ResolvedAddress>(answer);
  cache_.insert_or_assign(
      host, CacheEntry{answer, now + (resolved ? limits_.positive_ttl : limits_.negative_ttl)});
  if (resolved) {
    suspects_.erase(host);
  } else {
    suspects_.insert(host);
  }
  for (const Waiter& waiter : pending.waiters) Answer(waiter, answer);
  StartWhatFits(now);
}

void LookupScheduler::Expire(double now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const std::string& host = it->first;
    Pending& pending = it->second;
    const bool running = pending.state == State::kRunning;
    if (running && !pending.timed_out && now >= pending.started + limits_.timeout) {
      // Its thread stays inside getaddrinfo until the C library gives up; meanwhile the name is
      // a failure for the cache, and a suspect holding a suspect slot.
      pending.timed_out = true;
      cache_.insert_or_assign(host, CacheEntry{TimeoutMessage(host), now + limits_.negative_ttl});
      suspects_.insert(host);
      if (!pending.suspect) {
        pending.suspect = true;
        ++running_suspect_;
      }
    }
    auto expired = std::stable_partition(pending.waiters.begin(), pending.waiters.end(),
                                         [now](const Waiter& w) { return now < w.deadline; });
    for (auto waiter = expired; waiter != pending.waiters.end(); ++waiter) {
      Answer(*waiter, running ? HostAnswer(TimeoutMessage(host))
                              : HostAnswer(TimeoutMessage(host) + " (every lookup slot busy)"));
    }
    pending.waiters.erase(expired, pending.waiters.end());
    if (running || !pending.waiters.empty()) {
      ++it;
      continue;
    }
    // Nobody waits for a lookup that has not started: it never will.
    std::erase(pending.state == State::kSuspectQueued ? suspect_queue_ : queue_, host);
    it = pending_.erase(it);
  }
}

double LookupScheduler::NextDeadline() const {
  double next = std::numeric_limits<double>::infinity();
  for (const auto& [host, pending] : pending_) {
    if (pending.state == State::kRunning && !pending.timed_out) {
      next = std::min(next, pending.started + limits_.timeout);
    }
    for (const Waiter& waiter : pending.waiters) next = std::min(next, waiter.deadline);
  }
  return next;
}

std::vector<HostLookupResult> LookupScheduler::TakeAnswers() {
  std::vector<HostLookupResult> answers;
  answers.swap(answers_);
  return answers;
}

void LookupScheduler::Answer(const Waiter& waiter, const HostAnswer& answer) {
  HostLookupResult result;
  result.id = waiter.id;
  if (const auto* resolved = std::get_if<ResolvedAddress>(&answer)) {
    result.resolved = WithPort(*resolved, waiter.address);
  } else {
    result.error = std::get<std::string>(answer);
  }
  answers_.push_back(std::move(result));
}

std::string LookupScheduler::TimeoutMessage(const std::string& host) const {
  return "cannot resolve " + host + ": no answer within " + FormatSeconds(limits_.timeout);
}

// ---- HostResolver ----

struct HostResolver::Shared {
  Shared(std::function<void()> wake_function, ResolverLimits limits, HostLookupFunction function)
      : wake(std::move(wake_function)), lookup(std::move(function)), scheduler(limits) {}

  const std::function<void()> wake;
  const HostLookupFunction lookup;
  std::mutex mutex;
  std::condition_variable changed;  // new deadlines for the deadline thread, or stopping
  LookupScheduler scheduler;
  std::vector<Result> results;
  bool stopping = false;
};

HostResolver::HostResolver(std::function<void()> wake, ResolverLimits limits,
                           HostLookupFunction lookup)
    : shared_(std::make_shared<Shared>(std::move(wake), limits, std::move(lookup))),
      deadlines_([this] { RunDeadlines(); }) {}

HostResolver::~HostResolver() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;  // from now on no lookup thread touches the scheduler or wakes
  }
  shared_->changed.notify_all();
  deadlines_.join();
}

void HostResolver::Request(size_t id, SnmpAddress address) {
  std::lock_guard lock(shared_->mutex);
  shared_->scheduler.Request(id, address, MonotonicSeconds());
  StartLookups(shared_);
  Deliver(*shared_);
  shared_->changed.notify_one();
}

std::vector<HostResolver::Result> HostResolver::TakeResults() {
  std::lock_guard lock(shared_->mutex);
  std::vector<Result> results;
  results.swap(shared_->results);
  return results;
}

void HostResolver::Deliver(Shared& shared) {
  std::vector<Result> answers = shared.scheduler.TakeAnswers();
  if (answers.empty()) return;
  for (Result& answer : answers) shared.results.push_back(std::move(answer));
  shared.wake();
}

void HostResolver::StartLookups(const std::shared_ptr<Shared>& shared) {
  for (std::vector<std::string> starts = shared->scheduler.TakeStarts(); !starts.empty();
       starts = shared->scheduler.TakeStarts()) {
    for (std::string& host : starts) {
      try {
        // Detached: the thread owns what it uses (`shared`), so the resolver can go away while
        // getaddrinfo still runs.
        std::thread([shared, host] {
          NameThisThread("netif-lookup");
          HostAnswer answer;
          try {
            answer = shared->lookup(host);
          } catch (const std::exception& e) {
            answer = "cannot resolve " + host + ": " + e.what();
          }
          std::lock_guard lock(shared->mutex);
          if (shared->stopping) return;
          shared->scheduler.Finished(host, answer, MonotonicSeconds());
          StartLookups(shared);
          Deliver(*shared);
          shared->changed.notify_one();
        }).detach();
      } catch (const std::system_error& e) {
        shared->scheduler.Finished(
            host, "cannot resolve " + host + ": cannot start a lookup thread: " + e.what(),
            MonotonicSeconds());
      }
    }
  }
}

void HostResolver::RunDeadlines() {
  NameThisThread("netif-resolver");
  std::unique_lock lock(shared_->mutex);
  while (!shared_->stopping) {
    const double now = MonotonicSeconds();
    shared_->scheduler.Expire(now);
    Deliver(*shared_);
    const double next = shared_->scheduler.NextDeadline();
    if (std::isinf(next)) {
      shared_->changed.wait(lock);
    } else {
      shared_->changed.wait_for(lock, std::chrono::duration<double>(std::max(0.0, next - now)));
    }
  }
}

}  // namespace netif
