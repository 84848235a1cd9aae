#include "http/tls_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TlsPriorityStringTest, VersionsBetweenMinAndMax) {
  std::string error;
  HttpTlsOptions options;
  auto priority = TlsPriorityString(options, &error);
  ASSERT_TRUE(priority) << error;
  EXPECT_EQ(*priority, "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3");
  options.min_version = TlsVersion::kTls13;
  EXPECT_EQ(TlsPriorityString(options, &error), "NORMAL:-VERS-ALL:+VERS-TLS1.3");
  options.max_version = TlsVersion::kTls12;
  EXPECT_FALSE(TlsPriorityString(options, &error));
  EXPECT_THAT(error, HasSubstr("above"));
}

TEST(TlsPriorityStringTest, GoSuiteNamesBecomeTheirParts) {
  std::string error;
  HttpTlsOptions options;
  options.max_version = TlsVersion::kTls12;
  options.cipher_suites = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                           "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"};
  options.prefer_server_cipher_suites = true;
  const auto priority = TlsPriorityString(options, &error);
  ASSERT_TRUE(priority) << error;
  EXPECT_THAT(*priority, HasSubstr(":-KX-ALL:-CIPHER-ALL:-MAC-ALL"));
  EXPECT_THAT(*priority, HasSubstr("+ECDHE-RSA"));
  EXPECT_THAT(*priority, HasSubstr("+ECDHE-ECDSA"));
  EXPECT_THAT(*priority, HasSubstr("+AES-128-GCM"));
  EXPECT_THAT(*priority, HasSubstr("+AES-256-CBC"));
  EXPECT_THAT(*priority, HasSubstr("+AEAD"));
  EXPECT_THAT(*priority, HasSubstr("+SHA1"));
  EXPECT_THAT(*priority, Not(HasSubstr("CHACHA20")));  // max 1.2: no TLS 1.3 ciphers added
  EXPECT_THAT(*priority, HasSubstr("%SERVER_PRECEDENCE"));
}

TEST(TlsPriorityStringTest, Tls13SuitesAreIgnoredAndUnknownOnesRejected) {
  std::string error;
  HttpTlsOptions options;
  options.cipher_suites = {"TLS_AES_128_GCM_SHA256"};
  EXPECT_EQ(TlsPriorityString(options, &error), "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3");
  options.cipher_suites = {"TLS_NOT_A_SUITE"};
  EXPECT_FALSE(TlsPriorityString(options, &error));
  EXPECT_THAT(error, HasSubstr("unknown cipher suite"));
}

}  // namespace
}  // namespace netif
