#include "config/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace netif {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

CommandLine ParseOk(const std::vector<std::string>& args) {
  std::variant<CommandLine, std::string> parsed = ParseCommandLine(args);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *error;
    return CommandLine{};
  }
  return std::get<CommandLine>(parsed);
}

std::string ParseError(const std::vector<std::string>& args) {
  std::variant<CommandLine, std::string> parsed = ParseCommandLine(args);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    EXPECT_EQ(error->find('\n'), std::string::npos) << "not one line: " << *error;
    return *error;
  }
  ADD_FAILURE() << "unexpectedly parsed";
  return "";
}

TEST(ParseCommandLineTest, NoFlagsSetsNothing) { EXPECT_EQ(ParseOk({}), CommandLine{}); }

TEST(ParseCommandLineTest, EveryValueFlagInBothSpellings) {
  const std::vector<std::string> equals = {"--config.file=/etc/x.yml",
                                           "--web.listen-address=127.0.0.1:0",
                                           "--path.procfs=/host/proc",
                                           "--path.sysfs=/host/sys",
                                           "--log.level=debug",
                                           "--log.format=json",
                                           "--collection.interval=250ms",
                                           "--snmp.shard=1/3",
                                           "--web.config.file=/etc/web.yml"};
  const std::vector<std::string> separate = {
      "--config.file",         "/etc/x.yml",  "--web.listen-address", "127.0.0.1:0",
      "--path.procfs",         "/host/proc",  "--path.sysfs",         "/host/sys",
      "--log.level",           "debug",       "--log.format",         "json",
      "--collection.interval", "250ms",       "--snmp.shard",         "1/3",
      "--web.config.file",     "/etc/web.yml"};
  CommandLine want;
  want.config_file = "/etc/x.yml";
  want.web_listen_addresses = {ListenAddress{"127.0.0.1", 0}};
  want.path_procfs = "/host/proc";
  want.path_sysfs = "/host/sys";
  want.log_level = LogLevel::kDebug;
  want.log_format = LogFormat::kJson;
  want.collection_interval = milliseconds(250);
  want.snmp_shard = Shard{1, 3};
  want.web_config_file = "/etc/web.yml";
  EXPECT_EQ(ParseOk(equals), want);
  EXPECT_EQ(ParseOk(separate), want);
}

TEST(ParseCommandLineTest, Switches) {
  EXPECT_TRUE(ParseOk({"--check-config"}).check_config);
  EXPECT_TRUE(ParseOk({"--web.enable-lifecycle"}).web_enable_lifecycle);
  EXPECT_TRUE(ParseOk({"--compat.node-exporter"}).compat_node_exporter);
  EXPECT_FALSE(ParseOk({}).compat_node_exporter);
  // The one repeatable value flag: each is one more address.
  EXPECT_EQ(
      ParseOk({"--web.listen-address=:1", "--web.listen-address", "[::1]:2"}).web_listen_addresses,
      (std::vector<ListenAddress>{{"", 1}, {"::1", 2}}));
  EXPECT_FALSE(ParseOk({}).web_enable_lifecycle);
  EXPECT_TRUE(ParseOk({"--version"}).show_version);
  EXPECT_TRUE(ParseOk({"--help"}).show_help);
  EXPECT_TRUE(ParseOk({"-h"}).show_help);
  EXPECT_TRUE(ParseOk({"-h", "--help"}).show_help);  // a repeated switch is harmless
}

TEST(ParseCommandLineTest, ValueMayContainEqualsAndStartWithDashWhenInline) {
  EXPECT_EQ(ParseOk({"--config.file=a=b.yml"}).config_file, "a=b.yml");
  EXPECT_EQ(ParseOk({"--config.file=-odd.yml"}).config_file, "-odd.yml");
}

TEST(ParseCommandLineTest, UnknownFlag) {
  EXPECT_EQ(ParseError({"--bogus"}), "netif_exporter: flag --bogus: unknown flag; see --help");
  EXPECT_EQ(ParseError({"--web.listen_address=:1"}),
            "netif_exporter: flag --web.listen_address: unknown flag; did you mean "
            "--web.listen-address?");
  EXPECT_EQ(ParseError({"--log-level", "debug"}),
            "netif_exporter: flag --log-level: unknown flag; did you mean --log.level?");
  EXPECT_EQ(ParseError({"-web.listen-address=:1"}),
            "netif_exporter: flag -web.listen-address=:1: unknown flag; long flags take two "
            "dashes, e.g. --log.level=debug");
  EXPECT_EQ(ParseError({"-v"}),
            "netif_exporter: flag -v: unknown flag; long flags take two dashes, e.g. "
            "--log.level=debug");
}

TEST(ParseCommandLineTest, PositionalArgument) {
  EXPECT_EQ(ParseError({"config.yml"}),
            "netif_exporter: unexpected argument \"config.yml\"; all options are --flags");
  EXPECT_THAT(ParseError({"--"}), StartsWith("netif_exporter: unexpected argument \"--\""));
}

TEST(ParseCommandLineTest, MissingValue) {
  EXPECT_EQ(ParseError({"--config.file"}), "netif_exporter: flag --config.file: missing value");
  EXPECT_EQ(ParseError({"--config.file", "--log.level=debug"}),
            "netif_exporter: flag --config.file: missing value");
  EXPECT_EQ(ParseError({"--log.level", "-h"}), "netif_exporter: flag --log.level: missing value");
  EXPECT_EQ(ParseError({"--path.sysfs="}), "netif_exporter: flag --path.sysfs: empty value");
}

TEST(ParseCommandLineTest, SwitchTakesNoValue) {
  EXPECT_EQ(ParseError({"--check-config=true"}),
            "netif_exporter: flag --check-config: takes no value");
}

TEST(ParseCommandLineTest, RepeatedValueFlag) {
  EXPECT_EQ(ParseError({"--log.level=debug", "--log.level", "info"}),
            "netif_exporter: flag --log.level: given more than once");
}

TEST(ParseCommandLineTest, BadValues) {
  EXPECT_EQ(ParseError({"--log.level=loud"}),
            "netif_exporter: flag --log.level: invalid log level \"loud\"; want one of debug, "
            "info, warn, error");
  EXPECT_EQ(ParseError({"--log.format", "text"}),
            "netif_exporter: flag --log.format: invalid log format \"text\"; want one of logfmt, "
            "json");
  EXPECT_EQ(ParseError({"--web.listen-address=10100"}),
            "netif_exporter: flag --web.listen-address: missing port in \"10100\"; want "
            "host:port, [v6]:port or :port, e.g. \":10100\"");
  EXPECT_EQ(ParseError({"--collection.interval=5"}),
            "netif_exporter: flag --collection.interval: duration \"5\" has no unit; write e.g. "
            "\"5s\" or \"5ms\"");
  EXPECT_EQ(ParseError({"--collection.interval=10ms"}),
            "netif_exporter: flag --collection.interval: 10ms is below the minimum 100ms");
  EXPECT_EQ(ParseError({"--collection.interval=2h"}),
            "netif_exporter: flag --collection.interval: 2h is above the maximum 1h");
  EXPECT_EQ(ParseError({"--snmp.shard=2/2"}),
            "netif_exporter: flag --snmp.shard: invalid shard \"2/2\": the index must be below "
            "the count (0..1)");
  EXPECT_EQ(ParseError({"--snmp.shard=x"}),
            "netif_exporter: flag --snmp.shard: invalid shard \"x\"; want index/count, e.g. "
            "\"0/1\" or \"2/4\"");
}

TEST(ParseCommandLineTest, FirstErrorWins) {
  EXPECT_EQ(ParseError({"--log.level=debug", "--nope", "--log.format=x"}),
            "netif_exporter: flag --nope: unknown flag; see --help");
}

TEST(HelpTextTest, ListsEveryFlagWithItsDefault) {
  const std::string help = HelpText();
  EXPECT_THAT(help, StartsWith("usage: netif_exporter [<flags>]\n"));
  EXPECT_THAT(help, HasSubstr("  -h, --help "));
  EXPECT_THAT(help, HasSubstr("      --version "));
  EXPECT_THAT(help, HasSubstr("      --check-config "));
  EXPECT_THAT(help, HasSubstr("--config.file=PATH "));
  EXPECT_THAT(help, HasSubstr("(default: none, built-in defaults)"));
  EXPECT_THAT(help, HasSubstr("--web.listen-address=ADDR "));
  EXPECT_THAT(help, HasSubstr("(default: \":10100\")"));
  EXPECT_THAT(help, HasSubstr("--web.config.file=PATH "));
  EXPECT_THAT(help, HasSubstr("(default: none, plain HTTP without auth)"));
  EXPECT_THAT(help, HasSubstr("--path.procfs=PATH "));
  EXPECT_THAT(help, HasSubstr("(default: /proc)"));
  EXPECT_THAT(help, HasSubstr("--path.sysfs=PATH "));
  EXPECT_THAT(help, HasSubstr("(default: /sys)"));
  EXPECT_THAT(help, HasSubstr("--log.level=LEVEL "));
  EXPECT_THAT(help, HasSubstr("(default: info)"));
  EXPECT_THAT(help, HasSubstr("--log.format=FORMAT "));
  EXPECT_THAT(help, HasSubstr("(default: logfmt)"));
  EXPECT_THAT(help, HasSubstr("--collection.interval=DURATION "));
  EXPECT_THAT(help, HasSubstr("(default: 1s)"));
  EXPECT_THAT(help, HasSubstr("--snmp.shard=I/N "));
  EXPECT_THAT(help, HasSubstr("(default: 0/1)"));
}

TEST(HelpTextTest, EveryListedFlagParses) {
  // Guards the table and the help text against drifting apart: each "--name" shown is accepted.
  const std::string help = HelpText();
  size_t pos = 0;
  int flags = 0;
  while ((pos = help.find("  --", pos)) != std::string::npos) {
    pos += 2;
    const size_t end = help.find_first_of("= ", pos);
    const std::string name = help.substr(pos, end - pos);
    std::vector<std::string> args = {name};
    if (help[end] == '=') {
      args = {name + "=" +
              (name == "--web.listen-address"    ? std::string(":1")
               : name == "--log.level"           ? std::string("warn")
               : name == "--log.format"          ? std::string("json")
               : name == "--collection.interval" ? std::string("2s")
               : name == "--snmp.shard"          ? std::string("0/2")
                                                 : std::string("/x"))};
    }
    EXPECT_TRUE(std::holds_alternative<CommandLine>(ParseCommandLine(args))) << name;
    ++flags;
  }
  EXPECT_EQ(flags, 18);  // plus -h, which shares the --help row
}

TEST(ParseCommandLineTest, StoragePath) {
  EXPECT_EQ(ParseOk({"--storage.path=/var/lib/netif"}).storage_path, "/var/lib/netif");
  EXPECT_EQ(ParseOk({}).storage_path, std::nullopt);
  EXPECT_THAT(HelpText(), HasSubstr("--storage.path=DIR "));
}

TEST(ParseCommandLineTest, DeviceFiltersInNodeExportersSpelling) {
  const CommandLine cli = ParseOk({"--collector.netdev.device-include=eth.*|en.*",
                                   "--collector.netdev.device-exclude", "veth.*"});
  ASSERT_TRUE(cli.device_include.has_value());
  ASSERT_TRUE(cli.device_exclude.has_value());
  EXPECT_EQ(cli.device_include->pattern(), "eth.*|en.*");
  EXPECT_TRUE(cli.device_include->Matches("eth0"));
  EXPECT_FALSE(cli.device_include->Matches("veth0"));  // anchored: the whole name
  EXPECT_TRUE(cli.device_exclude->Matches("veth0"));
  EXPECT_THAT(HelpText(), HasSubstr("--collector.netdev.device-include=REGEX "));
  EXPECT_THAT(HelpText(), HasSubstr("--collector.netdev.device-exclude=REGEX "));
}

TEST(ParseCommandLineTest, BadDeviceRegexIsTheFlagsError) {
  EXPECT_THAT(ParseError({"--collector.netdev.device-exclude=veth("}),
              StartsWith("netif_exporter: flag --collector.netdev.device-exclude: invalid regular "
                         "expression \"veth(\": missing )"));
}

}  // namespace
}  // namespace netif
