#include "app/page_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Joined(const NamedValues& values) {
  std::string out;
  for (const auto& [name, value] : values) out += name + "=" + value + "\n";
  return out;
}

TEST(ConfigSummaryTest, NamesNoSecret) {
  Config config;
  config.web.security.basic_auth_users = {{"prometheus", "$2y$10$hashhashhashhashhashhu"}};
  SnmpTargetConfig v2;
  v2.name = "sw1";
  v2.address.host = "192.0.2.1";
  v2.credentials.community = "s3cret-community";
  SnmpTargetConfig v3;
  v3.name = "sw2";
  v3.address.host = "192.0.2.2";
  v3.version = SnmpVersion::kV3;
  v3.credentials.username = "secret-user";
  v3.credentials.auth_password = "secret-auth";
  v3.credentials.priv_password = "secret-priv";
  config.snmp.targets = {v2, v3};
  const std::string summary = Joined(ConfigSummary(config));
  for (const char* secret :
       {"s3cret", "secret-user", "secret-auth", "secret-priv", "$2y$", "prometheus"}) {
    EXPECT_THAT(summary, Not(HasSubstr(secret))) << summary;
  }
  EXPECT_THAT(summary, HasSubstr("snmp.target sw1=udp://192.0.2.1:161, SNMPv2c"));
  EXPECT_THAT(summary, HasSubstr("community <redacted>"));
  EXPECT_THAT(summary, HasSubstr("auth password <redacted>"));
  EXPECT_THAT(summary, HasSubstr("web.basic_auth_users=1 (<redacted>)"));
}

TEST(PageApiTest, EventsFromTheStoreAndUnknownPaths) {
  Store store(std::make_shared<const AnalyticsSettings>());
  SelfMetrics self_metrics;
  PageApi api(store, self_metrics);
  api.OnLinkChange({{"local", "veth0"}, "veth0", OperState::kUp, OperState::kDown, true, false},
                   100);
  const auto events = api.Render("/api/v1/events");
  ASSERT_TRUE(events.has_value());
  EXPECT_THAT(*events, HasSubstr("\"name\":\"veth0\",\"kind\":\"link\",\"from\":\"up\","
                                 "\"to\":\"down\""));
  EXPECT_FALSE(api.Render("/api/v1/nope").has_value());
  EXPECT_FALSE(api.Render("/api/v2/interfaces").has_value());
  const auto status = api.Render("/api/v1/status");
  ASSERT_TRUE(status.has_value());
  EXPECT_THAT(*status, HasSubstr("\"name\":\"version\""));
  EXPECT_TRUE(api.Render("/api/v1/interfaces").has_value());
  EXPECT_TRUE(api.Render("/api/v1/targets").has_value());
  EXPECT_TRUE(api.Render("/api/v1/history").has_value());
}

}  // namespace
}  // namespace netif
