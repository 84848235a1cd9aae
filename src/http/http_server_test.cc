#include "http/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/http_client.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddressTest, TranslatesPrometheusStyleAddresses) {
  std::string error;
  EXPECT_EQ(ToCivetListeningPort(":10100", &error), "+10100");
  EXPECT_EQ(ToCivetListeningPort("127.0.0.1:0", &error), "127.0.0.1:0");
  EXPECT_EQ(ToCivetListeningPort("localhost:80", &error), "127.0.0.1:80");
  EXPECT_EQ(ToCivetListeningPort("[::1]:9", &error), "[::1]:9");
  EXPECT_FALSE(ToCivetListeningPort("10100", &error).has_value());
  EXPECT_THAT(error, HasSubstr("missing port"));
  EXPECT_FALSE(ToCivetListeningPort("host:99999", &error).has_value());
  EXPECT_FALSE(ToCivetListeningPort("host:", &error).has_value());
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpCallbacks callbacks;
    // Half written as text, half as a segment rendered on the pool, as the exporter does.
    callbacks.render_metrics = [this](SegmentedBody& out) {
      const std::string_view body = body_;
      out.text().Append(body.substr(0, body.size() / 2));
      out.Submit([body](ChunkedBuffer& segment) { segment.Append(body.substr(body.size() / 2)); });
    };
    callbacks.ready = [this] { return ready_.load(); };
    auto started = HttpServer::Start("127.0.0.1:0", std::move(callbacks));
    ASSERT_EQ(started.index(), 0u) << std::get<1>(started);
    server_ = std::move(std::get<0>(started));
    ASSERT_FALSE(server_->BoundPorts().empty());
    port_ = server_->BoundPorts().front();
    ASSERT_GT(port_, 0);
  }
  std::string body_ = "a_metric 1\n";
  std::atomic<bool> ready_{false};
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
std::string LargeBody() {
  std::string body;
  for (int i = 0; body.size() < 3'000'000; ++i) {
    body += "netif_receive_bytes_total{device=\"veth" + std::to_string(i) + "\"} " +
            std::to_string(i * 7919) + "\n";
  }
  return body;
}

TEST_F(HttpServerTest, StreamsALargeBodyInChunks) {
  body_ = LargeBody();
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(testing_support::HeaderValue(response->headers, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(response->body, body_);
}

TEST_F(HttpServerTest, StreamsALargeBodyAsOneGzipMember) {
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

TEST_F(HttpServerTest, LandingPageLinksToMetrics) {
  const auto response = testing_support::HttpGet("127.0.0.1", port_, "/");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("href=\"metrics\""));
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

TEST(HttpServerStartTest, PortInUseIsAnErrorNotACrash) {
  HttpCallbacks callbacks;
  callbacks.render_metrics = [](SegmentedBody&) {};
  auto first = HttpServer::Start("127.0.0.1:0", callbacks);
  ASSERT_EQ(first.index(), 0u);
  const int port = std::get<0>(first)->BoundPorts().front();
  auto second = HttpServer::Start("127.0.0.1:" + std::to_string(port), callbacks);
  ASSERT_EQ(second.index(), 1u);
  EXPECT_THAT(std::get<1>(second), HasSubstr("cannot listen"));
}

}  // namespace
}  // namespace netif
