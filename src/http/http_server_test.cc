#include "http/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "http/page_assets.h"
#include "support/http_client.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpCallbacks callbacks;
    // Half written as text, half as a segment rendered on the pool, as the exporter does.
    callbacks.render_metrics = [this](SegmentedBody& out, const MetricsQuery& query) {
      {
        std::lock_guard lock(query_mutex_);
        last_query_ = query;
      }
      const std::string_view body = body_;
      out.text().Append(body.substr(0, body.size() / 2));
      out.Submit([body](ChunkedBuffer& segment) { segment.Append(body.substr(body.size() / 2)); });
    };
    callbacks.check_metrics_query = [](const MetricsQuery& query) -> std::string {
      for (const std::string& value : query.collect) {
        if (value == "bad") return "unknown collect[] value \"bad\"";
      }
      return "";
    };
    callbacks.ready = [this] { return ready_.load(); };
    callbacks.reload = [this] { return reload_error_; };
    callbacks.render_api = [](std::string_view path) -> std::optional<std::string> {
      if (path == "/api/v1/interfaces") return "{\"interfaces\":[]}";
      return std::nullopt;
    };
    HttpServerOptions options;
    options.listen_addresses = {"127.0.0.1:0"};
    auto started = HttpServer::Start(options, std::move(callbacks));
    ASSERT_EQ(started.index(), 0u) << std::get<1>(started);
    server_ = std::move(std::get<0>(started));
    ASSERT_FALSE(server_->BoundPorts().empty());
    port_ = server_->BoundPorts().front();
    ASSERT_GT(port_, 0);
  }
  MetricsQuery LastQuery() {
    std::lock_guard lock(query_mutex_);
    return last_query_;
  }
  std::string body_ = "a_metric 1\n";
  std::mutex query_mutex_;
  MetricsQuery last_query_;
  std::atomic<bool> ready_{false};
  std::string reload_error_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, ServesMetricsWithTheExpositionContentType) {
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "a_metric 1\n");
  EXPECT_THAT(response->headers, HasSubstr("text/plain; version=0.0.4"));
}

TEST_F(HttpServerTest, PassesEveryCollectValueDecodedAndInOrder) {
  const auto response = testing_support::HttpGet(
      "127.0.0.1", port_, "/metrics?collect[]=counters&other=x&collect%5B%5D=veth&collect[]=a%20b");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(LastQuery().collect, (std::vector<std::string>{"counters", "veth", "a b"}));
  ASSERT_TRUE(testing_support::HttpGet("127.0.0.1", port_, "/metrics").has_value());
  EXPECT_TRUE(LastQuery().collect.empty());
}

TEST_F(HttpServerTest, ARefusedQueryIs400WithTheReason) {
  const auto response =
      testing_support::HttpGet("127.0.0.1", port_, "/metrics?collect[]=link&collect[]=bad");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "unknown collect[] value \"bad\"\n");
  // The refused request took no scrape slot: the next one is served.
  const auto next = testing_support::HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, CompressesWhenTheClientAcceptsGzip) {
  const auto response =
      testing_support::HttpGet("127.0.0.1", port_, "/metrics", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->headers, HasSubstr("Content-Encoding: gzip"));
  EXPECT_EQ(response->body.substr(0, 2), "\x1f\x8b");
}

// Larger than the server's chunk, so it goes out in several chunks (and compressed, in several
// pieces of deflate output).
std::string LargeBody(std::size_t size = 3'000'000) {
  std::string body;
  for (uint64_t i = 0; body.size() < size; ++i) {
    body += "netif_receive_bytes_total{device=\"veth" + std::to_string(i) + "\"} " +
            std::to_string(i * 7919) + "\n";
  }
  return body;
}

TEST_F(HttpServerTest, SendsALargeBodyWithItsLength) {
  body_ = LargeBody();
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_FALSE(testing_support::HeaderValue(response->headers, "Transfer-Encoding"));
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Length"),
            std::to_string(body_.size()));
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Cache-Control"), "no-cache");
  EXPECT_EQ(response->body, body_);
}

TEST_F(HttpServerTest, SendsALargeBodyAsOneGzipMember) {
  body_ = LargeBody();
  const auto response =
      testing_support::HttpGet("127.0.0.1", port_, "/metrics", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Encoding"), "gzip");
  EXPECT_LT(response->body.size(), body_.size() / 4);
  EXPECT_EQ(testing_support::Gunzip(response->body), body_);
}

TEST_F(HttpServerTest, Http10ScrapersGetTheWholeBodyWithItsLength) {
  body_ = LargeBody();
  for (const bool gzip : {false, true}) {
    const auto response = testing_support::HttpGet(
        "127.0.0.1", port_, "/metrics",
        gzip ? std::vector<std::string>{"Accept-Encoding: gzip"} : std::vector<std::string>{},
        10000, "1.0");
    ASSERT_TRUE(response.has_value());
    EXPECT_FALSE(testing_support::HeaderValue(response->headers, "Transfer-Encoding"));
    EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Length"),
              std::to_string(response->body.size()));
    EXPECT_EQ(gzip ? testing_support::Gunzip(response->body) : response->body, body_);
  }
}

// An HTTP/1.0 scraper without gzip, as the clients: the text is inflated from the held
// member as the socket takes it, with its whole length announced, and the connection is closed
// after it (the request has no Connection header: HTTP/1.0 closes by default).
TEST_F(HttpServerTest, Http10WithoutGzipGetsTheWholeTextAndTheConnectionCloses) {
  body_ = LargeBody();
  const auto response =
      testing_support::HttpRequest("127.0.0.1", port_, "GET /metrics HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(response.has_value()) << "no complete response before the server closed";
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Connection"), "close");
  EXPECT_FALSE(testing_support::HeaderValue(response->headers, "Content-Encoding"));
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Length"),
            std::to_string(body_.size()));
  EXPECT_EQ(response->body, body_);
}

// HTTP/1.1 without gzip keeps its connection: the length announced is exactly the text's, so the
// next response on the connection starts right after it.
TEST_F(HttpServerTest, Http11WithoutGzipKeepsTheConnectionAcrossLargeBodies) {
  body_ = LargeBody();
  const auto response =
      testing_support::HttpRequest("127.0.0.1", port_,
                                   "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                                   "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Length"),
            std::to_string(body_.size()));
  // The first body, then the whole second response.
  ASSERT_GT(response->body.size(), body_.size());
  EXPECT_EQ(response->body.substr(0, body_.size()), body_);
  const std::string second = response->body.substr(body_.size());
  ASSERT_EQ(second.rfind("HTTP/1.1 200", 0), 0u) << second.substr(0, 100);
  const auto header_end = second.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_EQ(second.substr(header_end + 4), body_);
}

TEST_F(HttpServerTest, StatusPageLinksToMetricsUnderItsContentSecurityPolicy) {
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("href=\"metrics\""));
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Type"),
            "text/html; charset=utf-8");
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Security-Policy"),
            std::string(kPageContentSecurityPolicy));
}

TEST_F(HttpServerTest, StatusPageScriptAndStyleAreServed) {
  const auto script = testing_support::HttpGet("127.0.0.1", port_, "/static/app.js");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(script->headers, "Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_THAT(script->body, HasSubstr("api/v1/interfaces"));
  const auto style = testing_support::HttpGet("127.0.0.1", port_, "/static/style.css");
  ASSERT_TRUE(style.has_value());
  EXPECT_EQ(style->status, 200);
  EXPECT_THAT(style->body, HasSubstr("prefers-color-scheme"));
  const auto missing = testing_support::HttpGet("127.0.0.1", port_, "/static/nope.js");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpServerTest, ApiPathsGoToTheCallback) {
  const auto known = testing_support::HttpGet("127.0.0.1", port_, "/api/v1/interfaces");
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->status, 200);
  EXPECT_EQ(known->body, "{\"interfaces\":[]}");
  EXPECT_EQ(testing_support::HeaderValue(known->headers, "Content-Type"), "application/json");
  const auto gzip =
      testing_support::HttpGet("127.0.0.1", port_, "/api/v1/interfaces", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(gzip.has_value());
  EXPECT_EQ(testing_support::HeaderValue(gzip->headers, "Content-Encoding"), "gzip");
  ASSERT_GE(gzip->body.size(), 2u);
  EXPECT_EQ(gzip->body.substr(0, 2), "\x1f\x8b");
  const auto unknown = testing_support::HttpGet("127.0.0.1", port_, "/api/v2/interfaces");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/nope");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
}

TEST_F(HttpServerTest, HealthyAlwaysReadyOnlyWhenReady) {
  auto healthy = testing_support::HttpGet("127.0.0.1", port_, "/-/healthy");
  ASSERT_TRUE(healthy.has_value());
  EXPECT_EQ(healthy->status, 200);
  auto ready = testing_support::HttpGet("127.0.0.1", port_, "/-/ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 503);
  ready_ = true;
  ready = testing_support::HttpGet("127.0.0.1", port_, "/-/ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);
}

HttpServerOptions LoopbackOptions() {
  HttpServerOptions options;
  options.listen_addresses = {"127.0.0.1:0"};
  return options;
}

// A raw request (method, target, headers) with Connection: close.
std::optional<testing_support::HttpResponse> Send(int port, const std::string& method,
                                                  const std::string& target,
                                                  const std::string& headers = "",
                                                  const std::string& host = "127.0.0.1") {
  return testing_support::HttpRequest(
      host, port,
      method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "\r\n");
}

TEST_F(HttpServerTest, HeadHasTheLengthButNoBody) {
  const auto response = Send(port_, "HEAD", "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Content-Length"),
            std::to_string(body_.size()));
  EXPECT_EQ(response->body, "");
}

TEST_F(HttpServerTest, HeadOfALargeBodyHasTheLengthOfWhatAGetWouldSend) {
  body_ = LargeBody();
  const auto plain = Send(port_, "HEAD", "/metrics");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(plain->headers, "Content-Length"),
            std::to_string(body_.size()));
  EXPECT_EQ(plain->body, "");
  const auto gzip = Send(port_, "HEAD", "/metrics", "Accept-Encoding: gzip\r\n");
  const auto gzip_get = Send(port_, "GET", "/metrics", "Accept-Encoding: gzip\r\n");
  ASSERT_TRUE(gzip && gzip_get);
  EXPECT_EQ(testing_support::HeaderValue(gzip->headers, "Content-Encoding"), "gzip");
  EXPECT_EQ(testing_support::HeaderValue(gzip->headers, "Content-Length"),
            std::to_string(gzip_get->body.size()));
  EXPECT_EQ(gzip->body, "");
}

TEST_F(HttpServerTest, OtherMethodsAre405AndOptionsListsTheAllowedOnes) {
  const auto post = Send(port_, "POST", "/metrics", "Content-Length: 0\r\n");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(testing_support::HeaderValue(post->headers, "Allow"), "GET, HEAD, OPTIONS");
  const auto options = Send(port_, "OPTIONS", "/metrics");
  ASSERT_TRUE(options.has_value());
  EXPECT_EQ(options->status, 204);
  EXPECT_EQ(testing_support::HeaderValue(options->headers, "Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(HttpServerTest, OptionsStarIs200AsInGo) {
  const auto response = Send(port_, "OPTIONS", "*");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
}

TEST_F(HttpServerTest, AbsoluteFormIsRoutedByItsPath) {
  const auto response = Send(port_, "GET", "http://127.0.0.1/metrics?x=1");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body_);
}

TEST_F(HttpServerTest, WebSocketUpgradeIsIgnoredAsGoDoes) {
  const auto response =
      Send(port_, "GET", "/metrics",
           "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body_);
}

// Prometheus keeps its connection between scrapes: two requests on one connection, both answered.
TEST_F(HttpServerTest, KeepAliveConnectionServesSeveralRequests) {
  const auto response = testing_support::HttpRequest(
      "127.0.0.1", port_,
      "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  // The first response's body, then the whole second response.
  EXPECT_THAT(response->body, HasSubstr("a_metric 1\nHTTP/1.1 200"));
  EXPECT_THAT(response->body, HasSubstr("Healthy\n"));
}

TEST_F(HttpServerTest, ReloadWithABodyIsAnsweredToo) {
  HttpServerOptions options = LoopbackOptions();
  options.enable_lifecycle = true;
  ASSERT_EQ(server_->Reconfigure(options), "");
  const auto post = testing_support::HttpRequest(
      "127.0.0.1", port_,
      "POST /-/reload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 200);
}

TEST_F(HttpServerTest, LifecycleOffIs403AndGetIs405) {
  const auto post = Send(port_, "POST", "/-/reload", "Content-Length: 0\r\n");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 403);
  EXPECT_THAT(post->body, HasSubstr("Lifecycle API is not enabled"));
  const auto get = Send(port_, "GET", "/-/reload");
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 405);
}

TEST_F(HttpServerTest, LifecycleOnCallsReload) {
  HttpServerOptions options = LoopbackOptions();
  options.enable_lifecycle = true;
  ASSERT_EQ(server_->Reconfigure(options), "");
  auto post = Send(port_, "POST", "/-/reload", "Content-Length: 0\r\n");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 200);
  reload_error_ = "bad yaml at line 3";
  post = Send(port_, "PUT", "/-/reload", "Content-Length: 0\r\n");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 500);
  EXPECT_THAT(post->body, HasSubstr("bad yaml at line 3"));
}

TEST_F(HttpServerTest, AuthenticationAppliesToEveryPath) {
  HttpServerOptions options = LoopbackOptions();
  options.authenticate = [](std::string_view user, std::string_view password) {
    return user == "alice" && password == "secret";
  };
  ASSERT_EQ(server_->Reconfigure(options), "");
  for (const std::string path :
       {"/metrics", "/-/healthy", "/", "/static/app.js", "/api/v1/interfaces", "/nope"}) {
    const auto missing = Send(port_, "GET", path);
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->status, 401) << path;
    EXPECT_EQ(testing_support::HeaderValue(missing->headers, "WWW-Authenticate"),
              "Basic realm=\"netif_exporter\"");
  }
  // "alice:wrong", then "alice:secret"
  const auto wrong = Send(port_, "GET", "/metrics", "Authorization: Basic YWxpY2U6d3Jvbmc=\r\n");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 401);
  const auto right = Send(port_, "GET", "/metrics", "Authorization: Basic YWxpY2U6c2VjcmV0\r\n");
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(right->status, 200);
  EXPECT_EQ(right->body, body_);
  const auto api =
      Send(port_, "GET", "/api/v1/interfaces", "Authorization: Basic YWxpY2U6c2VjcmV0\r\n");
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->status, 200);
  // A reload that turns auth off applies to the next request.
  ASSERT_EQ(server_->Reconfigure(LoopbackOptions()), "");
  const auto open = Send(port_, "GET", "/metrics");
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->status, 200);
}

TEST_F(HttpServerTest, ExtraHeadersGoOnEveryResponse) {
  HttpServerOptions options = LoopbackOptions();
  options.headers = {{"X-Frame-Options", "deny"}, {"Strict-Transport-Security", "max-age=1"}};
  ASSERT_EQ(server_->Reconfigure(options), "");
  for (const std::string path : {"/metrics", "/nope"}) {
    const auto response = Send(port_, "GET", path);
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(testing_support::HeaderValue(response->headers, "X-Frame-Options"), "deny") << path;
    EXPECT_EQ(testing_support::HeaderValue(response->headers, "Strict-Transport-Security"),
              "max-age=1");
  }
}

TEST_F(HttpServerTest, ScrapesBeyondTheCapAre503AndSlotsComeBack) {
  HttpServerOptions options = LoopbackOptions();
  options.max_metrics_requests = 0;
  ASSERT_EQ(server_->Reconfigure(options), "");
  auto response = Send(port_, "GET", "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  options.max_metrics_requests = 1;
  ASSERT_EQ(server_->Reconfigure(options), "");
  for (int i = 0; i < 20; ++i) {  // each finished scrape gave its slot back
    response = Send(port_, "GET", "/metrics");
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200) << i;
  }
}

// A scraper that sends its request and never reads: a loopback socket with a small receive buffer.
int SendWithoutReading(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  return fd;
}

// Waits (up to 10 s) until a response to a client that does not read has started to arrive, and
// returns its first bytes (read without consuming them); "" if none came.
std::string FirstBytesOfResponse(int fd) {
  char head[16] = {};
  for (int attempt = 0; attempt < 200; ++attempt) {
    const ssize_t got = ::recv(fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
    if (got > 0) return std::string(head, static_cast<std::size_t>(got));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

// What bounds the memory of clients that never read: each holds its rendered body and its slot
// until it reads or goes; the next scrape beyond the cap gets 503, and slots come back when they
// go.
TEST_F(HttpServerTest, ClientsThatDoNotReadHoldSlotsUntilTheyGo) {
  body_ = LargeBody(16'000'000);  // more than loopback's socket buffers hold
  HttpServerOptions options = LoopbackOptions();
  options.max_metrics_requests = 2;
  ASSERT_EQ(server_->Reconfigure(options), "");
  std::vector<int> stalled;
  for (int i = 0; i < 2; ++i) {
    const int fd = SendWithoutReading(port_);
    ASSERT_GE(fd, 0);
    stalled.push_back(fd);
  }
  // Both rendered and being sent (a scrape of ours before that could take a slot first).
  for (const int fd : stalled) EXPECT_EQ(FirstBytesOfResponse(fd).substr(0, 12), "HTTP/1.1 200");
  auto response = Send(port_, "GET", "/-/healthy");  // not a scrape: never capped
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  response = Send(port_, "GET", "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  for (const int fd : stalled) ::close(fd);
  for (int attempt = 0; attempt < 50; ++attempt) {
    response = Send(port_, "GET", "/metrics");
    ASSERT_TRUE(response.has_value());
    if (response->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), body_.size());
}

// The bytes held for responses in flight are capped too: with a budget smaller than any body, two
// bodies are still let in (two Prometheus servers scraping at once); with two clients that never
// read holding them, the next scrape gets 503 (with gzip too), and once they go the budget is
// free again.
TEST_F(HttpServerTest, ScrapesBeyondTheBodyBudgetAre503UntilTheHeldBodiesGo) {
  body_ = LargeBody(16'000'000);  // inflated, more than loopback's socket buffers hold
  HttpServerOptions options = LoopbackOptions();
  options.max_metrics_body_bytes = 1;
  ASSERT_EQ(server_->Reconfigure(options), "");
  auto response = Send(port_, "GET", "/metrics");  // alone: served whatever its size
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body_);
  std::vector<int> stalled;
  for (int i = 0; i < 2; ++i) {
    const int fd = SendWithoutReading(port_);
    ASSERT_GE(fd, 0);
    stalled.push_back(fd);
    EXPECT_EQ(FirstBytesOfResponse(fd).substr(0, 12), "HTTP/1.1 200") << i;
  }
  response = Send(port_, "GET", "/metrics", "Accept-Encoding: gzip\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  EXPECT_THAT(response->body, HasSubstr("try again later"));
  for (const int fd : stalled) ::close(fd);
  for (int attempt = 0; attempt < 50; ++attempt) {
    response = Send(port_, "GET", "/metrics");
    ASSERT_TRUE(response.has_value());
    if (response->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body_);
}

TEST_F(HttpServerTest, ListenAddressesCannotChangeOnReload) {
  HttpServerOptions options;
  options.listen_addresses = {"127.0.0.1:1"};
  EXPECT_THAT(server_->Reconfigure(options), HasSubstr("listen addresses"));
  const auto response = Send(port_, "GET", "/-/healthy");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

HttpCallbacks TinyCallbacks() {
  HttpCallbacks callbacks;
  callbacks.render_metrics = [](SegmentedBody& out, const MetricsQuery&) {
    out.text().Append("up 1\n");
  };
  return callbacks;
}

std::unique_ptr<HttpServer> StartOn(std::vector<std::string> addresses) {
  HttpServerOptions options;
  options.listen_addresses = std::move(addresses);
  auto started = HttpServer::Start(options, TinyCallbacks());
  if (started.index() != 0) ADD_FAILURE() << std::get<1>(started);
  return started.index() == 0 ? std::move(std::get<0>(started)) : nullptr;
}

TEST(HttpServerStartTest, PortInUseIsAnErrorNotACrash) {
  auto first = StartOn({"127.0.0.1:0"});
  ASSERT_TRUE(first);
  const int port = first->BoundPorts().front();
  HttpServerOptions options;
  options.listen_addresses = {"127.0.0.1:" + std::to_string(port)};
  auto second = HttpServer::Start(options, TinyCallbacks());
  ASSERT_EQ(second.index(), 1u);
  EXPECT_THAT(std::get<1>(second), HasSubstr("cannot listen"));
}

TEST(HttpServerStartTest, BadAddressIsAnError) {
  HttpServerOptions options;
  options.listen_addresses = {"10100"};
  auto started = HttpServer::Start(options, TinyCallbacks());
  ASSERT_EQ(started.index(), 1u);
  EXPECT_THAT(std::get<1>(started), HasSubstr("missing port"));
}

TEST(HttpServerStartTest, ServesOnIpv6Loopback) {
  auto server = StartOn({"[::1]:0"});
  ASSERT_TRUE(server);
  const auto response = Send(server->BoundPorts().front(), "GET", "/metrics", "", "::1");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "up 1\n");
  // Not dual stack: the port is free on IPv4.
  EXPECT_FALSE(Send(server->BoundPorts().front(), "GET", "/metrics").has_value());
}

TEST(HttpServerStartTest, PortOnlyIsDualStack) {
  auto server = StartOn({":0"});
  ASSERT_TRUE(server);
  ASSERT_EQ(server->BoundPorts().size(), 1u);
  const int port = server->BoundPorts().front();
  ASSERT_GT(port, 0);
  for (const std::string host : {"127.0.0.1", "::1"}) {
    const auto response = Send(port, "GET", "/-/healthy", "", host);
    ASSERT_TRUE(response.has_value()) << host;
    EXPECT_EQ(response->status, 200) << host;
  }
}

TEST(HttpServerStartTest, ServesEveryAddressGiven) {
  auto server = StartOn({"127.0.0.1:0", "[::1]:0"});
  ASSERT_TRUE(server);
  ASSERT_EQ(server->BoundPorts().size(), 2u);
  auto v4 = Send(server->BoundPorts()[0], "GET", "/metrics");
  auto v6 = Send(server->BoundPorts()[1], "GET", "/metrics", "", "::1");
  ASSERT_TRUE(v4 && v6);
  EXPECT_EQ(v4->status, 200);
  EXPECT_EQ(v6->status, 200);
}

}  // namespace
}  // namespace netif
