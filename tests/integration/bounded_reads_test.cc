// Issue 16, "never silently stale, never unbounded": the built exporter against fixture trees
// holding what no reader may wait on or read whole (a FIFO, a symlink to /dev/zero) in place of a
// sysfs attribute, /proc/net/dev or the configuration file; an interface that /proc/net/dev lists
// but sysfs does not; and, in a private network namespace (root), two real interfaces whose names
// differ only in bytes that are not valid UTF-8.
//
// Before issue 16, a FIFO blocked the first pass before the exporter listened (and, later, the
// sampler and shutdown), /dev/zero grew a string until std::bad_alloc, a FIFO as --config.file
// hung --check-config, the interface without sysfs vanished while the collector said "success",
// and the two names became one label set twice.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

namespace fs = std::filesystem;

// The host1 fixture's interfaces (tests/fixtures/host1/README.md).
const std::set<std::string> kFixtureDevices = {"lo",       "eth0", "eth1",
                                               "veth7a3f", "br0",  "bad\\xFF0"};

// A copy of the host1 fixture tree in `dir`, for a test to break.
struct FixtureCopy {
  explicit FixtureCopy(const TempDir& dir)
      : procfs(dir.path() + "/proc"), sysfs(dir.path() + "/sys") {
    fs::copy(FixtureProcfs(), procfs, fs::copy_options::recursive);
    fs::copy(FixtureSysfs(), sysfs, fs::copy_options::recursive);
  }
  std::string Attribute(const std::string& device, const std::string& name) const {
    return sysfs + "/class/net/" + device + "/" + name;
  }
  std::string procfs;
  std::string sysfs;
};

void ReplaceWithFifo(const std::string& path) {
  fs::remove(path);
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0) << "mkfifo " << path;
}

void ReplaceWithSymlink(const std::string& path, const std::string& target) {
  fs::remove(path);
  fs::create_symlink(target, path);
}

ExporterProcess::Options OptionsFor(const TempDir& dir, const FixtureCopy& tree) {
  ExporterProcess::Options options;
  options.binary = ExporterBinary();
  options.args = {"--config.file",         dir.WriteFile("netif_exporter.yml", kFixtureConfigYaml),
                  "--path.procfs",         tree.procfs,
                  "--path.sysfs",          tree.sysfs,
                  "--collection.interval", "200ms",
                  "--log.format",          "logfmt"};
  return options;
}

// The devices with a netif_receive_bytes_total sample.
std::set<std::string> DevicesWithCounters(const Exposition& scrape) {
  std::set<std::string> devices;
  for (const Sample* sample : scrape.Find("netif_receive_bytes_total")) {
    devices.insert(sample->labels.at("device"));
  }
  return devices;
}

double ValueOr0(const Exposition& scrape, std::string_view name, const Labels& labels) {
  return scrape.Value(name, labels).value_or(0);
}

// How many stderr lines hold both `message` and `text`.
int CountLines(const std::string& log, const std::string& message, const std::string& text) {
  int count = 0;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string_view line(log.data() + start, end - start);
    if (line.find(message) != std::string_view::npos && line.find(text) != std::string_view::npos) {
      ++count;
    }
    start = end + 1;
  }
  return count;
}

// SIGTERM stops it promptly (the bound only keeps a regression from hanging the suite), exit 0.
void ExpectPromptStop(ExporterProcess& exporter) {
  const std::optional<ExitCode> code = exporter.Stop(std::chrono::seconds(5));
  ASSERT_TRUE(code.has_value()) << "SIGTERM did not stop the exporter within 5 s";
  EXPECT_EQ(*code, 0);
}

TEST(BoundedReadsTest, AFifoAndAnEndlessFileInSysfsAreRefusedAndTheRestIsServed) {
  TempDir dir;
  const FixtureCopy tree(dir);
  // Link state attributes: without netlink they are read every pass.
  const std::string fifo = tree.Attribute("eth0", "carrier");
  const std::string endless = tree.Attribute("br0", "carrier");
  ReplaceWithFifo(fifo);
  ReplaceWithSymlink(endless, "/dev/zero");
  ExporterProcess exporter(OptionsFor(dir, tree));

  // Several passes, each refusing both files again.
  const Labels refused = {{"collector", "sysfs"}, {"reason", "not_regular_file"}};
  const Exposition scrape = ScrapeUntil(
      exporter,
      [&](const Exposition& s) {
        return ValueOr0(s, "netif_file_read_errors_total", refused) >= 6;
      },
      std::chrono::seconds(10));
  EXPECT_GE(ValueOr0(scrape, "netif_file_read_errors_total", refused), 6);
  EXPECT_TRUE(HasNoDuplicateSeries(scrape));
  EXPECT_EQ(DevicesWithCounters(scrape), kFixtureDevices);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "sysfs"}}), 1);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "procfs"}}), 1);
  // Only the refused attributes are missing: each keeps the rest of its link attributes.
  for (const char* device : {"eth0", "br0"}) {
    EXPECT_FALSE(scrape.Value("netif_carrier", {{"device", device}}).has_value()) << device;
    EXPECT_EQ(scrape.Value("netif_admin_up", {{"device", device}}), 1) << device;
  }
  EXPECT_EQ(scrape.Value("netif_mtu_bytes", {{"device", "eth0"}}), 1500);
  EXPECT_EQ(scrape.Value("netif_speed_bytes", {{"device", "br0"}}), 1.25e9);

  // Each path logged once, however many passes refused it.
  const std::string log = exporter.Stderr();
  EXPECT_EQ(CountLines(log, "refused to read file", fifo), 1) << log;
  EXPECT_EQ(CountLines(log, "refused to read file", endless), 1) << log;
  EXPECT_EQ(CountLines(log, "refused to read file", "not a regular file (a FIFO)"), 1) << log;
  ExpectPromptStop(exporter);
}

TEST(BoundedReadsTest, AFifoAsProcNetDevFailsThePassWithoutBlockingAnything) {
  TempDir dir;
  const FixtureCopy tree(dir);
  ReplaceWithFifo(tree.procfs + "/net/dev");
  ExporterProcess exporter(OptionsFor(dir, tree));
  const Labels refused = {{"collector", "procfs"}, {"reason", "not_regular_file"}};
  const Exposition scrape = ScrapeUntil(
      exporter,
      [&](const Exposition& s) {
        return ValueOr0(s, "netif_file_read_errors_total", refused) >= 3;
      },
      std::chrono::seconds(10));
  EXPECT_GE(ValueOr0(scrape, "netif_file_read_errors_total", refused), 3);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "procfs"}}), 0);
  EXPECT_TRUE(DevicesWithCounters(scrape).empty());
  // The collector's failure is logged once, with the file and the reason.
  EXPECT_EQ(CountLines(exporter.Stderr(), "not a regular file (a FIFO)", "/net/dev"), 1)
      << exporter.Stderr();
  ExpectPromptStop(exporter);
}

TEST(BoundedReadsTest, AnEndlessProcNetDevIsRefusedNotReadUntilMemoryRunsOut) {
  TempDir dir;
  const FixtureCopy tree(dir);
  ReplaceWithSymlink(tree.procfs + "/net/dev", "/dev/zero");
  ExporterProcess exporter(OptionsFor(dir, tree));
  const Labels refused = {{"collector", "procfs"}, {"reason", "not_regular_file"}};
  const Exposition scrape = ScrapeUntil(
      exporter,
      [&](const Exposition& s) {
        return ValueOr0(s, "netif_file_read_errors_total", refused) >= 3;
      },
      std::chrono::seconds(10));
  EXPECT_GE(ValueOr0(scrape, "netif_file_read_errors_total", refused), 3);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "procfs"}}), 0);
  ExpectPromptStop(exporter);
}

TEST(BoundedReadsTest, AnInterfaceWithoutSysfsKeepsItsCountersAndIsReportedOnce) {
  TempDir dir;
  const FixtureCopy tree(dir);
  fs::remove_all(tree.sysfs + "/class/net/eth1");
  ExporterProcess exporter(OptionsFor(dir, tree));
  const Labels eth1 = {{"device", "eth1"}};
  // A few passes, so a log line per pass would show.
  ScrapeUntil(
      exporter,
      [&](const Exposition& s) {
        return ValueOr0(s, "netif_scrape_collector_duration_seconds", {{"collector", "sysfs"}}) >
                   0 &&
               CountLines(exporter.Stderr(), "no sysfs directory", "eth1") > 0;
      },
      std::chrono::seconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // about five more passes
  const std::optional<Exposition> later = ParsedScrape(exporter);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(DevicesWithCounters(*later), kFixtureDevices);
  EXPECT_EQ(later->Value("netif_receive_bytes_total", eth1), 0);
  EXPECT_EQ(later->Value("netif_sysfs_missing_interfaces", {}), 1);
  EXPECT_FALSE(later->Value("netif_mtu_bytes", eth1).has_value());  // no sysfs, no MTU
  EXPECT_EQ(later->Value("netif_mtu_bytes", {{"device", "eth0"}}), 1500);
  EXPECT_EQ(CountLines(exporter.Stderr(), "no sysfs directory", "eth1"), 1) << exporter.Stderr();
  ExpectPromptStop(exporter);
}

TEST(BoundedReadsTest, AFifoAsTheConfigFileFailsCheckConfigWithOneLine) {
  TempDir dir;
  const std::string fifo = dir.path() + "/netif_exporter.yml";
  ReplaceWithFifo(fifo);
  // The bound only keeps a regression (a blocking open) from hanging the suite.
  const CommandResult result =
      RunCommand({ExporterBinary(), "--config.file", fifo, "--check-config"}, 10s);
  ASSERT_FALSE(result.timed_out) << "--check-config blocked on a FIFO";
  EXPECT_EQ(result.exit_code, 2) << result.Describe();
  EXPECT_EQ(result.stderr_text, "netif_exporter: config error: " + fifo +
                                    ": cannot read: not a regular file (a FIFO)\n");
}

TEST(BoundedReadsTest, AFifoAsTheWebConfigOrItsCertificateFailsCheckConfigWithOneLine) {
  TempDir dir;
  const std::string web_fifo = dir.path() + "/web.yml";
  ReplaceWithFifo(web_fifo);
  const CommandResult web =
      RunCommand({ExporterBinary(), "--web.config.file", web_fifo, "--check-config"}, 10s);
  ASSERT_FALSE(web.timed_out) << "--check-config blocked on a FIFO";
  EXPECT_EQ(web.exit_code, 2) << web.Describe();
  EXPECT_NE(web.stderr_text.find("not a regular file (a FIFO)"), std::string::npos)
      << web.Describe();

  const std::string cert_fifo = dir.path() + "/server.crt";
  ReplaceWithFifo(cert_fifo);
  dir.WriteFile("server.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
  const std::string web_config = dir.WriteFile(
      "tls.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  const CommandResult tls =
      RunCommand({ExporterBinary(), "--web.config.file", web_config, "--check-config"}, 10s);
  ASSERT_FALSE(tls.timed_out) << "--check-config blocked on a FIFO named as a certificate";
  EXPECT_EQ(tls.exit_code, 2) << tls.Describe();
  EXPECT_NE(tls.stderr_text.find(cert_fifo + ": not a regular file (a FIFO)"), std::string::npos)
      << tls.Describe();
}

// Two veth ends named x<0xFF>1 and x<0xFE>1, and one literally named x\xFF1: Linux accepts any
// byte but '/', ':', whitespace and NUL in a name.
TEST(BoundedReadsKernelTest, NamesThatDifferOnlyInInvalidBytesAreDistinctSeries) {
  NETIF_ASSERT_ROOT();
  NetworkNamespace netns;
  const std::string a =
      "x\xFF"
      "1";
  const std::string b =
      "x\xFE"
      "1";
  const std::string literal = "x\\xFF1";
  netns.CreateVethPair(a, b);
  netns.CreateVethPair(literal, "peer0");
  for (const auto& device : {a, b, literal, std::string("peer0")}) netns.SetUp(device);

  ExporterProcess::Options options;
  options.binary = ExporterBinary();
  options.args = {"--collection.interval", "200ms"};
  options.netns = netns.name();
  ExporterProcess exporter(options);
  const Exposition scrape = ScrapeUntil(
      exporter, [](const Exposition& s) { return DevicesWithCounters(s).size() >= 5; },
      std::chrono::seconds(10));
  EXPECT_TRUE(scrape.errors.empty()) << ::testing::PrintToString(scrape.errors);
  EXPECT_TRUE(HasNoDuplicateSeries(scrape));
  EXPECT_EQ(DevicesWithCounters(scrape),
            (std::set<std::string>{"lo", "x\\xFF1", "x\\xFE1", "x\\x5CxFF1", "peer0"}));
  for (const char* device : {"x\\xFF1", "x\\xFE1", "x\\x5CxFF1"}) {
    EXPECT_EQ(scrape.Find("netif_info", {{"device", device}}).size(), 1u) << device;
  }

  // Prometheus's own parser agrees (promtool rejects invalid UTF-8 and duplicate series).
  const std::optional<std::string> body = exporter.Scrape();
  ASSERT_TRUE(body.has_value());
  TempDir dir;
  Subprocess::Options promtool;
  promtool.stdin_path = dir.WriteFile("scrape.prom", *body);
  const CommandResult check = RunCommand({"promtool", "check", "metrics"}, 60s, promtool);
  EXPECT_EQ(check.exit_code, 0) << check.Describe();
  ExpectPromptStop(exporter);
}

}  // namespace
}  // namespace netif::testing_support
