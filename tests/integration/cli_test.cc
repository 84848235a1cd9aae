// The command-line contract of the built binary: --version, --help, --check-config, how bad
// flags and bad configuration files are reported (one line on stderr, exit status 2), shutdown on
// SIGTERM/SIGINT (exit 0), and the HTTP endpoints besides /metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "util/build_info.h"

namespace netif::testing_support {
namespace {

constexpr int kExitUsage = 2;

CommandResult RunExporter(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ExporterBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  // A usage error must not get as far as serving; the bound only keeps a regression from
  // hanging the suite.
  return RunCommand(argv, 20s);
}

// A usage error is one line: the whole stderr is "<message>\n".
::testing::AssertionResult IsOneLine(const std::string& text) {
  if (text.empty() || text.back() != '\n' || text.find('\n') != text.size() - 1) {
    return ::testing::AssertionFailure() << "expected exactly one line, got: [" << text << "]";
  }
  return ::testing::AssertionSuccess();
}

TEST(CliTest, VersionPrintsTheVersionAndExits0) {
  const CommandResult result = RunExporter({"--version"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_NE(result.stdout_text.find(netif::BuildVersion()), std::string::npos)
      << result.stdout_text;
  EXPECT_NE(result.stdout_text.find("netif_exporter"), std::string::npos) << result.stdout_text;
}

TEST(CliTest, HelpListsEveryFlagAndExits0) {
  const CommandResult result = RunExporter({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  for (const char* flag : {"--config.file", "--web.listen-address", "--path.procfs", "--path.sysfs",
                           "--log.level", "--log.format", "--collection.interval", "--check-config",
                           "--version", "--help", "--web.config.file"}) {
    EXPECT_NE(result.stdout_text.find(flag), std::string::npos)
        << "--help does not mention " << flag << ":\n"
        << result.stdout_text;
  }
}

TEST(CliTest, CheckConfigAcceptsTheShippedExample) {
  const CommandResult result =
      RunExporter({"--config.file", SourcePath("config/netif_exporter.yml"), "--check-config"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
}

TEST(CliTest, CheckConfigAcceptsTheTestFixtureConfig) {
  TempDir dir;
  const CommandResult result =
      RunExporter({"--config.file", dir.WriteFile("ok.yml", kFixtureConfigYaml), "--check-config"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
}

// Line 3 holds the unknown key; the message must point the operator right at it.
constexpr char kUnknownKeyConfig[] =
    "web:\n"
    "  listen_address: \"127.0.0.1:0\"\n"
    "  bogus_key: 1\n";

TEST(CliTest, UnknownConfigKeyIsOneLineNamingFileLineAndKey) {
  TempDir dir;
  const std::string file = dir.WriteFile("bad.yml", kUnknownKeyConfig);
  for (const bool check_only : {true, false}) {
    SCOPED_TRACE(check_only ? "with --check-config" : "starting for real");
    std::vector<std::string> args = {"--config.file", file};
    if (check_only) args.push_back("--check-config");
    const CommandResult result = RunExporter(args);
    EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
    EXPECT_TRUE(IsOneLine(result.stderr_text));
    EXPECT_NE(result.stderr_text.find(file + ":3"), std::string::npos) << result.stderr_text;
    EXPECT_NE(result.stderr_text.find("bogus_key"), std::string::npos) << result.stderr_text;
  }
}

TEST(CliTest, MissingConfigFileIsOneLineExit2) {
  const CommandResult result =
      RunExporter({"--config.file", "/nonexistent/netif_exporter.yml", "--check-config"});
  EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
  EXPECT_TRUE(IsOneLine(result.stderr_text));
  EXPECT_NE(result.stderr_text.find("/nonexistent/netif_exporter.yml"), std::string::npos)
      << result.stderr_text;
}

TEST(CliTest, WebConfigFileErrorsAreOneLineExit2) {
  TempDir dir;
  const std::string missing = dir.path() + "/missing.yml";
  const std::string unknown_key =
      dir.WriteFile("web.yml", "basic_auth_users: {}\ntls_config: {}\n");
  // A hash with a typo: the message names the key and never quotes the hash.
  const std::string bad_hash = dir.WriteFile(
      "hash.yml",
      "basic_auth_users:\n  alice: $2y$10$oWSSVH.fZj4.CqtB8aJKfujiFdS5Y5p8oP5bicmlnbucS7\n");
  for (const bool check_only : {true, false}) {
    SCOPED_TRACE(check_only ? "with --check-config" : "starting for real");
    const auto run = [&](const std::string& file) {
      std::vector<std::string> args = {"--web.listen-address=127.0.0.1:0",
                                       "--web.config.file=" + file};
      if (check_only) args.push_back("--check-config");
      return RunExporter(args);
    };
    CommandResult result = run(missing);
    EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
    EXPECT_TRUE(IsOneLine(result.stderr_text));
    EXPECT_NE(result.stderr_text.find(missing + ": cannot read: No such file or directory"),
              std::string::npos)
        << result.stderr_text;

    result = run(unknown_key);
    EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
    EXPECT_TRUE(IsOneLine(result.stderr_text));
    EXPECT_NE(result.stderr_text.find(unknown_key + ":2: tls_config: unknown key"),
              std::string::npos)
        << result.stderr_text;

    result = run(bad_hash);
    EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
    EXPECT_TRUE(IsOneLine(result.stderr_text));
    EXPECT_NE(result.stderr_text.find("basic_auth_users.alice: not a bcrypt hash"),
              std::string::npos)
        << result.stderr_text;
    EXPECT_EQ(result.stderr_text.find("oWSSVH"), std::string::npos) << result.stderr_text;
  }
}

TEST(CliTest, CheckConfigAcceptsAWebConfigFile) {
  TempDir dir;
  dir.WriteFile("server.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  dir.WriteFile("server.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
  const std::string file = dir.WriteFile(
      "web.yml",
      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n"
      "  alice: $2y$10$oWSSVH.fZj4.CqtB8aJKfujiFdS5Y5p8oP5bicmlnbucS7ccmivKW\n");
  const CommandResult result = RunExporter({"--web.config.file", file, "--check-config"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  // --check-config only sees PEM blocks; loading the certificate and key happens at start, where
  // these (not real DER inside) fail: one error line, exit 1, and nothing served.
  const CommandResult started =
      RunExporter({"--web.listen-address=127.0.0.1:0", "--web.config.file", file});
  EXPECT_EQ(started.exit_code, 1) << started.Describe();
  EXPECT_TRUE(IsOneLine(started.stderr_text)) << started.stderr_text;
  EXPECT_NE(started.stderr_text.find("TLS"), std::string::npos) << started.stderr_text;
  EXPECT_EQ(started.stderr_text.find("oWSSVH"), std::string::npos) << started.stderr_text;
}

TEST(CliTest, BadFlagsAreOneLineExit2) {
  const std::vector<std::vector<std::string>> bad = {
      {"--no-such-flag"},
      {"--log.level=loud"},
      {"--collection.interval", "soon"},
      {"--web.listen-address"},  // missing value
  };
  for (const auto& args : bad) {
    SCOPED_TRACE(args.front());
    const CommandResult result = RunExporter(args);
    EXPECT_EQ(result.exit_code, kExitUsage) << result.Describe();
    EXPECT_TRUE(IsOneLine(result.stderr_text));
    // The message names the flag: "--no-such-flag", "--log.level", ...
    const std::string flag = args.front().substr(0, args.front().find('='));
    EXPECT_NE(result.stderr_text.find(flag), std::string::npos) << result.stderr_text;
  }
}

class ShutdownTest : public ::testing::TestWithParam<int> {};

TEST_P(ShutdownTest, SignalStopsTheExporterWithStatus0) {
  TempDir dir;
  ExporterProcess exporter(FixtureExporterOptions(dir, kFixtureConfigYaml));
  ASSERT_TRUE(exporter.Scrape().has_value());  // serving, not merely started
  const auto start = std::chrono::steady_clock::now();
  // The contract is "within a second"; only a generous bound is asserted (shared CI machines).
  const auto code = exporter.Stop(5s, GetParam());
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << strsignal(GetParam()) << " -> exit in " << elapsed.count() << " ms\n";
  ASSERT_TRUE(code.has_value()) << "still running 5 s after " << strsignal(GetParam());
  EXPECT_EQ(*code, 0);
  EXPECT_TRUE(exporter.ErrorLines().empty()) << exporter.Stderr();
}

INSTANTIATE_TEST_SUITE_P(Signals, ShutdownTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

TEST(CliTest, EndpointsAnswer200) {
  TempDir dir;
  ExporterProcess exporter(FixtureExporterOptions(dir, kFixtureConfigYaml));
  for (const char* path : {"/", "/-/healthy", "/-/ready", "/metrics"}) {
    const auto response = exporter.Get(path);
    ASSERT_TRUE(response.has_value()) << path << ": no response";
    EXPECT_EQ(response->status, 200) << path << ": " << response->body;
  }
}

TEST(CliTest, JsonLogFormatWritesOneObjectPerLine) {
  TempDir dir;
  ExporterProcess exporter(
      FixtureExporterOptions(dir, kFixtureConfigYaml, {"--log.format", "json"}));
  ASSERT_EQ(exporter.Stop(), 0);
  const std::string log = exporter.Stderr();
  std::istringstream lines(log);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(line.starts_with("{") && line.ends_with("}")) << "not a JSON object: " << line;
  }
  EXPECT_GE(count, 1) << "no log lines at all";
}

}  // namespace
}  // namespace netif::testing_support
