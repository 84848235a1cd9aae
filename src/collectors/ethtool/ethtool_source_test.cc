#include "collectors/ethtool/ethtool_source.h"

#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analytics/analytics_settings.h"
#include "exposition/renderer.h"
#include "store/store.h"

namespace netif {
namespace {

void PutU32(std::vector<uint8_t>& bytes, std::size_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

// What the fake kernel answers for one device.
struct FakeDevice {
  std::string driver = "e1000e";
  std::string version = "3.2.6-k";
  std::string bus_info = "0000:00:1f.6";
  std::vector<std::string> names;
  std::vector<uint64_t> values;
  std::map<uint32_t, int> errors = {};  // command -> errno
  // Statistics added after ETHTOOL_GDRVINFO (the count changes between two commands).
  std::size_t grow_after_info = 0;
};

class FakeIoctl final : public EthtoolIoctl {
 public:
  explicit FakeIoctl(std::map<std::string, FakeDevice>& devices) : devices_(devices) {}

  int Call(const std::string& device, std::span<uint8_t> buffer) override {
    uint32_t command;
    std::memcpy(&command, buffer.data(), sizeof command);
    auto it = devices_.find(device);
    if (it == devices_.end()) return ENODEV;
    const FakeDevice& d = it->second;
    if (auto error = d.errors.find(command); error != d.errors.end()) return error->second;
    std::vector<uint8_t> reply;
    switch (command) {
      case ETHTOOL_GDRVINFO:
        reply.assign(sizeof(ethtool_drvinfo), 0);
        std::memcpy(reply.data() + 4, d.driver.data(), d.driver.size());
        std::memcpy(reply.data() + 36, d.version.data(), d.version.size());
        std::memcpy(reply.data() + 100, d.bus_info.data(), d.bus_info.size());
        PutU32(reply, offsetof(ethtool_drvinfo, n_stats),
               static_cast<uint32_t>(d.names.size() - d.grow_after_info));
        break;
      case ETHTOOL_GSTRINGS:
        reply.assign(12 + 32 * d.names.size(), 0);
        PutU32(reply, 8, static_cast<uint32_t>(d.names.size()));
        for (std::size_t i = 0; i < d.names.size(); ++i) {
          std::memcpy(reply.data() + 12 + 32 * i, d.names[i].data(), d.names[i].size());
        }
        break;
      case ETHTOOL_GSTATS:
        reply.assign(8 + 8 * d.values.size(), 0);
        PutU32(reply, 4, static_cast<uint32_t>(d.values.size()));
        std::memcpy(reply.data() + 8, d.values.data(), 8 * d.values.size());
        break;
      default:
        return EINVAL;
    }
    EXPECT_LE(reply.size(), buffer.size());
    std::memcpy(buffer.data(), reply.data(), std::min(reply.size(), buffer.size()));
    return 0;
  }

 private:
  std::map<std::string, FakeDevice>& devices_;
};

InterfaceRecord Local(const std::string& name) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.labels = LocalDeviceLabels(name);
  record.name = name;
  return record;
}

class EthtoolSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.AddDirectory("/sys/class/net/eth0/device");
    fs_.AddDirectory("/sys/class/net/eth1/device");
    fs_.AddDirectory("/sys/class/net/veth0");
    devices_["eth0"] = {.names = {"rx_bytes", "port.tx-errors", "peer_ifindex"},
                        .values = {100, 2, 7}};
    devices_["eth1"] = {.driver = "igb", .names = {"rx_missed"}, .values = {5}};
    devices_["veth0"] = {.driver = "veth",
                         .version = "1.0",
                         .bus_info = "",
                         .names = {"peer_ifindex"},
                         .values = {9}};
    store_.ApplySample(kLocalSource, {Local("eth0"), Local("eth1"), Local("veth0")}, {1, 1});
  }

  std::unique_ptr<EthtoolSource> Make(EthtoolSource::Options options = {}) {
    return std::make_unique<EthtoolSource>(std::move(options), fs_, store_, self_metrics_,
                                           std::make_unique<FakeIoctl>(devices_), &families_);
  }

  const InterfaceRecord& Record(const std::string& device) {
    snapshot_ = store_.Current();
    for (const auto& view : snapshot_->interfaces) {
      if (view->record.name == device) return view->record;
    }
    ADD_FAILURE() << "no interface " << device;
    static const InterfaceRecord kNone;
    return kNone;
  }

  std::optional<uint64_t> Stat(const std::string& device, const std::string& family) {
    const ExtraCounterDefinition* definition = families_.Intern(family, family);
    return Record(device).extra_counters.Get(*definition);
  }

  double SelfMetric(const std::string& name, const std::string& labels) {
    std::string text;
    self_metrics_.Render(text);
    const std::string line = name + "{" + labels + "} ";
    const auto at = text.find(line);
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + line.size()));
  }

  InMemoryFileReader fs_;
  std::map<std::string, FakeDevice> devices_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics self_metrics_;
  EthtoolFamilies families_;
  std::shared_ptr<const Snapshot> snapshot_;
};

TEST_F(EthtoolSourceTest, ByDefaultReadsPhysicalDevicesOnly) {
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  const InterfaceRecord& eth0 = Record("eth0");
  EXPECT_EQ(eth0.attributes.driver, "e1000e");
  EXPECT_EQ(eth0.attributes.driver_version, "3.2.6-k");
  EXPECT_EQ(eth0.attributes.bus_info, "0000:00:1f.6");
  EXPECT_FALSE(eth0.attributes.firmware_version.has_value());  // left blank by the driver
  EXPECT_EQ(Stat("eth0", "netif_ethtool_received_bytes_total"), 100u);
  EXPECT_EQ(Stat("eth0", "netif_ethtool_port_transmitted_errors"), 2u);
  EXPECT_EQ(Stat("eth0", "netif_ethtool_peer_ifindex"), 7u);
  EXPECT_EQ(Stat("eth1", "netif_ethtool_received_missed"), 5u);
  const InterfaceRecord& veth0 = Record("veth0");
  EXPECT_FALSE(veth0.attributes.driver.has_value());
  EXPECT_TRUE(veth0.extra_counters.Empty());
}

TEST_F(EthtoolSourceTest, AnIncludeSelectsByNameWhateverTheClass) {
  auto source = Make({.device_include = "veth.*|eth1", .device_exclude = "eth1"});
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Record("veth0").attributes.driver, "veth");
  EXPECT_EQ(Stat("veth0", "netif_ethtool_peer_ifindex"), 9u);
  EXPECT_FALSE(Record("eth0").attributes.driver.has_value());  // not included
  EXPECT_FALSE(Record("eth1").attributes.driver.has_value());  // excluded
}

TEST_F(EthtoolSourceTest, TheStatisticsAndFactsRenderAsFamilies) {
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  std::string text;
  RenderInterfaces(*store_.Current(), text);
  EXPECT_NE(text.find("# TYPE netif_ethtool_peer_ifindex untyped\n"
                      "netif_ethtool_peer_ifindex{device=\"eth0\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("netif_ethtool_info{device=\"eth0\",driver=\"e1000e\",driver_version=\""
                      "3.2.6-k\",firmware_version=\"\",bus_info=\"0000:00:1f.6\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("veth0\",driver"), std::string::npos);
}

TEST_F(EthtoolSourceTest, QuietSkipsAreNoErrorsAndRealErrorsSpareTheOthers) {
  devices_["eth0"].errors[ETHTOOL_GDRVINFO] = EOPNOTSUPP;
  devices_["eth1"].errors[ETHTOOL_GSTATS] = EIO;
  fs_.AddDirectory("/sys/class/net/eth2/device");  // listed, gone by the read (ENODEV)
  fs_.AddDirectory("/sys/class/net/eth3/device");
  devices_["eth3"] = {.names = {"a"}, .values = {1}};
  store_.ApplySample(kLocalSource, {Local("eth0"), Local("eth1"), Local("eth3")}, {2, 2});
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_FALSE(Record("eth0").attributes.driver.has_value());
  EXPECT_FALSE(Record("eth1").attributes.driver.has_value());
  EXPECT_EQ(Stat("eth3", "netif_ethtool_a"), 1u);
  EXPECT_EQ(SelfMetric("netif_ethtool_errors_total", "reason=\"ioctl\""), 1);
  EXPECT_EQ(SelfMetric("netif_scrape_collector_success", "collector=\"ethtool\""), 1);
}

TEST_F(EthtoolSourceTest, AStatisticThatDisappearsGoesAndSoDoesAVanishedDevice) {
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  devices_["eth0"].names = {"rx_bytes"};
  devices_["eth0"].values = {200};
  devices_.erase("eth1");  // gone from the kernel, still in the store until the next sample
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Stat("eth0", "netif_ethtool_received_bytes_total"), 200u);
  EXPECT_FALSE(Stat("eth0", "netif_ethtool_peer_ifindex").has_value());
  EXPECT_FALSE(Record("eth1").attributes.driver.has_value());
  EXPECT_TRUE(Record("eth1").extra_counters.Empty());
  // The owner's samples keep what the last pass said.
  store_.ApplySample(kLocalSource, {Local("eth0"), Local("eth1")}, {3, 3});
  EXPECT_EQ(Stat("eth0", "netif_ethtool_received_bytes_total"), 200u);
  EXPECT_EQ(Record("eth0").attributes.driver, "e1000e");
}

TEST_F(EthtoolSourceTest, ACountThatChangesMidReadSkipsTheDeviceForThisPass) {
  devices_["eth0"].grow_after_info = 1;  // GDRVINFO says 2, GSTRINGS and GSTATS give 3
  devices_["eth0"].values = {1, 2};      // and GSTATS gives 2 values for 3 names
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_FALSE(Record("eth0").attributes.driver.has_value());
  EXPECT_EQ(SelfMetric("netif_ethtool_errors_total", "reason=\"ioctl\""), -1);
}

TEST_F(EthtoolSourceTest, CollisionsAreDroppedAndCounted) {
  devices_["eth0"].names = {"rx-errors", "rx_errors", "info", "fine"};
  devices_["eth0"].values = {1, 2, 3, 4};
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Record("eth0").extra_counters.values().size(), 1u);
  EXPECT_EQ(Stat("eth0", "netif_ethtool_fine"), 4u);
  EXPECT_EQ(SelfMetric("netif_ethtool_stats_dropped", "reason=\"collision\""), 3);
}

TEST_F(EthtoolSourceTest, NoSysfsFailsThePassAndStopWithdrawsEverything) {
  auto source = Make({.sysfs_root = "/nowhere"});
  EXPECT_FALSE(source->RunOnce());
  EXPECT_EQ(SelfMetric("netif_scrape_collector_success", "collector=\"ethtool\""), 0);

  auto working = Make({.interval = std::chrono::hours(1)});
  working->Start();
  EXPECT_EQ(Record("eth0").attributes.driver, "e1000e");
  working->Stop();
  EXPECT_FALSE(Record("eth0").attributes.driver.has_value());
  EXPECT_TRUE(Record("eth0").extra_counters.Empty());
}

TEST(EthtoolCountersTest, DeclaresThePatternItsFamiliesFollow) {
  ASSERT_EQ(EthtoolCounters().size(), 1u);
  EXPECT_EQ(EthtoolCounters()[0]->name, "netif_ethtool_<stat>");
  EXPECT_EQ(EthtoolCounters()[0]->type, MetricType::kUntyped);
}

}  // namespace
}  // namespace netif
