// Per-target SNMP limits against a real exporter process and agents on loopback: an agent whose
// ifTable never ends (the tests' synthetic agent, every ifIndex up to 2^32-1) beside a normal
// 48-port one. The endless target must fail every poll with kind too_many_interfaces (the default
// max_interfaces), log it once naming the target and the limit, publish no port, and the exporter
// must stay small; the good target keeps its ports and its pace. Before the limits, the endless
// table was walked to 100,000 ports per column and published as up (RSS in the hundreds of MB).
//
// The agents run on threads of this test (no root needed: no namespace, no snmpsimd).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/snmp/snmp_test_env.h"
#include "support/snmp/synthetic_agent.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// The peak resident set of `pid` (VmHWM), in KiB: a spike between two reads counts too.
long PeakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A correctness bound, not a performance goal: the unlimited walk went far beyond it. Sanitizer
// builds keep freed memory in quarantine (up to 256 MiB by default), so theirs is wider.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kRssBoundKib = 700 * 1024;
#else
constexpr long kRssBoundKib = 200 * 1024;
#endif

TEST(SnmpLimitsTest, AnEndlessIfTableFailsAtMaxInterfacesAndLeavesTheOthersAlone) {
  SyntheticAgent endless({.ports = SyntheticIfMib::kEndless});
  SyntheticAgent good({.ports = 48});
  TempDir dir;
  // Every limit at its default except walk_timeout, widened so that the kind is decided by
  // max_interfaces alone however slow the build (walk_timeout has its own unit tests).
  ExporterProcess exporter(SnmpExporterOptions(
      dir, SnmpOnlyConfig("    - {name: good, address: \"" + good.Address() +
                          "\", community: public}\n"
                          "    - {name: endless, address: \"" +
                          endless.Address() +
                          "\", community: public, interval: 2s, walk_timeout: 60s}\n")));
  const Exposition scrape = ScrapeUntil(
      exporter,
      [](const Exposition& s) {
        return SnmpErrors(s, "endless", "too_many_interfaces") >= 2 && TargetUp(s, "good") == 1.0;
      },
      240s);  // generous: a sanitizer build on a loaded 2-core machine is slow
  ASSERT_GE(SnmpErrors(scrape, "endless", "too_many_interfaces"), 2)
      << "agent requests " << endless.requests() << ", varbinds " << endless.varbinds_sent();
  EXPECT_EQ(TargetUp(scrape, "endless"), 0.0);
  EXPECT_EQ(SnmpErrors(scrape, "endless", "too_many_varbinds"), 0);
  EXPECT_EQ(SnmpErrors(scrape, "endless", "walk_timeout"), 0);
  // Nothing of the endless table was ever published.
  EXPECT_EQ(scrape.Value("netif_snmp_interfaces", {{"target", "endless"}}), 0);
  EXPECT_TRUE(scrape.Find("netif_receive_bytes_total", {{"target", "endless"}}).empty());
  // The good target is unaffected.
  EXPECT_EQ(scrape.Value("netif_snmp_interfaces", {{"target", "good"}}), 48);
  EXPECT_EQ(PortsByName(scrape, "netif_receive_bytes_total", "good").size(), 48u);
  EXPECT_EQ(SnmpErrors(scrape, "good", "too_many_interfaces"), 0);

  // Each poll stopped one row past the limit: the agent sent far fewer than the 100,000 rows of
  // 34 columns one unlimited walk read, over every poll so far.
  const double polls = SnmpErrors(scrape, "endless", "too_many_interfaces");
  EXPECT_LT(static_cast<double>(endless.varbinds_sent()), polls * 10100 * 34 * 1.2);

  const long peak_kib = PeakRssKib(exporter.process().pid());
  std::cout << "exporter peak RSS " << peak_kib << " KiB after " << polls
            << " polls of the endless table (" << endless.varbinds_sent() << " varbinds)\n";
  EXPECT_GT(peak_kib, 0);
  EXPECT_LT(peak_kib, kRssBoundKib);

  // One warning naming the target and the limit, not one per poll.
  const std::string log = exporter.Stderr();
  size_t warnings = 0;
  for (size_t at = log.find("SNMP poll failed"); at != std::string::npos;
       at = log.find("SNMP poll failed", at + 1)) {
    const size_t begin = log.rfind('\n', at) + 1;
    const std::string line = log.substr(begin, log.find('\n', at) - begin);
    if (line.find("target=endless") == std::string::npos) continue;
    EXPECT_THAT(line, HasSubstr("kind=too_many_interfaces"));
    EXPECT_THAT(line, HasSubstr("max_interfaces 10000"));
    if (line.find("level=warn") != std::string::npos) ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
}

// std::regex took exponential time on `(x*)*y` against a 40-byte ifAlias (a string the device
// controls) and held the SNMP thread for ever, every target frozen and still up. With RE2 the
// filter answers at once: both targets are polled, every port kept (none ends in "y").
TEST(SnmpLimitsTest, ACatastrophicFilterAgainstALongIfAliasFreezesNothing) {
  SyntheticAgent hostile({.ports = 8, .alias = std::string(40, 'x')});
  SyntheticAgent good({.ports = 8});
  TempDir dir;
  ExporterProcess exporter(SnmpExporterOptions(
      dir, SnmpOnlyConfig("    - {name: hostile, address: \"" + hostile.Address() +
                              "\", community: public}\n"
                              "    - {name: good, address: \"" +
                              good.Address() + "\", community: public}\n",
                          "{interval: 1s, interface_exclude: \"(x*)*y\"}")));
  const Exposition scrape = ScrapeUntil(
      exporter,
      [](const Exposition& s) {
        return TargetUp(s, "hostile") == 1.0 && TargetUp(s, "good") == 1.0 &&
               s.Value("netif_snmp_interfaces", {{"target", "hostile"}}) == 8;
      },
      60s);
  EXPECT_EQ(TargetUp(scrape, "hostile"), 1.0) << "the SNMP thread did not come back";
  EXPECT_EQ(TargetUp(scrape, "good"), 1.0);
  EXPECT_EQ(scrape.Value("netif_snmp_interfaces", {{"target", "hostile"}}), 8);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "snmp"}}), 1);
}

}  // namespace
}  // namespace netif::testing_support
