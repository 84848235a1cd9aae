#include "http/listen_socket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace netif {
namespace {

using ::testing::HasSubstr;

TEST(ParseListenAddressTest, ReadsPrometheusStyleAddresses) {
  std::string error;
  auto address = ParseHttpListenAddress(":10100", &error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "");
  EXPECT_EQ(address->port, 10100);
  address = ParseHttpListenAddress("127.0.0.1:0", &error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 0);
  address = ParseHttpListenAddress("[::1]:9", &error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "::1");
  EXPECT_EQ(address->port, 9);
  address = ParseHttpListenAddress("localhost:80", &error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "localhost");
}

TEST(ParseListenAddressTest, RejectsMalformedAddresses) {
  std::string error;
  EXPECT_FALSE(ParseHttpListenAddress("10100", &error));
  EXPECT_THAT(error, HasSubstr("missing port"));
  EXPECT_FALSE(ParseHttpListenAddress("host:99999", &error));
  EXPECT_THAT(error, HasSubstr("invalid port"));
  EXPECT_FALSE(ParseHttpListenAddress("host:", &error));
  EXPECT_FALSE(ParseHttpListenAddress("::1:80", &error));
  EXPECT_THAT(error, HasSubstr("brackets"));
  EXPECT_FALSE(ParseHttpListenAddress("[::1:80", &error));
  EXPECT_FALSE(ParseHttpListenAddress("[]:80", &error));
}

TEST(ListenSocketTest, PortZeroGetsARealPort) {
  auto opened = ListenSocket::Open({"127.0.0.1", 0});
  ASSERT_EQ(opened.index(), 0u) << std::get<1>(opened);
  EXPECT_GT(std::get<0>(opened).port(), 0);
  EXPECT_GE(std::get<0>(opened).fd(), 0);
}

TEST(ListenSocketTest, UnknownHostIsAnError) {
  auto opened = ListenSocket::Open({"no-such-host.invalid", 0});
  ASSERT_EQ(opened.index(), 1u);
  EXPECT_FALSE(std::get<1>(opened).empty());
}

}  // namespace
}  // namespace netif
