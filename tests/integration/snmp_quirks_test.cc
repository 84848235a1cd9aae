// Agents that bend IF-MIB (issue 19), served by snmpsimd from the hand-made recordings of
// tests/fixtures/snmprec (see SOURCES.md there) and polled by the built exporter: a device with
// Counter64 values in ifTable's Counter32 columns and no ifXTable exports its byte, packet, error
// and drop counters as 64-bit values; ifSpeed as text, as INTEGER or above 2^32-1, counters as
// Gauge32 or INTEGER, an empty ifName and a table with holes are read as their meaning says; every
// quirk is counted in netif_snmp_quirks_total{target, kind}, and none is a varbind error.
//
// Needs root (snmpsimd drops to nobody) and snmpsim; fails (never skips) when missing.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/scrape.h"
#include "support/snmp/agents.h"
#include "support/snmp/snmp_test_env.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

const std::string kCounter64Device = "quirk-counter64-in-iftable-no-ifxtable";
const std::string kLenientDevice = "quirk-lenient-types-and-holes";

std::string Fixture(const std::string& stem) {
  return SourcePath("tests/fixtures/snmprec/" + stem + ".snmprec");
}

double Quirks(const Exposition& scrape, const std::string& target, const std::string& kind) {
  return scrape.Value("netif_snmp_quirks_total", {{"target", target}, {"kind", kind}}).value_or(0);
}

std::string CounterText(const Exposition& scrape, const std::string& metric,
                        const std::string& target, const std::string& if_index) {
  const auto found = scrape.Find(metric, {{"target", target}, {"ifIndex", if_index}});
  return found.size() == 1 ? found[0]->value_text : "<absent>";
}

class SnmpQuirksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    SnmpsimAgent::Options options;
    for (const std::string& stem : {kCounter64Device, kLenientDevice}) {
      options.recordings.emplace_back(stem, Fixture(stem));
    }
    agent_ = std::make_unique<SnmpsimAgent>(options);
    const std::string targets = "    - {name: c64, address: \"" + agent_->Address() +
                                "\", community: " + kCounter64Device +
                                "}\n    - {name: lenient, address: \"" + agent_->Address() +
                                "\", community: " + kLenientDevice + "}\n";
    exporter_ =
        std::make_unique<ExporterProcess>(SnmpExporterOptions(dir_, SnmpOnlyConfig(targets)));
    // Two polls of each: the second is a fast walk, which must keep the 64-bit reading.
    scrape_ = ScrapeUntil(
        *exporter_,
        [](const Exposition& s) {
          return TargetUp(s, "c64") == 1 && TargetUp(s, "lenient") == 1 &&
                 s.Value("netif_receive_bytes_per_second", {{"target", "c64"}, {"ifIndex", "1"}})
                     .has_value() &&
                 s.Value("netif_receive_bytes_per_second",
                         {{"target", "lenient"}, {"ifIndex", "4"}})
                     .has_value();
        },
        20s);
  }

  TempDir dir_;
  std::unique_ptr<SnmpsimAgent> agent_;
  std::unique_ptr<ExporterProcess> exporter_;
  Exposition scrape_;
};

TEST_F(SnmpQuirksTest, Counter64InIfTableExportsEveryCounter) {
  ASSERT_EQ(TargetUp(scrape_, "c64"), 1) << agent_->Output();
  EXPECT_EQ(SnmpErrors(scrape_, "c64", "varbind"), 0);
  EXPECT_EQ(scrape_.Value("netif_snmp_interfaces", {{"target", "c64"}}), 2);
  const auto counter = [&](const std::string& metric, const std::string& port) {
    return CounterText(scrape_, metric, "c64", port);
  };
  // Above 2^32: only a 64-bit reading gives these.
  EXPECT_EQ(counter("netif_receive_bytes_total", "1"), "8589934592123");
  EXPECT_EQ(counter("netif_transmit_bytes_total", "1"), "9876543210987");
  EXPECT_EQ(counter("netif_receive_unicast_packets_total", "1"), "51234567890");
  EXPECT_EQ(counter("netif_receive_packets_total", "1"), std::to_string(51234567890 + 1234567));
  EXPECT_EQ(counter("netif_transmit_packets_total", "1"), std::to_string(41234567890 + 765432));
  EXPECT_EQ(counter("netif_receive_drops_total", "1"), "12");
  EXPECT_EQ(counter("netif_receive_errors_total", "1"), "34");
  EXPECT_EQ(counter("netif_transmit_drops_total", "1"), "5");
  EXPECT_EQ(counter("netif_transmit_errors_total", "1"), "6");
  EXPECT_EQ(counter("netif_receive_bytes_total", "2"), "4294967300");
  // Names from ifDescr (no ifXTable); counters that do not move are rate 0, not a reset.
  EXPECT_EQ(scrape_.Value("netif_receive_bytes_per_second",
                          {{"target", "c64"}, {"ifIndex", "1"}, {"ifName", "port1"}}),
            0);
  EXPECT_EQ(scrape_.Value("netif_stats_resets_total", {{"target", "c64"}, {"ifIndex", "1"}}), 0);
  // 11 counter columns on 2 ports, on each of at least two polls.
  EXPECT_GE(Quirks(scrape_, "c64", "counter64_in_counter32"), 44);
  EXPECT_EQ(Quirks(scrape_, "c64", "gauge_as_counter"), 0);
  const std::string log = exporter_->Stderr();
  EXPECT_NE(log.find("SNMP agent quirk forgiven"), std::string::npos) << log;
}

TEST_F(SnmpQuirksTest, LenientTypesSpeedsNamesAndHoles) {
  ASSERT_EQ(TargetUp(scrape_, "lenient"), 1) << agent_->Output();
  EXPECT_EQ(SnmpErrors(scrape_, "lenient", "varbind"), 0);
  EXPECT_EQ(scrape_.Value("netif_snmp_interfaces", {{"target", "lenient"}}), 5);
  const auto speed = [&](const std::string& port) {
    return scrape_.Value("netif_speed_bytes", {{"target", "lenient"}, {"ifIndex", port}});
  };
  EXPECT_EQ(speed("1"), 1e9 / 8);       // "1000000000" as text
  EXPECT_EQ(speed("2"), 1e8 / 8);       // INTEGER
  EXPECT_EQ(speed("3"), std::nullopt);  // saturated, ifHighSpeed 0: never guessed
  EXPECT_EQ(speed("4"), 1e10 / 8);      // Counter64 above 2^32-1
  EXPECT_EQ(speed("5"), std::nullopt);  // 0: unknown
  // Errors and discards sent as Gauge32 (port 1) and INTEGER (port 2) are counters all the same.
  EXPECT_EQ(CounterText(scrape_, "netif_receive_errors_total", "lenient", "1"), "11");
  EXPECT_EQ(CounterText(scrape_, "netif_transmit_errors_total", "lenient", "2"), "32");
  // The port without an ifXTable row: 32-bit counters, named by ifDescr; the empty ifName too.
  EXPECT_EQ(CounterText(scrape_, "netif_receive_bytes_total", "lenient", "4"), "4000");
  EXPECT_EQ(scrape_.Value("netif_receive_bytes_total",
                          {{"target", "lenient"}, {"ifIndex", "5"}, {"ifName", "vlan.10"}}),
            5006);
  for (const char* kind :
       {"speed_octet_string", "speed_wrong_type", "speed_out_of_range", "high_speed_zero",
        "gauge_as_counter", "integer_as_counter", "empty_ifname", "table_hole"}) {
    EXPECT_GE(Quirks(scrape_, "lenient", kind), 1) << kind;
  }
  EXPECT_EQ(Quirks(scrape_, "lenient", "counter64_in_counter32"), 0);
}

}  // namespace
}  // namespace netif::testing_support
