#include "http/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "http/gzip.h"
#include "http/gzip_encoding.h"
#include "util/work_pool.h"

namespace netif {
namespace {

constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

constexpr std::string_view kLandingPage = R"(<!DOCTYPE html>
<html>
<head><title>netif_exporter</title></head>
<body>
<h1>netif_exporter</h1>
<p>Prometheus exporter for network interfaces: the host's own and SNMP devices'.</p>
<ul>
<li><a href="metrics">Metrics</a></li>
<li><a href="-/healthy">Health</a></li>
<li><a href="-/ready">Readiness</a></li>
</ul>
</body>
</html>
)";

bool IsHead(mg_connection* conn) {
  const auto* request = mg_get_request_info(conn);
  return request != nullptr && std::string_view(request->request_method) == "HEAD";
}

void SendResponse(mg_connection* conn, int status, std::string_view content_type,
                  std::string_view body, std::string_view extra_headers = "") {
  const char* reason = status == 200 ? "OK" : status == 503 ? "Service Unavailable" : "Not Found";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n%.*s"
            "Cache-Control: no-cache\r\n\r\n",
            status, reason, static_cast<int>(content_type.size()), content_type.data(), body.size(),
            static_cast<int>(extra_headers.size()), extra_headers.data());
  if (IsHead(conn)) return;
  mg_write(conn, body.data(), body.size());
}

bool IsHttp11(mg_connection* conn) {
  const auto* request = mg_get_request_info(conn);
  return request != nullptr && request->http_version != nullptr &&
         std::string_view(request->http_version) == "1.1";
}

// Renders the exposition (its segments on the shared pool, deflated there too when `gzip`) and
// hands the encoded body to `sink` in order. False when the encoded body is not valid.
bool RenderMetrics(const HttpCallbacks& callbacks, bool gzip, const SegmentEncoding::Sink& sink) {
  IdentityEncoding identity;
  GzipEncoding deflated;
  SegmentedBody body(WorkPool::Shared(), gzip ? static_cast<SegmentEncoding&>(deflated) : identity,
                     sink);
  callbacks.render_metrics(body);
  return body.Finish();
}

// HTTP/1.0 has no chunked encoding: such a scraper gets the body rendered whole, with a length.
void SendMetricsWhole(mg_connection* conn, const HttpCallbacks& callbacks, bool gzip) {
  std::string body;
  const auto append = [&body](std::string_view piece) { body.append(piece); };
  if (gzip && RenderMetrics(callbacks, true, append)) {
    SendResponse(conn, 200, kExpositionContentType, body, "Content-Encoding: gzip\r\n");
    return;
  }
  body.clear();  // a zlib failure (out of memory): the plain body instead
  RenderMetrics(callbacks, false, append);
  SendResponse(conn, 200, kExpositionContentType, body);
}

// Sends the body with Transfer-Encoding: chunked as its segments are ready: the scraper reads the
// first bytes while the rest is still being rendered, and a scrape holds a few segments whatever
// the number of interfaces (the whole body runs to megabytes). Once a send fails (the scraper went
// away) the rest is rendered but not sent: the snapshot is immutable, so stopping early would gain
// little.
void SendMetricsStreamed(mg_connection* conn, const HttpCallbacks& callbacks, bool gzip) {
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: %.*s\r\n%sTransfer-Encoding: chunked\r\n"
            "Cache-Control: no-cache\r\n\r\n",
            static_cast<int>(kExpositionContentType.size()), kExpositionContentType.data(),
            gzip ? "Content-Encoding: gzip\r\n" : "");
  if (IsHead(conn)) return;
  bool send_failed = false;
  // Each HTTP chunk goes out in one write, size line and trailing CRLF included: mg_send_chunk
  // writes the three separately, and with TCP_NODELAY each became a segment of its own (most of a
  // large scrape's sends were then a few bytes long). Copying a 64 KiB piece behind its size line
  // costs less than the two sends it saves.
  std::string frame;
  const auto send = [&](std::string_view piece) {
    if (send_failed) return;
    char size_line[24];
    const int size_length = std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
    frame.assign(size_line, static_cast<std::size_t>(size_length));
    frame.append(piece).append("\r\n");
    send_failed = mg_write(conn, frame.data(), frame.size()) <= 0;
  };
  // A zlib failure (out of memory) leaves a body that fails the scraper's gzip check: an error it
  // reports, rather than a silently short exposition.
  RenderMetrics(callbacks, gzip, send);
  send(std::string_view(""));  // the last, empty chunk ends the body
}

int HandleMetrics(mg_connection* conn, void* data) {
  const auto& callbacks = *static_cast<const HttpCallbacks*>(data);
  const char* accept = mg_get_header(conn, "Accept-Encoding");
  const bool gzip = accept != nullptr && AcceptsGzip(accept);
  if (IsHttp11(conn)) {
    SendMetricsStreamed(conn, callbacks, gzip);
  } else {
    SendMetricsWhole(conn, callbacks, gzip);
  }
  return 200;
}

int HandleLanding(mg_connection* conn, void*) {
  const auto* request = mg_get_request_info(conn);
  if (request != nullptr && std::string_view(request->local_uri) != "/") {
    SendResponse(conn, 404, "text/plain; charset=utf-8", "404 page not found\n");
    return 404;
  }
  SendResponse(conn, 200, "text/html; charset=utf-8", kLandingPage);
  return 200;
}

int HandleHealthy(mg_connection* conn, void*) {
  SendResponse(conn, 200, "text/plain; charset=utf-8", "Healthy\n");
  return 200;
}

int HandleReady(mg_connection* conn, void* data) {
  const auto& callbacks = *static_cast<const HttpCallbacks*>(data);
  if (callbacks.ready && !callbacks.ready()) {
    SendResponse(conn, 503, "text/plain; charset=utf-8", "Not ready\n");
    return 503;
  }
  SendResponse(conn, 200, "text/plain; charset=utf-8", "Ready\n");
  return 200;
}

bool IsPort(std::string_view text) {
  unsigned value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && result.ec == std::errc() && result.ptr == text.data() + text.size() &&
         value <= 65535;
}

std::vector<int> ListeningPorts(mg_context* context) {
  std::vector<int> bound;
  mg_server_port ports[8];
  const int count = mg_get_server_ports(context, 8, ports);
  for (int i = 0; i < count; ++i) bound.push_back(ports[i].port);
  return bound;
}

}  // namespace

std::optional<std::string> ToCivetListeningPort(std::string_view address, std::string* error) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    *error = "missing port (want host:port or :port)";
    return std::nullopt;
  }
  const std::string_view host = address.substr(0, colon);
  const std::string port(address.substr(colon + 1));
  if (!IsPort(port)) {
    *error = "invalid port \"" + port + "\"";
    return std::nullopt;
  }
  // "+port" asks CivetWeb for IPv4 and IPv6 on every address, as Go's ":port" does.
  if (host.empty()) return "+" + port;
  if (host == "localhost") return "127.0.0.1:" + port;
  return std::string(address);
}

// CivetWeb's master thread notices mg_stop() only when its poll() on the listening sockets times
// out (about a second). Connecting to our own port wakes it at once, so SIGTERM exits promptly.
void WakeListenersUntil(const std::vector<int>& ports, const std::atomic<bool>& stopped) {
  for (int attempt = 0; attempt < 40 && !stopped.load(); ++attempt) {
    for (const int port : ports) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(static_cast<uint16_t>(port));
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
      ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

struct HttpServer::Impl {
  HttpCallbacks callbacks;
  mg_context* context = nullptr;
  std::vector<int> ports;
  ~Impl() {
    if (context == nullptr) return;
    std::atomic<bool> stopped{false};
    std::thread waker([&] { WakeListenersUntil(ports, stopped); });
    mg_stop(context);
    stopped = true;
    waker.join();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

std::variant<std::unique_ptr<HttpServer>, std::string> HttpServer::Start(
    std::string_view listen_address, HttpCallbacks callbacks) {
  static std::once_flag library_initialized;
  std::call_once(library_initialized, [] { mg_init_library(0); });

  std::string port_error;
  const auto port = ToCivetListeningPort(listen_address, &port_error);
  if (!port) return "web.listen_address \"" + std::string(listen_address) + "\": " + port_error;
  const std::string ports = *port;
  // clang-format off
  const char* options[] = {
      "listening_ports", ports.c_str(),
      "num_threads", "8",
      "request_timeout_ms", "10000",
      "enable_keep_alive", "yes",
      // Headers and body go out as two writes: without TCP_NODELAY every small response on a
      // kept-alive connection (Prometheus keeps them) waits ~40 ms for Nagle's algorithm.
      "tcp_nodelay", "1",
      nullptr};
  // clang-format on
  auto impl = std::make_unique<Impl>();
  impl->callbacks = std::move(callbacks);
  mg_callbacks civet_callbacks{};
  // CivetWeb logs its own errors to stderr unless told otherwise; we report them ourselves.
  civet_callbacks.log_message = [](const mg_connection*, const char*) { return 1; };
  mg_init_data init{&civet_callbacks, nullptr, options};
  char error_text[256] = {0};
  unsigned error_code = 0;
  mg_error_data error{&error_code, error_text, sizeof error_text};
  impl->context = mg_start2(&init, &error);
  if (impl->context == nullptr) {
    return "cannot listen on \"" + std::string(listen_address) +
           "\": " + (error_text[0] != 0 ? std::string(error_text) : std::string("unknown error"));
  }
  impl->ports = ListeningPorts(impl->context);
  void* data = &impl->callbacks;
  mg_set_request_handler(impl->context, "/metrics$", HandleMetrics, data);
  mg_set_request_handler(impl->context, "/-/healthy$", HandleHealthy, data);
  mg_set_request_handler(impl->context, "/-/ready$", HandleReady, data);
  mg_set_request_handler(impl->context, "/", HandleLanding, data);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::vector<int> HttpServer::BoundPorts() const { return impl_->ports; }

}  // namespace netif
