// The three recorded devices of ../shared/testdata/snmprec, served by snmpsimd (Debian's
// snmpsim) on loopback and polled by the built exporter: every port, name, speed, state and
// counter is exported as the recording says (HC counters first, 32-bit ones where a port lacks
// them, as on the Ubiquiti that has no ifXTable at all), the scrape passes `promtool check
// metrics`, and a recording cut short in the middle of ifXTable still gives every port.
//
// The expectations are computed from the recordings by this file's own reading of IF-MIB, not by
// the exporter's parser. Needs snmpsim and promtool; fails (never skips) when they are missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/snmp/agents.h"
#include "support/snmp/snmp_test_env.h"
#include "support/snmp/snmprec.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

// IF-MIB, as far as this test needs it: column OID prefixes.
const std::string kIfEntry = "1.3.6.1.2.1.2.2.1.";
const std::string kIfXEntry = "1.3.6.1.2.1.31.1.1.1.";

std::string Stem(const std::string& file) { return file.substr(0, file.find(".snmprec")); }

// One recorded device: OID text -> varbind.
class Device {
 public:
  explicit Device(const std::string& file) : community_(Stem(file)) {
    const auto recording = ReadSnmprecFile(SharedSnmprec(file));
    for (const Varbind& vb : recording.varbinds) {
      const std::string oid = FormatOid(vb.oid);
      values_[oid] = vb;
      if (oid.starts_with(kIfEntry + "1.")) ports_.push_back(oid.substr(kIfEntry.size() + 2));
    }
  }
  const std::string& community() const { return community_; }
  const std::vector<std::string>& ports() const { return ports_; }

  const Varbind* Get(const std::string& entry, int column, const std::string& port) const {
    auto it = values_.find(entry + std::to_string(column) + "." + port);
    return it == values_.end() ? nullptr : &it->second;
  }
  std::optional<uint64_t> Number(const std::string& entry, int column,
                                 const std::string& port) const {
    const Varbind* vb = Get(entry, column, port);
    if (vb == nullptr) return std::nullopt;
    return vb->Is(SnmpType::kInteger) ? static_cast<uint64_t>(vb->integer) : vb->unsigned_value;
  }
  // The HC column (ifXTable) when the port has it, else the ifTable column.
  std::optional<uint64_t> Counter(int hc_column, int column, const std::string& port) const {
    if (auto hc = Number(kIfXEntry, hc_column, port)) return hc;
    return Number(kIfEntry, column, port);
  }
  std::string Text(const std::string& entry, int column, const std::string& port) const {
    const Varbind* vb = Get(entry, column, port);
    return vb == nullptr ? "" : vb->bytes;
  }

 private:
  std::string community_;
  std::map<std::string, Varbind> values_;
  std::vector<std::string> ports_;
};

class RecordingsTest : public ::testing::Test {
 protected:
  // snmpsimd starts as root and drops to nobody.
  void SetUp() override { NETIF_ASSERT_ROOT(); }

  static std::string TargetsYaml(const SnmpsimAgent& agent) {
    return "    - {name: cisco, address: \"" + agent.Address() +
           "\", community: " + Stem(kCiscoRecording) + ", labels: {site: lab}}\n" +
           "    - {name: ubiquiti, address: \"" + agent.Address() +
           "\", version: 1, community: " + Stem(kUbiquitiRecording) + "}\n" +
           "    - {name: linux, address: \"" + agent.Address() +
           "\", community: " + Stem(kLinuxRecording) + ", metadata_every: 1}\n";
  }
};

// Checks every port of `device` as exported under `target`.
void ExpectDevice(const Exposition& scrape, const std::string& target, const Device& device) {
  EXPECT_EQ(scrape.Value("netif_snmp_interfaces", {{"target", target}}),
            static_cast<double>(device.ports().size()))
      << target;
  for (const std::string& port : device.ports()) {
    const Labels id = {{"target", target}, {"ifIndex", port}};
    const std::string where = target + " ifIndex " + port;
    const auto bytes = scrape.Find("netif_receive_bytes_total", id);
    ASSERT_EQ(bytes.size(), 1u) << where;
    const std::string if_name = device.Text(kIfXEntry, 1, port);
    const std::string if_descr = device.Text(kIfEntry, 2, port);
    EXPECT_EQ(bytes[0]->labels.at("ifName"), if_name.empty() ? if_descr : if_name) << where;
    EXPECT_EQ(bytes[0]->labels.at("ifDescr"), if_descr) << where;

    const auto counter_text = [&](const std::string& metric) {
      const auto found = scrape.Find(metric, id);
      return found.size() == 1 ? found[0]->value_text : "<absent>";
    };
    const auto want_text = [](std::optional<uint64_t> v) {
      return v ? std::to_string(*v) : std::string("<absent>");
    };
    EXPECT_EQ(counter_text("netif_receive_bytes_total"), want_text(device.Counter(6, 10, port)))
        << where;
    EXPECT_EQ(counter_text("netif_transmit_bytes_total"), want_text(device.Counter(10, 16, port)))
        << where;
    EXPECT_EQ(counter_text("netif_receive_unicast_packets_total"),
              want_text(device.Counter(7, 11, port)))
        << where;
    EXPECT_EQ(counter_text("netif_transmit_unicast_packets_total"),
              want_text(device.Counter(11, 17, port)))
        << where;
    EXPECT_EQ(counter_text("netif_receive_errors_total"),
              want_text(device.Number(kIfEntry, 14, port)))
        << where;
    EXPECT_EQ(counter_text("netif_transmit_drops_total"),
              want_text(device.Number(kIfEntry, 19, port)))
        << where;

    // Speed: ifSpeed, or ifHighSpeed when ifSpeed is saturated; unknown when 0.
    const auto speed = device.Number(kIfEntry, 5, port);
    const auto high_speed = device.Number(kIfXEntry, 15, port);
    std::optional<double> want_speed;
    if (speed && *speed != 4294967295u) {
      if (*speed > 0) want_speed = static_cast<double>(*speed) / 8;
    } else if (high_speed && *high_speed > 0) {
      want_speed = static_cast<double>(*high_speed) * 1e6 / 8;
    }
    EXPECT_EQ(scrape.Value("netif_speed_bytes", id), want_speed) << where;
    EXPECT_EQ(scrape.Value("netif_oper_up", id), device.Number(kIfEntry, 8, port) == 1u ? 1 : 0)
        << where;
    EXPECT_EQ(scrape.Value("netif_admin_up", id), device.Number(kIfEntry, 7, port) == 1u ? 1 : 0)
        << where;
    EXPECT_EQ(scrape.Value("netif_mtu_bytes", id),
              static_cast<double>(*device.Number(kIfEntry, 4, port)))
        << where;
  }
}

TEST_F(RecordingsTest, EveryRecordedDeviceIsExportedAsRecorded) {
  const Device cisco(kCiscoRecording), ubiquiti(kUbiquitiRecording), linux_host(kLinuxRecording);
  SnmpsimAgent::Options options;
  for (const char* file : {kCiscoRecording, kUbiquitiRecording, kLinuxRecording}) {
    options.recordings.emplace_back(Stem(file), SharedSnmprec(file));
  }
  SnmpsimAgent agent(options);
  TempDir dir;
  ExporterProcess exporter(SnmpExporterOptions(dir, SnmpOnlyConfig(TargetsYaml(agent))));
  // Two polls each: the second of cisco and ubiquiti is a fast walk with cached names.
  const Exposition scrape = ScrapeUntil(
      exporter,
      [](const Exposition& s) {
        for (const char* target : {"cisco", "ubiquiti", "linux"}) {
          if (TargetUp(s, target) != 1) return false;
        }
        return s
            .Value("netif_receive_bytes_per_second", {{"target", "cisco"}, {"ifIndex", "10149"}})
            .has_value();  // a rate needs two polls
      },
      20s);
  for (const char* target : {"cisco", "ubiquiti", "linux"}) {
    ASSERT_EQ(TargetUp(scrape, target), 1) << target;
    EXPECT_EQ(SnmpErrors(scrape, target, "varbind"), 0) << target;
    EXPECT_EQ(SnmpErrors(scrape, target, "timeout"), 0) << target;
  }
  ExpectDevice(scrape, "cisco", cisco);
  ExpectDevice(scrape, "ubiquiti", ubiquiti);
  ExpectDevice(scrape, "linux", linux_host);

  // Spot checks against the files, as SOURCES.md describes the devices.
  const Labels gi049 = {{"target", "cisco"}, {"ifName", "Gi0/49"}};
  EXPECT_EQ(scrape.Find("netif_receive_bytes_total", gi049).at(0)->value_text, "1050166720685");
  EXPECT_EQ(scrape.Find("netif_receive_bytes_total", gi049).at(0)->labels.at("site"), "lab");
  EXPECT_EQ(scrape.Value("netif_speed_bytes", {{"target", "cisco"}, {"ifName", "Nu0"}}), 10e9 / 8);
  EXPECT_EQ(scrape.Value("netif_receive_bytes_total", {{"target", "ubiquiti"}, {"ifName", "eth0"}}),
            1694564523);
  EXPECT_EQ(
      scrape.Value("netif_receive_packets_total", {{"target", "ubiquiti"}, {"ifName", "eth0"}}),
      262636125 + 192914572);
  EXPECT_EQ(scrape.Value("netif_info", {{"target", "ubiquiti"},
                                        {"ifName", "eth0"},
                                        {"address", "04:18:d6:2b:0a:92"},
                                        {"operstate", "up"}}),
            1);
  // Recorded counters do not move: the analytics see rate 0, not a reset.
  EXPECT_EQ(
      scrape.Value("netif_receive_bytes_per_second", {{"target", "cisco"}, {"ifIndex", "10149"}}),
      0);
  EXPECT_EQ(scrape.Value("netif_stats_resets_total", {{"target", "ubiquiti"}, {"ifName", "eth0"}}),
            0);

  // The whole scrape, SNMP label sets included, is valid exposition format.
  const std::optional<std::string> body = exporter.Scrape();
  ASSERT_TRUE(body.has_value());
  const std::string file = dir.WriteFile("scrape.prom", *body);
  const CommandResult promtool = RunCommand({"promtool", "check", "metrics"}, 30s, {file});
  // Exit 3 is lint advice only. The one piece allowed is about the camelCase label names
  // (ifIndex, ifName, ifDescr, ifAlias) that the issue asks for, as snmp_exporter names them.
  EXPECT_TRUE(promtool.exit_code == 0 || promtool.exit_code == 3) << promtool.Describe();
  std::istringstream lines(promtool.stderr_text + promtool.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_THAT(line, ::testing::HasSubstr("should be written in 'snake_case' not 'camelCase'"))
        << "promtool: " << line;
  }
}

TEST_F(RecordingsTest, ARecordingCutShortStillGivesEveryPort) {
  // The Cisco walk cut in the middle of ifXTable (at a line: snmpsimd refuses a broken line):
  // the agent ends the walk early. Ports keep their ifTable data (names from ifDescr, 32-bit
  // counters) where ifXTable is missing, and nothing fails.
  const std::string full = ReadFileOrThrow(SharedSnmprec(kCiscoRecording));
  const size_t ifx = full.find("\n1.3.6.1.2.1.31.1.1.1.6.");  // ifHCInOctets
  ASSERT_NE(ifx, std::string::npos);
  TempDir source;
  const std::string cut = source.WriteFile("cut.snmprec", full.substr(0, ifx + 1));
  SnmpsimAgent agent(SnmpsimAgent::Options{{{"cut", cut}}, 1});
  TempDir dir;
  ExporterProcess exporter(SnmpExporterOptions(
      dir,
      SnmpOnlyConfig("    - {name: cut, address: \"" + agent.Address() + "\", community: cut}\n")));
  const Exposition scrape = ScrapeUntil(
      exporter, [](const Exposition& s) { return TargetUp(s, "cut") == 1; }, 15s);
  ASSERT_EQ(TargetUp(scrape, "cut"), 1);
  EXPECT_EQ(scrape.Value("netif_snmp_interfaces", {{"target", "cut"}}), 57);
  // ifName (ifXTable column 1) was recorded before the cut; ifHCInOctets was not.
  EXPECT_EQ(scrape.Find("netif_receive_bytes_total", {{"target", "cut"}, {"ifIndex", "10149"}})
                .at(0)
                ->value_text,
            "2190121360");  // the 32-bit ifInOctets, since the HC column is gone
  EXPECT_EQ(scrape.Value("netif_receive_bytes_total",
                         {{"target", "cut"}, {"ifIndex", "10149"}, {"ifName", "Gi0/49"}}),
            2190121360);
}

}  // namespace
}  // namespace netif::testing_support
