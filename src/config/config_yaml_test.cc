#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/config_test_util.h"

namespace netif {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using config_testing::At;
using config_testing::kFile;
using config_testing::ParseError;
using config_testing::ParseOk;

TEST(ParseConfigYamlTest, EmptyDocumentsMeanDefaults) {
  EXPECT_EQ(ParseOk(""), Config{});
  EXPECT_EQ(ParseOk("# nothing but a comment\n"), Config{});
  EXPECT_EQ(ParseOk("---\n"), Config{});
  EXPECT_EQ(ParseOk("~\n"), Config{});
  // A section whose keys are all commented out is an empty (null) value: its defaults.
  EXPECT_EQ(ParseOk("web:\nlog:\nanalytics:\n  health:\n"), Config{});
}

TEST(ParseConfigYamlTest, DefaultsAreTheDocumentedOnes) {
  const Config c;
  EXPECT_EQ(c.web.listen_addresses, (std::vector<ListenAddress>{{"", 10100}}));
  EXPECT_EQ(c.log.level, LogLevel::kInfo);
  EXPECT_EQ(c.log.format, LogFormat::kLogfmt);
  EXPECT_EQ(c.collection.interval, seconds(1));
  EXPECT_TRUE(c.local.enabled);
  EXPECT_TRUE(c.local.netlink);
  EXPECT_EQ(c.local.path_procfs, "/proc");
  EXPECT_EQ(c.local.path_sysfs, "/sys");
  EXPECT_TRUE(c.local.device_include.empty());
  EXPECT_TRUE(c.local.device_exclude.empty());
  EXPECT_TRUE(c.local.ethtool.enabled);
  EXPECT_TRUE(c.local.ethtool.device_include.empty());
  EXPECT_TRUE(c.local.ethtool.device_exclude.empty());
  EXPECT_EQ(c.local.ethtool.interval, seconds(30));
  EXPECT_EQ(c.analytics.windows, (std::vector<milliseconds>{minutes(1), minutes(5), hours(1)}));
  EXPECT_TRUE(c.analytics.capacity_bps.empty());
  EXPECT_EQ(c.analytics.health.window, minutes(5));
  EXPECT_DOUBLE_EQ(c.analytics.health.error_ratio, 0.0001);
  EXPECT_DOUBLE_EQ(c.analytics.health.drop_ratio, 0.001);
  EXPECT_TRUE(c.analytics.anomaly.enabled);
  EXPECT_TRUE(c.analytics.asymmetric.enabled);
  EXPECT_DOUBLE_EQ(c.analytics.asymmetric.ratio, 10);
  EXPECT_EQ(c.analytics.asymmetric.min_bps, 10'000'000u);
  EXPECT_EQ(c.config_file, std::nullopt);
  EXPECT_EQ(c.snmp_shard, (Shard{0, 1}));
  EXPECT_FALSE(c.check_config);
}

TEST(ParseConfigYamlTest, ReadsEveryKey) {
  const Config c = ParseOk(R"(
web:
  listen_address: "[::1]:0"
log:
  level: debug
  format: json
collection:
  interval: 500ms
local:
  enabled: false
  netlink: false
  path_procfs: /host/proc
  path_sysfs: /host/sys
  device_include: "eth.*|wlan[0-9]"
  device_exclude: eth9
  ethtool:
    enabled: false
    device_include: "veth.*"
    device_exclude: veth9
    interval: 1m
analytics:
  windows: [10s, 2m, 24h]
  capacity_bps:
    eth0: 10G
    wlan0: 300M
    eth0.100: 1000000
  health:
    window: 30s
    error_ratio: 0
    drop_ratio: 1
  anomaly:
    enabled: false
    min_bps: 1M
    classes: [physical, veth]
  asymmetric:
    enabled: false
    ratio: 2.5
    min_bps: 1.5G
)");
  EXPECT_EQ(c.web.listen_addresses, (std::vector<ListenAddress>{{"::1", 0}}));
  const Config several =
      std::get<Config>(ParseConfigYaml("web:\n  listen_address: [\":1\", \"[::1]:2\"]\n", "x.yml"));
  EXPECT_EQ(several.web.listen_addresses, (std::vector<ListenAddress>{{"", 1}, {"::1", 2}}));
  EXPECT_EQ(c.log.level, LogLevel::kDebug);
  EXPECT_EQ(c.log.format, LogFormat::kJson);
  EXPECT_EQ(c.collection.interval, milliseconds(500));
  EXPECT_FALSE(c.local.enabled);
  EXPECT_FALSE(c.local.netlink);
  EXPECT_EQ(c.local.path_procfs, "/host/proc");
  EXPECT_EQ(c.local.path_sysfs, "/host/sys");
  EXPECT_EQ(c.local.device_include.pattern(), "eth.*|wlan[0-9]");
  EXPECT_EQ(c.local.device_exclude.pattern(), "eth9");
  EXPECT_TRUE(c.local.DeviceSelected("eth0"));
  EXPECT_TRUE(c.local.DeviceSelected("wlan1"));
  EXPECT_FALSE(c.local.DeviceSelected("eth9"));
  EXPECT_FALSE(c.local.DeviceSelected("lo"));
  EXPECT_FALSE(c.local.ethtool.enabled);
  EXPECT_EQ(c.local.ethtool.device_include.pattern(), "veth.*");
  EXPECT_EQ(c.local.ethtool.device_exclude.pattern(), "veth9");
  EXPECT_EQ(c.local.ethtool.interval, minutes(1));
  EXPECT_EQ(c.analytics.windows, (std::vector<milliseconds>{seconds(10), minutes(2), hours(24)}));
  EXPECT_EQ(c.analytics.capacity_bps,
            (std::map<std::string, uint64_t, std::less<>>{
                {"eth0", 10'000'000'000u}, {"wlan0", 300'000'000u}, {"eth0.100", 1'000'000u}}));
  EXPECT_EQ(c.analytics.health.window, seconds(30));
  EXPECT_DOUBLE_EQ(c.analytics.health.error_ratio, 0);
  EXPECT_DOUBLE_EQ(c.analytics.health.drop_ratio, 1);
  EXPECT_FALSE(c.analytics.anomaly.enabled);
  EXPECT_EQ(c.analytics.anomaly.min_bps, 1'000'000u);
  EXPECT_EQ(c.analytics.anomaly.classes, (std::vector<std::string>{"physical", "veth"}));
  EXPECT_FALSE(c.analytics.asymmetric.enabled);
  EXPECT_DOUBLE_EQ(c.analytics.asymmetric.ratio, 2.5);
  EXPECT_EQ(c.analytics.asymmetric.min_bps, 1'500'000'000u);
}

TEST(ParseConfigYamlTest, KeysNotGivenKeepTheirDefaults) {
  const Config c = ParseOk("log:\n  level: warn\n");
  Config want;
  want.log.level = LogLevel::kWarn;
  EXPECT_EQ(c, want);
}

TEST(ParseConfigYamlTest, WindowsKeepTheirOrder) {
  EXPECT_EQ(ParseOk("analytics:\n  windows: [1h, 1m]\n").analytics.windows,
            (std::vector<milliseconds>{hours(1), minutes(1)}));
  EXPECT_EQ(ParseOk("analytics:\n  windows:\n    - 90s\n").analytics.windows,
            (std::vector<milliseconds>{seconds(90)}));
}

TEST(ParseConfigYamlTest, AnchorsAndAliasesWork) {
  const Config c = ParseOk("collection:\n  interval: &i 10s\nanalytics:\n  windows: [*i]\n");
  EXPECT_EQ(c.analytics.windows, (std::vector<milliseconds>{seconds(10)}));
}

// Unknown keys are errors at every level, naming the line, the full key and the keys that exist.
TEST(ParseConfigYamlTest, UnknownKeyAtEveryLevel) {
  EXPECT_EQ(ParseError("log:\n  level: info\nsmnp:\n  targets: []\n"),
            At(3,
               "smnp: unknown key; known top-level keys: web, log, collection, local, "
               "analytics, snmp, storage, metrics, compat, kubernetes"));
  EXPECT_EQ(ParseError("web:\n  listen_adress: \":1\"\n"),
            At(2, "web.listen_adress: unknown key; known keys in web: listen_address"));
  EXPECT_EQ(ParseError("log:\n  lvl: info\n"),
            At(2, "log.lvl: unknown key; known keys in log: level, format"));
  EXPECT_EQ(ParseError("collection:\n  period: 1s\n"),
            At(2, "collection.period: unknown key; known keys in collection: interval"));
  EXPECT_EQ(ParseError("local:\n  enabled: true\n  device_excludes: x\n"),
            At(3,
               "local.device_excludes: unknown key; known keys in local: enabled, netlink, "
               "path_procfs, path_sysfs, device_include, device_exclude, ethtool"));
  EXPECT_EQ(ParseError("local:\n  ethtool:\n    devices: x\n"),
            At(3,
               "local.ethtool.devices: unknown key; known keys in local.ethtool: enabled, "
               "device_include, device_exclude, interval"));
  EXPECT_EQ(ParseError("analytics:\n  window: [1m]\n"),
            At(2,
               "analytics.window: unknown key; known keys in analytics: windows, "
               "capacity_bps, health, anomaly, asymmetric"));
  EXPECT_EQ(ParseError("analytics:\n  health:\n    error: 0.1\n"),
            At(3,
               "analytics.health.error: unknown key; known keys in analytics.health: window, "
               "error_ratio, drop_ratio"));
  EXPECT_EQ(ParseError("analytics:\n  anomaly:\n    sensitivity: 3\n"),
            At(3,
               "analytics.anomaly.sensitivity: unknown key; known keys in analytics.anomaly: "
               "enabled, min_bps, classes"));
  EXPECT_THAT(ParseError("analytics:\n  anomaly:\n    classes: [physical, vm]\n"),
              HasSubstr("unknown device class 'vm'"));
  EXPECT_THAT(ParseError("analytics:\n  anomaly:\n    classes: [snmp, snmp]\n"),
              HasSubstr("device class 'snmp' listed twice"));
  EXPECT_EQ(ParseError("analytics:\n  asymmetric:\n    min: 1M\n"),
            At(3,
               "analytics.asymmetric.min: unknown key; known keys in analytics.asymmetric: "
               "enabled, ratio, min_bps"));
}

TEST(ParseConfigYamlTest, Compat) {
  EXPECT_FALSE(Config{}.compat.node_exporter);
  EXPECT_TRUE(ParseOk("compat:\n  node_exporter: true\n").compat.node_exporter);
  EXPECT_FALSE(ParseOk("compat:\n  node_exporter: false\n").compat.node_exporter);
  EXPECT_EQ(ParseError("compat:\n  node-exporter: true\n"),
            At(2, "compat.node-exporter: unknown key; known keys in compat: node_exporter"));
}

TEST(ParseConfigYamlTest, DuplicateKey) {
  EXPECT_EQ(ParseError("log:\n  level: info\n  format: json\n  level: debug\n"),
            At(4, "log.level: duplicate key (first set on line 2)"));
  EXPECT_EQ(ParseError("web: {}\nweb: {}\n"), At(2, "web: duplicate key (first set on line 1)"));
  EXPECT_EQ(ParseError("analytics:\n  capacity_bps:\n    eth0: 1G\n    eth0: 2G\n"),
            At(4, "analytics.capacity_bps.eth0: duplicate key (first set on line 3)"));
}

TEST(ParseConfigYamlTest, NonMapRoot) {
  EXPECT_EQ(ParseError("- web\n- log\n"),
            At(1,
               "the top level must be a map of sections (keys: web, log, collection, local, "
               "analytics, snmp, storage, metrics, compat, kubernetes), got a list"));
  EXPECT_EQ(ParseError("just text\n"),
            At(1,
               "the top level must be a map of sections (keys: web, log, collection, local, "
               "analytics, snmp, storage, metrics, compat, kubernetes), got a single value"));
}

TEST(ParseConfigYamlTest, WrongTypes) {
  EXPECT_EQ(ParseError("web: \":10100\"\n"),
            At(1, "web: want a map (keys: listen_address), got a single value"));
  EXPECT_EQ(ParseError("log:\n  - level\n"),
            At(1, "log: want a map (keys: level, format), got a list"));
  EXPECT_EQ(ParseError("log:\n  level: [info]\n"),
            At(2, "log.level: want a single value, got a list"));
  EXPECT_EQ(ParseError("local:\n  path_procfs: {a: b}\n"),
            At(2, "local.path_procfs: want a single value, got a map"));
  EXPECT_EQ(ParseError("local:\n  enabled: yes\n"),
            At(2, "local.enabled: invalid boolean \"yes\"; want true or false"));
  EXPECT_EQ(ParseError("local:\n  netlink: 1\n"),
            At(2, "local.netlink: invalid boolean \"1\"; want true or false"));
  EXPECT_EQ(ParseError("analytics:\n  windows: 5m\n"),
            At(2, "analytics.windows: want a list, e.g. [1m, 5m, 1h], got a single value"));
  EXPECT_EQ(ParseError("analytics:\n  capacity_bps: [eth0]\n"),
            At(2,
               "analytics.capacity_bps: want a map (device name: bits/s, e.g. eth0: 10G), "
               "got a list"));
  EXPECT_EQ(ParseError("? [a, b]\n: c\n"), At(1, "keys must be plain names, got a list"));
}

TEST(ParseConfigYamlTest, MissingLeafValue) {
  EXPECT_EQ(ParseError("log:\n  level:\n"),
            At(2, "log.level: missing value (write \"\" for an empty string)"));
  EXPECT_EQ(ParseError("local:\n  device_include:\n  netlink: true\n"),
            At(2, "local.device_include: missing value (write \"\" for an empty string)"));
}

TEST(ParseConfigYamlTest, BadDuration) {
  EXPECT_EQ(ParseError("collection:\n  interval: 5\n"),
            At(2,
               "collection.interval: duration \"5\" has no unit; write e.g. \"5s\" or "
               "\"5ms\""));
  EXPECT_EQ(ParseError("collection:\n  interval: 50ms\n"),
            At(2, "collection.interval: 50ms is below the minimum 100ms"));
  EXPECT_EQ(ParseError("collection:\n  interval: 61m\n"),
            At(2, "collection.interval: 1h1m is above the maximum 1h"));
  EXPECT_EQ(ParseError("analytics:\n  health:\n    window: 5 minutes\n"),
            At(3,
               "analytics.health.window: invalid duration \"5 minutes\"; want e.g. \"500ms\", "
               "\"1s\", \"1m30s\", \"2d\""));
  EXPECT_EQ(ParseError("analytics:\n  health:\n    window: 9s\n"),
            At(3, "analytics.health.window: 9s is below the minimum 10s"));
  EXPECT_EQ(ParseError("local:\n  ethtool:\n    interval: 500ms\n"),
            At(3, "local.ethtool.interval: 500ms is below the minimum 1s"));
}

TEST(ParseConfigYamlTest, BadRegex) {
  EXPECT_THAT(ParseError("local:\n  device_include: eth.*\n  device_exclude: \"([\"\n"),
              StartsWith(At(3, "local.device_exclude: invalid regular expression \"([\": ")));
  EXPECT_THAT(ParseError("local:\n  ethtool:\n    device_include: \"([\"\n"),
              StartsWith(At(3, "local.ethtool.device_include: invalid regular expression")));
  EXPECT_THAT(ParseError("local:\n  device_include: \"*\"\n"),
              StartsWith(At(2, "local.device_include: invalid regular expression \"*\": ")));
}

TEST(ParseConfigYamlTest, BadPaths) {
  EXPECT_EQ(ParseError("local:\n  path_sysfs: \"\"\n"),
            At(2, "local.path_sysfs: must not be empty"));
}

TEST(ParseConfigYamlTest, BadListenAddress) {
  EXPECT_EQ(ParseError("web:\n  listen_address: 10100\n"),
            At(2,
               "web.listen_address: missing port in \"10100\"; want host:port, [v6]:port or "
               ":port, e.g. \":10100\""));
  EXPECT_EQ(ParseError("web:\n  listen_address: \":99999\"\n"),
            At(2, "web.listen_address: invalid port \"99999\" in \":99999\"; want 0..65535"));
}

TEST(ParseConfigYamlTest, BadLogLevelAndFormat) {
  EXPECT_EQ(ParseError("log:\n  level: trace\n"),
            At(2, "log.level: invalid log level \"trace\"; want one of debug, info, warn, error"));
  EXPECT_EQ(ParseError("log:\n  format: text\n"),
            At(2, "log.format: invalid log format \"text\"; want one of logfmt, json"));
}

TEST(ParseConfigYamlTest, BadWindowList) {
  EXPECT_EQ(ParseError("analytics:\n  windows: []\n"),
            At(2, "analytics.windows: want 1 to 8 windows, got 0"));
  EXPECT_EQ(ParseError("analytics:\n  windows: [1m, 2m, 3m, 4m, 5m, 6m, 7m, 8m, 9m]\n"),
            At(2, "analytics.windows: want 1 to 8 windows, got 9"));
  EXPECT_EQ(ParseError("analytics:\n  windows:\n    - 1m\n    - 60s\n"),
            At(4, "analytics.windows[1]: window 1m is listed twice"));
  EXPECT_EQ(ParseError("analytics:\n  windows: [1m,\n    5s]\n"),
            At(3, "analytics.windows[1]: 5s is below the minimum 10s"));
  EXPECT_EQ(ParseError("analytics:\n  windows: [25h]\n"),
            At(2, "analytics.windows[0]: 1d1h is above the maximum 1d"));
  EXPECT_EQ(ParseError("analytics:\n  windows: [1m, [5m]]\n"),
            At(2, "analytics.windows[1]: want a single value, got a list"));
}

TEST(ParseConfigYamlTest, BadRatios) {
  EXPECT_EQ(ParseError("analytics:\n  health:\n    error_ratio: -0.1\n"),
            At(3,
               "analytics.health.error_ratio: -0.1 is not between 0 and 1 (a fraction: 0.001 "
               "means 0.1 %)"));
  EXPECT_EQ(ParseError("analytics:\n  health:\n    drop_ratio: 1.5\n"),
            At(3,
               "analytics.health.drop_ratio: 1.5 is not between 0 and 1 (a fraction: 0.001 "
               "means 0.1 %)"));
  EXPECT_EQ(ParseError("analytics:\n  health:\n    drop_ratio: 1%\n"),
            At(3, "analytics.health.drop_ratio: invalid number \"1%\""));
  EXPECT_EQ(ParseError("analytics:\n  asymmetric:\n    ratio: 0.5\n"),
            At(3, "analytics.asymmetric.ratio: 0.5 is below the minimum 1"));
  EXPECT_EQ(ParseError("analytics:\n  asymmetric:\n    ratio: .inf\n"),
            At(3, "analytics.asymmetric.ratio: invalid number \".inf\""));
}

TEST(ParseConfigYamlTest, BadCapacity) {
  EXPECT_EQ(ParseError("analytics:\n  capacity_bps:\n    eth0: 10 Gbit\n"),
            At(3,
               "analytics.capacity_bps.eth0: invalid bit rate \"10 Gbit\"; want bits per "
               "second as a number or with an SI suffix (k, M, G, T, P), e.g. \"10G\", "
               "\"100M\", \"1.5G\""));
  EXPECT_EQ(ParseError("analytics:\n  capacity_bps:\n    eth0: 0\n"),
            At(3, "analytics.capacity_bps.eth0: the capacity must be above 0"));
  EXPECT_EQ(ParseError("analytics:\n  capacity_bps:\n    \"\": 1G\n"),
            At(3, "analytics.capacity_bps.: the device name must not be empty"));
  EXPECT_EQ(ParseError("analytics:\n  asymmetric:\n    min_bps: -1M\n"),
            At(3, "analytics.asymmetric.min_bps: invalid bit rate \"-1M\": must not be negative"));
}

TEST(ParseConfigYamlTest, WindowShorterThanInterval) {
  // The file sets the window: point at the window.
  EXPECT_EQ(ParseError("collection:\n  interval: 30s\nanalytics:\n  windows: [1m, 20s]\n"),
            At(4, "analytics.windows[1]: window 20s is shorter than collection.interval 30s"));
  // The order of sections does not matter.
  EXPECT_EQ(ParseError("analytics:\n  windows: [10s]\ncollection:\n  interval: 1m\n"),
            At(2, "analytics.windows[0]: window 10s is shorter than collection.interval 1m"));
  // The window is a default: point at the interval.
  EXPECT_EQ(ParseError("collection:\n  interval: 2m\n"),
            At(2,
               "collection.interval: 2m is longer than analytics.windows[0] 1m (the default); "
               "shorten the interval or set longer windows"));
  EXPECT_EQ(ParseError("collection:\n  interval: 10m\nanalytics:\n  windows: [1h]\n"),
            At(2,
               "collection.interval: 10m is longer than analytics.health.window 5m (the "
               "default); shorten the interval or set longer windows"));
  // Equal is fine: the window spans one interval.
  EXPECT_EQ(ParseOk("collection:\n  interval: 1m\nanalytics:\n  windows: [1m]\n  health:\n"
                    "    window: 1m\n")
                .collection.interval,
            minutes(1));
}

TEST(ParseConfigYamlTest, SyntaxErrorNamesTheLine) {
  EXPECT_EQ(ParseError("log:\n  level: info\n format: json\n"),
            At(3, "YAML syntax error: end of map not found"));
  EXPECT_EQ(ParseError("analytics:\n  windows: [1m, 5m\n"),
            At(3, "YAML syntax error: end of sequence flow not found"));
  EXPECT_EQ(ParseError("log:\n\tlevel: info\n"), At(2, "YAML syntax error: illegal map value"));
  EXPECT_THAT(ParseError("x: *missing\n"), StartsWith(At(1, "YAML syntax error: ")));
}

TEST(ParseConfigYamlTest, MoreThanOneDocument) {
  EXPECT_EQ(ParseError("log:\n  level: info\n---\nlog:\n  level: debug\n"),
            At(4,
               "more than one YAML document (a \"---\", or a ',' outside a [list] or {map}); "
               "put every section in one"));
}

// yaml-cpp 0.7 never gets past a top-level ',' and YAML::LoadAll() built empty documents until
// memory ran out (found by the web config fuzz target). Now a one-line error, at once.
TEST(ParseConfigYamlTest, StrayCommaAtTheTopLevelIsAnErrorNotAnEndlessLoop) {
  for (const char* text : {",", ",x", " ,", "# c\n,", "\"x\" ,", "---\n,"}) {
    EXPECT_THAT(ParseError(text), HasSubstr("a ',' outside a [list] or {map}")) << text;
  }
}

TEST(ParseConfigYamlTest, FileNameAppearsAsGiven) {
  std::variant<Config, std::string> parsed = ParseConfigYaml("nope: 1\n", "relative/cfg.yml");
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  EXPECT_THAT(std::get<std::string>(parsed),
              StartsWith("netif_exporter: config error: relative/cfg.yml:1: nope: unknown key"));
}

TEST(ParseConfigYamlTest, NeverThrowsOnGarbage) {
  for (const char* text : {"\x01\x02\x03", "{{{{", "]]]", "a: b: c", "'unterminated", "\"\\q\"",
                           "? ? ?", "&a [*a]", "!!binary x", "- - - -", "a: !!int x"}) {
    EXPECT_NO_THROW({ (void)ParseConfigYaml(text, kFile); }) << text;
  }
}

TEST(ParseConfigYamlTest, StorageSection) {
  EXPECT_TRUE(Config{}.storage.path.empty());
  EXPECT_EQ(Config{}.storage.save_interval, minutes(5));
  const Config c = ParseOk("storage:\n  path: /var/lib/netif\n  save_interval: 1s\n");
  EXPECT_EQ(c.storage.path, "/var/lib/netif");
  EXPECT_EQ(c.storage.save_interval, seconds(1));
  EXPECT_EQ(ParseError("storage:\n  save_interval: 500ms\n"),
            At(2, "storage.save_interval: 500ms is below the minimum 1s"));
  EXPECT_THAT(ParseError("storage:\n  dir: /x\n"), HasSubstr("storage.dir"));
}

}  // namespace
}  // namespace netif
