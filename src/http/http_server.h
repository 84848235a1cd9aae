// The HTTP endpoints, on CivetWeb (the server prometheus-cpp's Exposer is built on): /metrics,
// a landing page at /, and /-/healthy and /-/ready. /metrics renders from the latest snapshot
// through a callback and never waits on collection I/O.
//
// Thread-safety: handlers run on CivetWeb's worker threads concurrently; the callbacks given
// must be safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/segmented_body.h"

namespace netif {

struct HttpCallbacks {
  // Writes the whole exposition to `out` (its text, or segments rendered on its pool), which
  // sends it on, compressed when the scraper accepts gzip, as the segments are ready.
  std::function<void(SegmentedBody& out)> render_metrics;
  // True once the exporter has a first complete picture to serve.
  std::function<bool()> ready;
};

// Turns a Prometheus-style listen address (":10100", "127.0.0.1:0", "[::1]:9", "host:port") into
// CivetWeb's listening_ports syntax, or returns nullopt with the reason in `error`.
std::optional<std::string> ToCivetListeningPort(std::string_view listen_address,
                                                std::string* error);

class HttpServer {
 public:
  // Binds and starts serving, or returns a one-line error (port in use, bad address).
  static std::variant<std::unique_ptr<HttpServer>, std::string> Start(
      std::string_view listen_address, HttpCallbacks callbacks);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound ports (the real port when 0 was asked for).
  std::vector<int> BoundPorts() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netif
