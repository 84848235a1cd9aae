// Prometheus-style listen addresses ("host:port", "[v6]:port", ":port") and the listening sockets
// made from them. The server binds its sockets itself rather than letting libmicrohttpd do it: it
// then decides dual stack exactly, learns the real port of ":0", and keeps the socket open while
// it restarts a daemon (a TLS change on reload), so the port never closes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace netif {

// Named apart from config/values.h's ListenAddress (same namespace; http may not include config/).
struct HttpListenAddress {
  std::string host;  // empty: every address, IPv4 and IPv6 (Go's ":port"); brackets removed
  uint16_t port = 0;
};

// Parses "host:port", "[v6]:port" or ":port"; nullopt with the reason in `error` otherwise.
std::optional<HttpListenAddress> ParseHttpListenAddress(std::string_view text, std::string* error);

// A bound, listening, non-blocking socket. Owns `fd` (closes it when destroyed).
class ListenSocket {
 public:
  // Binds `address`: ":port" on IPv6 with IPV6_V6ONLY off (one socket for both families, as Go
  // does), or on IPv4 alone with a log line when the host has no IPv6; a name resolves to its
  // first IPv4 address if it has one (as Go's net.Listen picks). Returns a one-line error
  // (address in use, no such host) otherwise.
  static std::variant<ListenSocket, std::string> Open(const HttpListenAddress& address);
  ListenSocket(ListenSocket&& other) noexcept;
  ListenSocket& operator=(ListenSocket&& other) noexcept;
  ~ListenSocket();

  int fd() const { return fd_; }
  int port() const { return port_; }  // the real port, also when 0 was asked for

 private:
  ListenSocket(int fd, int port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace netif
