// The `snmp:` section: value parsers, the loader's defaults and overrides, secrets from the
// environment and files, and every error naming its file, line and key.
#include "config/snmp_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "config/config_test_util.h"

namespace netif {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using config_testing::At;
using config_testing::MakeFifo;
using config_testing::ParseError;
using config_testing::ParseOk;
using config_testing::WithoutBlocking;

// Sets an environment variable for one test and restores the old state afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string TempFile(const std::string& name, const std::string& contents) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << contents;
  return path.string();
}

// The README's example, as users copy it.
constexpr char kReadmeExample[] = R"(snmp:
  defaults: {interval: 10s, timeout: 2s, retries: 1, max_repetitions: 25}
  targets:
    - name: core-sw1              # the `target` label
      address: 127.0.0.1:11161   # host[:port], [v6]:port, optional udp:// or tcp://
      version: 2c                 # 1 | 2c | 3
      community: public           # or community_file: /path, or community_env: VAR
      labels: {site: lab}
    - name: edge-r1
      address: 127.0.0.1:11162
      version: 3
      username: monitor
      security_level: authPriv    # noAuthNoPriv | authNoPriv | authPriv
      auth_protocol: SHA          # MD5 | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512 as supported
      auth_password_env: SNMP_AUTH
      priv_protocol: AES          # DES | AES | AES-192 | AES-256 as supported
      priv_password_env: SNMP_PRIV
)";

TEST(SnmpValuesTest, Addresses) {
  const auto ok = [](std::string_view text) {
    OrError<SnmpAddress> parsed = ParseSnmpAddress(text);
    EXPECT_TRUE(std::holds_alternative<SnmpAddress>(parsed))
        << text << ": " << std::get<std::string>(parsed);
    return std::holds_alternative<SnmpAddress>(parsed) ? std::get<SnmpAddress>(parsed)
                                                       : SnmpAddress{};
  };
  EXPECT_EQ(ok("10.0.0.1"), (SnmpAddress{SnmpTransport::kUdp, "10.0.0.1", 161}));
  EXPECT_EQ(ok("10.0.0.1:1161"), (SnmpAddress{SnmpTransport::kUdp, "10.0.0.1", 1161}));
  EXPECT_EQ(ok("udp://sw1.example.net"),
            (SnmpAddress{SnmpTransport::kUdp, "sw1.example.net", 161}));
  EXPECT_EQ(ok("tcp://sw1:16100"), (SnmpAddress{SnmpTransport::kTcp, "sw1", 16100}));
  EXPECT_EQ(ok("[::1]:11161"), (SnmpAddress{SnmpTransport::kUdp, "::1", 11161}));
  EXPECT_EQ(ok("[2001:db8::1]"), (SnmpAddress{SnmpTransport::kUdp, "2001:db8::1", 161}));
  EXPECT_EQ(ok("2001:db8::1"), (SnmpAddress{SnmpTransport::kUdp, "2001:db8::1", 161}));
  EXPECT_EQ(ok("tcp://[::1]:1161").ToString(), "tcp://[::1]:1161");
  EXPECT_EQ(ok("10.0.0.1").ToString(), "udp://10.0.0.1:161");

  for (const char* bad : {"", "udp://", "ssh://h:22", "h:0", "h:65536", "h:x", "[::1", "[::1]x",
                          "[nope]:161", "2001:db8::zz", "a b", "h:161:1"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(ParseSnmpAddress(bad))) << bad;
  }
  EXPECT_EQ(std::get<std::string>(ParseSnmpAddress("h:0")),
            "invalid port \"0\" in \"h:0\"; want 1..65535");
}

TEST(SnmpValuesTest, VersionsLevelsAndProtocols) {
  EXPECT_EQ(std::get<SnmpVersion>(ParseSnmpVersion("1")), SnmpVersion::kV1);
  EXPECT_EQ(std::get<SnmpVersion>(ParseSnmpVersion("2c")), SnmpVersion::kV2c);
  EXPECT_EQ(std::get<SnmpVersion>(ParseSnmpVersion("3")), SnmpVersion::kV3);
  EXPECT_EQ(std::get<std::string>(ParseSnmpVersion("4")),
            "invalid SNMP version \"4\"; want one of 1, 2c, 3");
  EXPECT_EQ(std::get<SnmpSecurityLevel>(ParseSnmpSecurityLevel("authPriv")),
            SnmpSecurityLevel::kAuthPriv);
  EXPECT_EQ(std::get<SnmpSecurityLevel>(ParseSnmpSecurityLevel("noauthnopriv")),
            SnmpSecurityLevel::kNoAuthNoPriv);
  EXPECT_EQ(std::get<SnmpAuthProtocol>(ParseSnmpAuthProtocol("SHA")), SnmpAuthProtocol::kSha);
  EXPECT_EQ(std::get<SnmpAuthProtocol>(ParseSnmpAuthProtocol("sha1")), SnmpAuthProtocol::kSha);
  EXPECT_EQ(std::get<SnmpAuthProtocol>(ParseSnmpAuthProtocol("SHA256")), SnmpAuthProtocol::kSha256);
  EXPECT_EQ(std::get<SnmpAuthProtocol>(ParseSnmpAuthProtocol("SHA-512")),
            SnmpAuthProtocol::kSha512);
  EXPECT_EQ(std::get<SnmpAuthProtocol>(ParseSnmpAuthProtocol("md5")), SnmpAuthProtocol::kMd5);
  EXPECT_EQ(std::get<std::string>(ParseSnmpAuthProtocol("SHA-1024")),
            "invalid auth protocol \"SHA-1024\"; want one of MD5, SHA, SHA-224, SHA-256, "
            "SHA-384, SHA-512");
  EXPECT_EQ(std::get<SnmpPrivProtocol>(ParseSnmpPrivProtocol("AES")), SnmpPrivProtocol::kAes);
  EXPECT_EQ(std::get<SnmpPrivProtocol>(ParseSnmpPrivProtocol("AES128")), SnmpPrivProtocol::kAes);
  EXPECT_EQ(std::get<SnmpPrivProtocol>(ParseSnmpPrivProtocol("aes-256")),
            SnmpPrivProtocol::kAes256);
  EXPECT_EQ(std::get<SnmpPrivProtocol>(ParseSnmpPrivProtocol("DES")), SnmpPrivProtocol::kDes);
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseSnmpPrivProtocol("3DES")));
}

TEST(SnmpValuesTest, LabelAndTargetNames) {
  EXPECT_EQ(CheckSnmpLabelName("site"), std::nullopt);
  EXPECT_EQ(CheckSnmpLabelName("_x9"), std::nullopt);
  EXPECT_THAT(CheckSnmpLabelName("9x").value_or(""), HasSubstr("invalid label name"));
  EXPECT_THAT(CheckSnmpLabelName("a-b").value_or(""), HasSubstr("invalid label name"));
  EXPECT_THAT(CheckSnmpLabelName("").value_or(""), HasSubstr("invalid label name"));
  EXPECT_THAT(CheckSnmpLabelName("__meta").value_or(""), HasSubstr("reserved"));
  for (std::string_view reserved : kSnmpReservedLabels) {
    EXPECT_THAT(CheckSnmpLabelName(reserved).value_or(""), HasSubstr("reserved")) << reserved;
  }
  EXPECT_EQ(CheckSnmpTargetName("core-sw1.example.net"), std::nullopt);
  EXPECT_EQ(CheckSnmpTargetName("10.0.0.1:161"), std::nullopt);
  EXPECT_TRUE(CheckSnmpTargetName("").has_value());
  EXPECT_TRUE(CheckSnmpTargetName("a b").has_value());
  EXPECT_TRUE(CheckSnmpTargetName("a/b").has_value());
  EXPECT_TRUE(CheckSnmpTargetName(std::string(129, 'x')).has_value());
}

TEST(SnmpConfigTest, DefaultsWithoutASection) {
  const Config c = ParseOk("");
  EXPECT_TRUE(c.snmp.targets.empty());
  EXPECT_EQ(c.snmp.defaults.interval, seconds(10));
  EXPECT_EQ(c.snmp.defaults.timeout, seconds(2));
  EXPECT_EQ(c.snmp.defaults.retries, 1u);
  EXPECT_EQ(c.snmp.defaults.max_repetitions, 25u);
  EXPECT_EQ(c.snmp.defaults.stale_after, std::nullopt);
  EXPECT_EQ(c.snmp.defaults.StaleAfter(), seconds(30));
  EXPECT_EQ(c.snmp.defaults.metadata_every, 10u);
  EXPECT_EQ(c.snmp.defaults.max_interfaces, 10000u);
  EXPECT_EQ(c.snmp.defaults.max_varbinds, 500000u);
  EXPECT_EQ(c.snmp.defaults.walk_timeout, std::nullopt);
  EXPECT_EQ(c.snmp.defaults.WalkTimeout(), seconds(30));
  EXPECT_EQ(ParseOk("snmp:\n"), Config{});
  EXPECT_EQ(ParseOk("snmp:\n  targets:\n"), Config{});
  EXPECT_EQ(ParseOk("snmp:\n  targets: []\n"), Config{});
}

TEST(SnmpConfigTest, TheReadmeExampleLoads) {
  ScopedEnv auth("SNMP_AUTH", "auth-secret-1");
  ScopedEnv priv("SNMP_PRIV", "priv-secret-2");
  const Config c = ParseOk(kReadmeExample);
  ASSERT_EQ(c.snmp.targets.size(), 2u);
  const SnmpTargetConfig& sw = c.snmp.targets[0];
  EXPECT_EQ(sw.name, "core-sw1");
  EXPECT_EQ(sw.address, (SnmpAddress{SnmpTransport::kUdp, "127.0.0.1", 11161}));
  EXPECT_EQ(sw.version, SnmpVersion::kV2c);
  EXPECT_EQ(sw.credentials.community, "public");
  EXPECT_EQ(sw.labels, (std::map<std::string, std::string>{{"site", "lab"}}));
  EXPECT_EQ(sw.settings, c.snmp.defaults);
  EXPECT_THAT(sw.inline_secret_keys, ElementsAre("snmp.targets[0].community"));
  const SnmpTargetConfig& r = c.snmp.targets[1];
  EXPECT_EQ(r.version, SnmpVersion::kV3);
  EXPECT_EQ(r.credentials.username, "monitor");
  EXPECT_EQ(r.credentials.security_level, SnmpSecurityLevel::kAuthPriv);
  EXPECT_EQ(r.credentials.auth_protocol, SnmpAuthProtocol::kSha);
  EXPECT_EQ(r.credentials.auth_password, "auth-secret-1");
  EXPECT_EQ(r.credentials.priv_protocol, SnmpPrivProtocol::kAes);
  EXPECT_EQ(r.credentials.priv_password, "priv-secret-2");
  EXPECT_TRUE(r.inline_secret_keys.empty());
}

TEST(SnmpConfigTest, LimitsAreSetByDefaultsAndOverriddenPerTarget) {
  const Config c = ParseOk(
      "snmp:\n"
      "  defaults: {max_interfaces: 500, max_varbinds: 20000, walk_timeout: 8s}\n"
      "  targets:\n"
      "    - {name: a, address: h1, community: x}\n"
      "    - {name: b, address: h2, community: x, max_interfaces: 50000, walk_timeout: 1m}\n");
  ASSERT_EQ(c.snmp.targets.size(), 2u);
  const SnmpPollSettings& a = c.snmp.targets[0].settings;
  EXPECT_EQ(a.max_interfaces, 500u);
  EXPECT_EQ(a.max_varbinds, 20000u);
  EXPECT_EQ(a.WalkTimeout(), seconds(8));
  const SnmpPollSettings& b = c.snmp.targets[1].settings;
  EXPECT_EQ(b.max_interfaces, 50000u);
  EXPECT_EQ(b.max_varbinds, 20000u);
  EXPECT_EQ(b.WalkTimeout(), std::chrono::minutes(1));
}

TEST(SnmpConfigTest, TheDefaultWalkTimeoutFitsOneRequestWithItsRetries) {
  SnmpPollSettings s;
  s.interval = seconds(1);
  s.timeout = seconds(2);
  s.retries = 2;
  EXPECT_EQ(s.WalkTimeout(), seconds(6));
  s.interval = seconds(30);
  EXPECT_EQ(s.WalkTimeout(), seconds(90));
}

TEST(SnmpConfigTest, TargetsOverrideDefaultsWhereverTheDefaultsAre) {
  // `defaults` after `targets`: still applied to every target.
  const Config c = ParseOk(
      "snmp:\n"
      "  targets:\n"
      "    - {name: a, address: h1, community: x, interval: 1m, retries: 0, stale_after: 5m}\n"
      "    - {name: b, address: h2, community: x, interface_exclude: \"Null.*\"}\n"
      "  defaults:\n"
      "    interval: 30s\n"
      "    timeout: 500ms\n"
      "    retries: 3\n"
      "    max_repetitions: 50\n"
      "    metadata_every: 1\n"
      "    interface_include: \"Gi.*|Te.*\"\n");
  ASSERT_EQ(c.snmp.targets.size(), 2u);
  const SnmpPollSettings& a = c.snmp.targets[0].settings;
  EXPECT_EQ(a.interval, std::chrono::minutes(1));
  EXPECT_EQ(a.timeout, milliseconds(500));
  EXPECT_EQ(a.retries, 0u);
  EXPECT_EQ(a.max_repetitions, 50u);
  EXPECT_EQ(a.metadata_every, 1u);
  EXPECT_EQ(a.StaleAfter(), std::chrono::minutes(5));
  EXPECT_EQ(a.interface_include.pattern(), "Gi.*|Te.*");
  const SnmpPollSettings& b = c.snmp.targets[1].settings;
  EXPECT_EQ(b.interval, seconds(30));
  EXPECT_EQ(b.StaleAfter(), seconds(90));
  EXPECT_EQ(b.interface_exclude.pattern(), "Null.*");
  EXPECT_EQ(c.snmp.targets[1].credentials.community, "x");
}

TEST(SnmpConfigTest, InterfaceSelection) {
  const Config c = ParseOk(
      "snmp:\n  targets:\n"
      "    - {name: a, address: h, community: x, interface_include: \"Gi.*\",\n"
      "       interface_exclude: \".*unused.*\"}\n");
  const SnmpTargetConfig& t = c.snmp.targets[0];
  EXPECT_TRUE(t.InterfaceSelected("Gi0/1", "GigabitEthernet0/1", ""));
  EXPECT_TRUE(t.InterfaceSelected("", "Gi0/1", ""));  // any of the three may match
  EXPECT_FALSE(t.InterfaceSelected("Gi0/2", "GigabitEthernet0/2", "unused port"));
  EXPECT_FALSE(t.InterfaceSelected("Vl1", "Vlan1", ""));
  SnmpTargetConfig all;
  EXPECT_TRUE(all.InterfaceSelected("anything", "", ""));
}

TEST(SnmpConfigTest, SecretsFromEnvironmentAndFiles) {
  ScopedEnv community("NETIF_TEST_COMMUNITY", "from-env");
  const std::string community_file = TempFile("community.txt", "from-file\n");
  const std::string auth_file = TempFile("auth.txt", "auth-from-file\r\n");
  const Config c = ParseOk(
      "snmp:\n  targets:\n"
      "    - {name: a, address: h, community_env: NETIF_TEST_COMMUNITY}\n"
      "    - {name: b, address: h, community_file: " +
      community_file +
      "}\n"
      "    - {name: c, address: h, version: 3, username: u, security_level: authNoPriv,\n"
      "       auth_protocol: SHA-256, auth_password_file: " +
      auth_file + "}\n");
  EXPECT_EQ(c.snmp.targets[0].credentials.community, "from-env");
  EXPECT_EQ(c.snmp.targets[1].credentials.community, "from-file");
  EXPECT_EQ(c.snmp.targets[2].credentials.auth_password, "auth-from-file");
  EXPECT_EQ(c.snmp.targets[2].credentials.auth_protocol, SnmpAuthProtocol::kSha256);
  for (const auto& target : c.snmp.targets) EXPECT_TRUE(target.inline_secret_keys.empty());
}

TEST(SnmpConfigTest, InlineV3SecretsAreNoted) {
  const Config c = ParseOk(
      "snmp:\n  targets:\n"
      "    - name: r\n      address: h\n      version: 3\n      username: u\n"
      "      auth_password: authpass1\n      priv_password: privpass1\n"
      "      context_name: vrf-a\n");
  const SnmpTargetConfig& t = c.snmp.targets[0];
  EXPECT_EQ(t.credentials.context_name, "vrf-a");
  EXPECT_THAT(t.inline_secret_keys,
              ElementsAre("snmp.targets[0].auth_password", "snmp.targets[0].priv_password"));
}

TEST(SnmpConfigTest, SecretErrorsNameTheKey) {
  ScopedEnv unset("NETIF_TEST_UNSET", nullptr);
  ScopedEnv empty("NETIF_TEST_EMPTY", "");
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - name: a\n      address: h\n"
                       "      community_env: NETIF_TEST_UNSET\n"),
            At(5,
               "snmp.targets[0].community_env: environment variable NETIF_TEST_UNSET is not "
               "set"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - {name: a, address: h, community_env: NETIF_TEST_EMPTY}\n"),
            At(3, "snmp.targets[0].community_env: environment variable NETIF_TEST_EMPTY is empty"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - {name: a, address: h, community_file: /nonexistent/c}\n"),
            At(3,
               "snmp.targets[0].community_file: cannot read /nonexistent/c: No such file or "
               "directory"));
  const std::string fifo = TempFile("netif_snmp_secret_fifo", "");
  std::filesystem::remove(fifo);
  MakeFifo(fifo);
  EXPECT_EQ(WithoutBlocking(fifo,
                            [&] {
                              return ParseError(
                                  "snmp:\n  targets:\n"
                                  "    - {name: a, address: h, community_file: " +
                                  fifo + "}\n");
                            }),
            At(3, "snmp.targets[0].community_file: cannot read " + fifo +
                      ": not a regular file (a FIFO)"));
  std::filesystem::remove(fifo);
  const std::string empty_file = TempFile("empty_secret.txt", "\n");
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - {name: a, address: h, community_file: " +
                       empty_file + "}\n"),
            At(3, "snmp.targets[0].community_file: " + empty_file + " is empty"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - name: a\n      address: h\n      community: x\n"
                       "      community_env: NETIF_TEST_EMPTY\n"),
            At(6,
               "snmp.targets[0].community_env: give only one of community, community_env, "
               "community_file (snmp.targets[0].community is already set on line 5)"));
}

TEST(SnmpConfigTest, CredentialRules) {
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - name: a\n      address: h\n"),
            At(3,
               "snmp.targets[0]: version 2c needs one of community, community_env, "
               "community_file"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "username: u}\n"),
            At(3, "snmp.targets[0].username: applies to version 3 only"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "security_level: authPriv}\n"),
            At(3, "snmp.targets[0].security_level: applies to version 3 only"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, version: 3, "
                       "community: x, username: u}\n"),
            At(3, "snmp.targets[0].community: applies to versions 1 and 2c only"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, version: 3}\n"),
            At(3, "snmp.targets[0]: version 3 needs username"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, version: 3, "
                       "username: u, auth_password: authpass1}\n"),
            At(3,
               "snmp.targets[0]: security_level authPriv needs one of priv_password, "
               "priv_password_env, priv_password_file"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, version: 3, "
                       "username: u, security_level: noAuthNoPriv, auth_password: authpass1}\n"),
            At(3, "snmp.targets[0].auth_password: not used at security_level noAuthNoPriv"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, version: 3, "
                       "username: u, security_level: authNoPriv, auth_password: short}\n"),
            At(3,
               "snmp.targets[0].auth_password: the password is shorter than 8 characters, "
               "which SNMPv3 (USM) refuses"));
  const Config ok = ParseOk(
      "snmp:\n  targets:\n    - {name: a, address: h, version: 3, username: u, "
      "security_level: noAuthNoPriv}\n");
  EXPECT_EQ(ok.snmp.targets[0].credentials.security_level, SnmpSecurityLevel::kNoAuthNoPriv);
}

TEST(SnmpConfigTest, TargetErrors) {
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {address: h, community: x}\n"),
            At(3, "snmp.targets[0]: missing key name"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, community: x}\n"),
            At(3, "snmp.targets[0]: missing key address"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n"
                       "    - {name: a, address: h, community: x}\n"
                       "    - {name: a, address: h2, community: x}\n"),
            At(4, "snmp.targets[1]: duplicate target name \"a\" (first on line 3)"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: \"h:0\", community: x}\n"),
            At(3, "snmp.targets[0].address: invalid port \"0\" in \"h:0\"; want 1..65535"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "labels: {ifName: x}}\n"),
            At(3,
               "snmp.targets[0].labels.ifName: label name \"ifName\" is reserved (the "
               "exporter sets it on every port or metric)"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "labels: {9: x}}\n"),
            At(3,
               "snmp.targets[0].labels.9: invalid label name \"9\"; want "
               "[a-zA-Z_][a-zA-Z0-9_]*"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "retries: 11}\n"),
            At(3, "snmp.targets[0].retries: 11 is outside 0..10"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "max_repetitions: 0}\n"),
            At(3, "snmp.targets[0].max_repetitions: 0 is outside 1..1000"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "interval: 100ms}\n"),
            At(3, "snmp.targets[0].interval: 100ms is below the minimum 1s"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "interval: 1m, stale_after: 30s}\n"),
            At(3, "snmp.targets[0]: stale_after 30s is shorter than interval 1m"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "interface_include: \"([\"}\n")
                .substr(0, 90),
            At(3, "snmp.targets[0].interface_include: invalid regular expression").substr(0, 90));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - just-a-name\n"),
            At(3,
               "snmp.targets[0]: want a map (name, address, version, ...), got a single "
               "value"));
  EXPECT_THAT(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                         "colour: red}\n"),
              HasSubstr("snmp.targets[0].colour: unknown key; known keys in snmp.targets[0]: "
                        "name, address, version, "));
  EXPECT_EQ(ParseError("snmp:\n  defaults:\n    interval: 1m\n    stale_after: 10s\n"),
            At(2, "snmp.defaults: stale_after 10s is shorter than interval 1m"));
  EXPECT_EQ(ParseError("snmp:\n  defaults:\n    timeout: 5s\n    walk_timeout: 2s\n"),
            At(2, "snmp.defaults: walk_timeout 2s is shorter than timeout 5s"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "max_interfaces: 0}\n"),
            At(3, "snmp.targets[0].max_interfaces: 0 is outside 1..1000000"));
  EXPECT_EQ(ParseError("snmp:\n  targets:\n    - {name: a, address: h, community: x, "
                       "max_varbinds: 100000001}\n"),
            At(3, "snmp.targets[0].max_varbinds: 100000001 is outside 1..100000000"));
  EXPECT_EQ(ParseError("snmp:\n  target: []\n"),
            At(2, "snmp.target: unknown key; known keys in snmp: defaults, targets"));
}

}  // namespace
}  // namespace netif
