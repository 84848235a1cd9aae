#include "http/listen_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "util/log.h"

namespace netif {
namespace {

std::optional<uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

int PortOf(int fd) {
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) return 0;
  if (bound.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

// A listening socket on `address`, or -1 with errno set. `dual_stack` applies to IPv6 only.
int BindAndListen(const sockaddr* address, socklen_t length, bool dual_stack) {
  const int fd = ::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  const int one = 1;
  // A restarted exporter rebinds at once although its old connections are in TIME_WAIT.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address->sa_family == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  // SOMAXCONN: the kernel caps it at net.core.somaxconn (4096 since Linux 5.4), as Go asks.
  if (::bind(fd, address, length) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

std::string ErrnoText(int error) { return std::strerror(error); }

}  // namespace

std::optional<HttpListenAddress> ParseHttpListenAddress(std::string_view text, std::string* error) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    *error = "missing port (want host:port or :port)";
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const auto port = ParsePort(text.substr(colon + 1));
  if (!port) {
    *error = "invalid port \"" + std::string(text.substr(colon + 1)) + "\"";
    return std::nullopt;
  }
  if (host.starts_with('[') != host.ends_with(']') || (host.starts_with('[') && host.size() < 3)) {
    *error = "unbalanced brackets in \"" + std::string(host) + "\"";
    return std::nullopt;
  }
  if (host.starts_with('[')) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    *error = "an IPv6 address needs brackets: [" + std::string(host) + "]:port";
    return std::nullopt;
  }
  return HttpListenAddress{std::string(host), *port};
}

std::variant<ListenSocket, std::string> ListenSocket::Open(const HttpListenAddress& address) {
  if (address.host.empty()) {
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(address.port);
    int fd = BindAndListen(reinterpret_cast<sockaddr*>(&any6), sizeof any6, true);
    if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
      // A kernel booted with ipv6.disable=1 has no AF_INET6 at all.
      LogInfo("IPv6 is not available; listening on IPv4 only",
              {{"port", static_cast<int>(address.port)}, {"reason", ErrnoText(errno)}});
      sockaddr_in any4{};
      any4.sin_family = AF_INET;
      any4.sin_addr.s_addr = htonl(INADDR_ANY);
      any4.sin_port = htons(address.port);
      fd = BindAndListen(reinterpret_cast<sockaddr*>(&any4), sizeof any4, false);
    }
    if (fd < 0) return ErrnoText(errno);
    return ListenSocket(fd, PortOf(fd));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return std::string(::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  const addrinfo* chosen = found;
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_family == AF_INET) {
      chosen = entry;
      break;
    }
  }
  const int fd = BindAndListen(chosen->ai_addr, chosen->ai_addrlen, false);
  if (fd < 0) return ErrnoText(errno);
  return ListenSocket(fd, PortOf(fd));
}

ListenSocket::ListenSocket(ListenSocket&& other) noexcept : fd_(other.fd_), port_(other.port_) {
  other.fd_ = -1;
}

ListenSocket& ListenSocket::operator=(ListenSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    port_ = other.port_;
    other.fd_ = -1;
  }
  return *this;
}

ListenSocket::~ListenSocket() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace netif
