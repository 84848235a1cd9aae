// The HTTP endpoints, on GNU libmicrohttpd: /metrics, the status page at / (its files under
// /static/, its JSON under /api/ through a callback), /-/healthy, /-/ready
// and (when the lifecycle API is on) /-/reload; optional TLS, Basic auth through a hook, and extra
// response headers. /metrics renders from the latest snapshot through a callback and never waits
// on collection I/O.
//
// Why libmicrohttpd (docs/architecture.md has the measurements): its threads poll every
// connection with epoll, so idle or slow clients cost a socket and a bounded buffer each but no
// thread, and a scrape is answered while a thousand of them hang on; it has IPv6 and TLS.
//
// Thread-safety: requests are served on the daemons' pool threads concurrently; the callbacks
// and the `authenticate` hook must be safe for concurrent use. Start, Reconfigure and the
// destructor must not run concurrently with each other (the app calls them from one thread);
// BoundPorts may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/tls_options.h"
#include "util/segmented_body.h"

namespace netif {

// What a /metrics request asked for in its query string.
struct MetricsQuery {
  std::vector<std::string> collect;  // each `collect[]` value, decoded, in order

  bool operator==(const MetricsQuery&) const = default;
};

struct HttpCallbacks {
  // Writes the whole exposition `query` asks for to `out` (its text, or segments rendered on its
  // pool). The server collects it gzip-compressed and sends it with a Content-Length: as it is to
  // a scraper that accepts gzip, inflated piece by piece as the socket takes it to one that does
  // not.
  std::function<void(SegmentedBody& out, const MetricsQuery& query)> render_metrics;
  // Checks a /metrics query before anything is rendered: "" or the one-line reason, sent with
  // status 400. Empty: every query is accepted.
  std::function<std::string(const MetricsQuery& query)> check_metrics_query;
  // True once the exporter has a first complete picture to serve.
  std::function<bool()> ready;
  // GET /api/...: the JSON body for `path` ("/api/v1/interfaces"), or nullopt for a path the app
  // does not serve (404). Must render from published state, never wait on collection.
  std::function<std::optional<std::string>(std::string_view path)> render_api;
  // POST/PUT /-/reload with the lifecycle API on: reloads the configuration and returns "" or a
  // one-line error (sent to the client with status 500). Runs on a server thread.
  std::function<std::string()> reload;
};

// What a config reload may change (Reconfigure): everything but the listen addresses and threads.
struct HttpServerOptions {
  // Prometheus-style: "host:port", "[v6]:port", ":port" (IPv4 and IPv6). One socket each.
  std::vector<std::string> listen_addresses;
  std::optional<HttpTlsOptions> tls;  // nullopt: plain HTTP
  // Empty: no authentication. Otherwise every path (as exporter-toolkit does: also /-/healthy)
  // needs Basic credentials the hook accepts; it should compare in constant time.
  std::function<bool(std::string_view user, std::string_view password)> authenticate;
  // Added to every response (web config `http_server_config.headers`).
  std::vector<std::pair<std::string, std::string>> headers;
  // POST/PUT /-/reload calls HttpCallbacks::reload; off: 403, as Prometheus answers.
  bool enable_lifecycle = false;
  // /metrics responses rendered and not yet fully sent; beyond it a scrape gets 503
  // (node_exporter's --web.max-requests).
  int max_metrics_requests = 40;
  // The bodies of those responses (held gzip-compressed), in bytes, all together: what clients
  // that never read can pin. A scrape whose body would go beyond it gets 503, unless fewer than
  // two bodies are held (so bodies larger than the budget are still served, two at a time).
  std::size_t max_metrics_body_bytes = 32 << 20;
  int threads = 4;  // polling threads per listen address; fixed at Start
};

class HttpServer {
 public:
  // Binds every address and starts serving, or returns a one-line error (port in use, bad
  // address, TLS material GnuTLS rejects). Raises the RLIMIT_NOFILE soft limit to the hard one.
  static std::variant<std::unique_ptr<HttpServer>, std::string> Start(HttpServerOptions options,
                                                                      HttpCallbacks callbacks);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Applies new options: auth, headers, lifecycle and the metrics cap at once for the next
  // request; a TLS change restarts the daemons on the same listening sockets (the port never
  // closes; open connections are closed). Returns "" or a one-line error, leaving the old
  // options in force. The listen addresses cannot change.
  std::string Reconfigure(HttpServerOptions options);
  // Whether `tls` can be served (the key matches the certificate, the PEM parses, the priority
  // string is valid): "" or the reason, as Start() and Reconfigure() would report it.
  static std::string CheckTls(const HttpTlsOptions& tls);

  // The bound ports (the real port when 0 was asked for), one per listen address, in order.
  std::vector<int> BoundPorts() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netif
