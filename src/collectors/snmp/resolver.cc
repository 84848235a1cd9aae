#include "collectors/snmp/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>
#include <utility>
#include <variant>

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

// getaddrinfo for `address`; `numeric_only` forbids DNS (returns at once).
std::variant<ResolvedAddress, std::string> Lookup(const SnmpAddress& address, bool numeric_only) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = address.transport == SnmpTransport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV | (numeric_only ? AI_NUMERICHOST : 0);
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  const int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return "cannot resolve " + address.host + ": " + gai_strerror(rc);
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(found, &freeaddrinfo);
  ResolvedAddress resolved;
  std::memcpy(&resolved.address, found->ai_addr, found->ai_addrlen);
  resolved.address_length = found->ai_addrlen;
  Describe(address, resolved);
  return resolved;
}

}  // namespace

std::optional<ResolvedAddress> ResolveNumeric(const SnmpAddress& address) {
  auto result = Lookup(address, true);
  if (auto* resolved = std::get_if<ResolvedAddress>(&result)) return std::move(*resolved);
  return std::nullopt;
}

HostResolver::HostResolver(std::function<void()> wake)
    : wake_(std::move(wake)), thread_([this] { Run(); }) {}

HostResolver::~HostResolver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void HostResolver::Request(size_t id, SnmpAddress address) {
  {
    std::lock_guard lock(mutex_);
    requests_.emplace_back(id, std::move(address));
  }
  work_.notify_one();
}

std::vector<HostResolver::Result> HostResolver::TakeResults() {
  std::lock_guard lock(mutex_);
  std::vector<Result> results;
  results.swap(results_);
  return results;
}

void HostResolver::Run() {
  NameThisThread("netif-resolver");
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [this] { return stopping_ || !requests_.empty(); });
    if (stopping_) return;
    auto [id, address] = std::move(requests_.front());
    requests_.pop_front();
    lock.unlock();
    Result result;
    result.id = id;
    auto looked_up = Lookup(address, false);
    if (auto* resolved = std::get_if<ResolvedAddress>(&looked_up)) {
      result.resolved = std::move(*resolved);
    } else {
      result.error = std::get<std::string>(looked_up);
    }
    lock.lock();
    results_.push_back(std::move(result));
    lock.unlock();
    wake_();
    lock.lock();
  }
}

}  // namespace netif
