#include "collectors/local/local_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analytics/analytics_settings.h"
#include "collectors/netlink/scripted_kernel_test_util.h"
#include "exposition/renderer.h"
#include "model/sample_time.h"
#include "store/store.h"
#include "support/exposition_parser.h"
#include "support/recording_file_reader.h"
#include "util/clock.h"

namespace netif {
namespace {

using testing_support::RecordingFileReader;

// A /proc/net/dev line with these receive and transmit bytes.
std::string NetDevLine(const std::string& device, uint64_t rx_bytes, uint64_t tx_bytes) {
  return "  " + device + ": " + std::to_string(rx_bytes) + " 1 0 0 0 0 0 0 " +
         std::to_string(tx_bytes) + " 2 0 0 0 0 0 0\n";
}

constexpr char kNetDevHeader[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n";

// Serves /proc/net/dev from a list of texts, one per read (the last one from then on), and every
// other path from `inner`: a device can vanish between two reads of one pass.
class ChangingNetDev final : public FileReader {
 public:
  ChangingNetDev(const FileReader& inner, std::vector<std::string> net_dev_texts)
      : inner_(inner), texts_(std::move(net_dev_texts)) {}
  FileRead Read(const std::string& path, std::size_t max_bytes) const override {
    if (path != "/proc/net/dev") return inner_.Read(path, max_bytes);
    FileRead read;
    read.status = FileReadStatus::kOk;
    read.contents = texts_[std::min(reads_++, texts_.size() - 1)];
    return read;
  }
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override {
    return inner_.ListDirectory(path);
  }
  bool Exists(const std::string& path) const override { return inner_.Exists(path); }
  std::optional<std::string> ReadLink(const std::string& path) const override {
    return inner_.ReadLink(path);
  }
  std::size_t net_dev_reads() const { return reads_; }

 private:
  const FileReader& inner_;
  std::vector<std::string> texts_;
  mutable std::size_t reads_ = 0;
};

constexpr char kNetDev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "  eth0: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n";

// What a pass reads of eth0 when its medium is due (model/link_facts.h), in order.
const std::vector<std::string> kEth0MediumReads = {
    "/sys/class/net/eth0/speed",
    "/sys/class/net/eth0/duplex",
    "/sys/class/net/eth0/dormant",
    "/sys/class/net/eth0/addr_assign_type",
    "/sys/class/net/eth0/name_assign_type",
    "/sys/class/net/eth0/dev_id",
    "/sys/class/net/eth0/flags",
};

class LocalSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.AddFile("/proc/net/dev", kNetDev);
    fs_.AddFile("/sys/class/net/eth0/speed", "1000\n");
    fs_.AddFile("/sys/class/net/eth0/operstate", "up\n");
    fs_.AddFile("/sys/class/net/eth0/duplex", "full\n");
    fs_.AddFile("/sys/class/net/eth0/mtu", "1500\n");
    fs_.AddFile("/sys/class/net/eth0/address", "52:54:00:12:34:56\n");
  }
  std::unique_ptr<LocalSource> MakeSource(bool netlink_runs, int refresh_passes,
                                          const FileReader* fs = nullptr) {
    LocalSource::Options options;
    options.procfs_root = "/proc";
    options.sysfs_root = "/sys";
    options.netlink_runs = netlink_runs;
    options.attribute_refresh_passes = refresh_passes;
    return std::make_unique<LocalSource>(std::move(options), fs ? *fs : fs_, store_, self_metrics_);
  }
  // What the netlink collector hands over for eth0 (rtnl::ToInterfaceRecord's fields).
  static InterfaceRecord Eth0Event(uint32_t mtu) {
    InterfaceRecord record;
    record.name = "eth0";
    record.key = {std::string(kLocalSource), "eth0"};
    record.attributes.ifindex = 2;
    record.attributes.iflink = 2;
    record.attributes.mtu = mtu;
    record.attributes.type = 1;
    record.attributes.address = "52:54:00:ab:cd:ef";
    record.attributes.oper_state = OperState::kUp;
    return record;
  }
  const LinkAttributes& Eth0() const {
    return store_.Current()->interfaces.at(0)->record.attributes;
  }
  // The interface named `name` in the store's snapshot, or null.
  const InterfaceRecord* Find(const std::string& name) const {
    for (const auto& view : store_.Current()->interfaces) {
      if (view->record.name == name) return &view->record;
    }
    return nullptr;
  }
  // The self-metrics as a scrape shows them.
  testing_support::Exposition SelfMetricsScrape() const {
    std::string text;
    self_metrics_.Render(text);
    return testing_support::ParseExposition(text);
  }
  InMemoryFileReader fs_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics self_metrics_;
};

TEST_F(LocalSourceTest, StaticAttributesAreReReadOnlyWhenDue) {
  auto sampler = MakeSource(/*netlink_runs=*/false, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  fs_.AddFile("/sys/class/net/eth0/operstate", "down\n");
  int passes_until_new_speed = 0;
  for (int pass = 1; pass <= 5 && Eth0().speed_bps != 10'000'000'000u; ++pass) {
    ASSERT_TRUE(sampler->RunOnce());
    // Link state is not cached: without netlink it is read on every pass.
    EXPECT_EQ(Eth0().oper_state, OperState::kDown);
    passes_until_new_speed = pass;
  }
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  EXPECT_GE(passes_until_new_speed, 1);
  EXPECT_LE(passes_until_new_speed, 3);
}

TEST_F(LocalSourceTest, WithoutNetlinkSysfsGivesTheMasterAndTheNetclassFacts) {
  fs_.AddSymlink("/sys/class/net/eth0/master", "../br0");
  fs_.AddFile("/sys/class/net/eth0/tx_queue_len", "1234\n");
  fs_.AddFile("/sys/class/net/eth0/netdev_group", "7\n");
  fs_.AddFile("/sys/class/net/eth0/flags", "0x1003\n");
  auto sampler = MakeSource(/*netlink_runs=*/false, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().master, "br0");
  EXPECT_EQ(Eth0().tx_queue_len, 1234u);
  EXPECT_EQ(Eth0().group, 7u);
  EXPECT_EQ(Eth0().flags, 0x1003u);
  EXPECT_EQ(Eth0().admin_up, true);
  ASSERT_TRUE(sampler->RunOnce());  // not due: from the cache
  EXPECT_EQ(Eth0().master, "br0");
  EXPECT_EQ(Eth0().flags, 0x1003u);
}

TEST_F(LocalSourceTest, EveryPassReadsEverythingByDefault) {
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  fs_.AddFile("/sys/class/net/eth0/speed", "100\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 100'000'000u);
}

TEST_F(LocalSourceTest, WithNetlinkOnlyTheMediumIsReadAndOnlyAtFirstSight) {
  fs_.AddFile("/sys/class/net/eth0/flags", "0x1303\n");
  fs_.AddFile("/sys/class/net/eth0/dormant", "0\n");
  fs_.AddFile("/sys/class/net/eth0/addr_assign_type", "3\n");
  fs_.AddFile("/sys/class/net/eth0/name_assign_type", "4\n");
  fs_.AddFile("/sys/class/net/eth0/dev_id", "0x2\n");
  RecordingFileReader fs(fs_);
  auto sampler = MakeSource(/*netlink_runs=*/true, /*refresh_passes=*/100, &fs);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(fs.TakeSysfsReads(), kEth0MediumReads);
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  EXPECT_EQ(Eth0().duplex, Duplex::kFull);
  EXPECT_EQ(Eth0().is_virtual, false);
  // Netlink owns these: sysfs has them, but they are not read.
  EXPECT_FALSE(Eth0().mtu.has_value());
  EXPECT_FALSE(Eth0().address.has_value());
  EXPECT_FALSE(Eth0().oper_state.has_value());
  for (int pass = 0; pass < 5; ++pass) ASSERT_TRUE(sampler->RunOnce());
  EXPECT_THAT(fs.TakeSysfsReads(), ::testing::IsEmpty());
  // From the cache: the whole medium.
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);
  EXPECT_EQ(Eth0().flags, 0x1303u);
  EXPECT_EQ(Eth0().dormant, false);
  EXPECT_EQ(Eth0().addr_assign_type, 3u);
  EXPECT_EQ(Eth0().name_assign_type, 4u);
  EXPECT_EQ(Eth0().dev_id, 2u);
  EXPECT_FALSE(Eth0().admin_up.has_value()) << "IFF_UP is netlink's";
}

TEST_F(LocalSourceTest, ALinkEventMakesTheNextPassReReadSpeedAndDuplex) {
  RecordingFileReader fs(fs_);
  auto sampler = MakeSource(true, 100, &fs);
  ASSERT_TRUE(sampler->RunOnce());
  fs.TakeSysfsReads();
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);  // not due, no event: not read
  sampler->OnLinkEvent(Eth0Event(1500));
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(fs.TakeSysfsReads(), kEth0MediumReads);
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  ASSERT_TRUE(sampler->RunOnce());  // the mark is spent
  EXPECT_THAT(fs.TakeSysfsReads(), ::testing::IsEmpty());
}

TEST_F(LocalSourceTest, WithNetlinkSpeedIsStillRefreshedEveryFewPasses) {
  auto sampler = MakeSource(true, /*refresh_passes=*/3);
  ASSERT_TRUE(sampler->RunOnce());
  fs_.AddFile("/sys/class/net/eth0/speed", "10000\n");
  int passes = 0;
  for (int pass = 1; pass <= 5 && Eth0().speed_bps != 10'000'000'000u; ++pass) {
    ASSERT_TRUE(sampler->RunOnce());
    passes = pass;
  }
  EXPECT_EQ(Eth0().speed_bps, 10'000'000'000u);
  EXPECT_LE(passes, 3);
}

TEST_F(LocalSourceTest, SamplesKeepTheLinkSettingsOfTheLastEvent) {
  // As the exporter wires it: the netlink thread hands each event to the sampler, then the store.
  auto sampler = MakeSource(true, 100);
  const auto deliver = [&](const InterfaceRecord& event) {
    sampler->OnLinkEvent(event);
    store_.ApplyLinkEvent(event, NowSampleTime());
  };
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().mtu.has_value());  // no event yet, and sysfs's 1500 is not read
  deliver(Eth0Event(9000));
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().mtu, 9000u);
  EXPECT_EQ(Eth0().address, "52:54:00:ab:cd:ef");
  EXPECT_EQ(Eth0().iflink, 2u);
  EXPECT_EQ(Eth0().type, 1u);
  EXPECT_EQ(Eth0().oper_state, OperState::kUp);
  // An event that clears the alias clears it at once, and the next sample does not bring it back.
  InterfaceRecord with_alias = Eth0Event(9000);
  with_alias.attributes.alias = "uplink";
  deliver(with_alias);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().alias, "uplink");
  deliver(Eth0Event(1400));
  EXPECT_FALSE(Eth0().alias.has_value());
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().alias.has_value());
  EXPECT_EQ(Eth0().mtu, 1400u);
}

TEST_F(LocalSourceTest, WithoutNetlinkSysfsDecidesTheLinkSettings) {
  // No event source: each due read of sysfs replaces the settings, a cleared alias included.
  fs_.AddFile("/sys/class/net/eth0/ifalias", "uplink\n");
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().alias, "uplink");
  EXPECT_EQ(Eth0().mtu, 1500u);
  fs_.AddFile("/sys/class/net/eth0/ifalias", "\n");
  fs_.AddFile("/sys/class/net/eth0/mtu", "9000\n");
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().alias.has_value());
  EXPECT_EQ(Eth0().mtu, 9000u);
}

TEST_F(LocalSourceTest, ASampleDoesNotUndoAnEventsSettings) {
  // The netlink thread hands the event over, then the store applies it; the next sample carries
  // the same settings, not the sysfs (or older) ones.
  auto sampler = MakeSource(true, 100);
  ASSERT_TRUE(sampler->RunOnce());
  InterfaceRecord event = Eth0Event(9000);
  sampler->OnLinkEvent(event);
  store_.ApplyLinkEvent(event, NowSampleTime());
  EXPECT_EQ(Eth0().mtu, 9000u);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Eth0().mtu, 9000u);
  EXPECT_EQ(Eth0().ifindex, 2u);                 // kept by the store
  EXPECT_EQ(Eth0().oper_state, OperState::kUp);  // kept by the store
  EXPECT_EQ(Eth0().speed_bps, 1'000'000'000u);   // from sysfs
}

TEST_F(LocalSourceTest, UnreadableProcNetDevFailsThePassAndKeepsTheStore) {
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  InMemoryFileReader empty;
  LocalSource::Options options;
  LocalSource broken(std::move(options), empty, store_, self_metrics_);
  EXPECT_FALSE(broken.RunOnce());
  EXPECT_EQ(store_.Current()->interfaces.size(), 1u);
}

TEST_F(LocalSourceTest, AnInterfaceWithoutSysfsKeepsItsCountersAndIsReported) {
  // ghost0 is in /proc/net/dev but has no directory under /sys/class/net (a host's /proc with a
  // container's /sys): it was dropped, silently, with the collector still successful.
  fs_.AddFile("/proc/net/dev",
              kNetDevHeader + NetDevLine("eth0", 100, 200) + NetDevLine("ghost0", 7000, 8000));
  for (const bool netlink : {false, true}) {
    SCOPED_TRACE(netlink ? "with netlink" : "without netlink");
    auto sampler = MakeSource(netlink, 3);
    for (int pass = 0; pass < 4; ++pass) {
      ASSERT_TRUE(sampler->RunOnce());
      const InterfaceRecord* ghost = Find("ghost0");
      ASSERT_NE(ghost, nullptr) << "pass " << pass;
      EXPECT_EQ(ghost->counters.Get(Counter::kReceiveBytes), 7000u);
      EXPECT_EQ(ghost->counters.Get(Counter::kTransmitBytes), 8000u);
      EXPECT_FALSE(ghost->attributes.speed_bps.has_value());
      ASSERT_NE(Find("eth0"), nullptr);
      EXPECT_EQ(Find("eth0")->attributes.speed_bps, 1'000'000'000u);
      EXPECT_EQ(SelfMetricsScrape().Value("netif_sysfs_missing_interfaces"), 1.0);
    }
  }
  // Once its directory appears, it is read at its next due pass and no longer counted.
  fs_.AddFile("/sys/class/net/ghost0/speed", "100\n");
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(Find("ghost0")->attributes.speed_bps, 100'000'000u);
  EXPECT_EQ(SelfMetricsScrape().Value("netif_sysfs_missing_interfaces"), 0.0);
}

TEST_F(LocalSourceTest, ADeviceDeletedBetweenTheTwoReadsIsNotInTheSample) {
  // gone0 is in /proc/net/dev when the pass starts, its sysfs directory is already gone, and the
  // second read of /proc/net/dev no longer lists it: it was deleted, not missing from sysfs.
  ChangingNetDev fs(fs_, {kNetDevHeader + NetDevLine("eth0", 1, 2) + NetDevLine("gone0", 3, 4),
                          kNetDevHeader + NetDevLine("eth0", 1, 2)});
  auto sampler = MakeSource(false, 1, &fs);
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(fs.net_dev_reads(), 2u);
  EXPECT_NE(Find("eth0"), nullptr);
  EXPECT_EQ(Find("gone0"), nullptr);
  EXPECT_EQ(SelfMetricsScrape().Value("netif_sysfs_missing_interfaces"), 0.0);
  // With every device in sysfs, /proc/net/dev is read once a pass.
  ASSERT_TRUE(sampler->RunOnce());
  EXPECT_EQ(fs.net_dev_reads(), 3u);
}

TEST_F(LocalSourceTest, RefusedSysfsFilesAreCountedAndThePassGoesOn) {
  fs_.AddSpecialFile("/sys/class/net/eth0/speed", S_IFIFO);
  fs_.AddFile("/sys/class/net/eth0/operstate", std::string(kMaxAttributeBytes + 1, 'u'));
  auto sampler = MakeSource(false, 1);
  for (int pass = 0; pass < 3; ++pass) ASSERT_TRUE(sampler->RunOnce());
  EXPECT_FALSE(Eth0().speed_bps.has_value());
  EXPECT_FALSE(Eth0().oper_state.has_value());
  EXPECT_EQ(Eth0().mtu, 1500u);
  const auto scrape = SelfMetricsScrape();
  EXPECT_EQ(scrape.Value("netif_file_read_errors_total",
                         {{"collector", "sysfs"}, {"reason", "not_regular_file"}}),
            3.0);
  EXPECT_EQ(scrape.Value("netif_file_read_errors_total",
                         {{"collector", "sysfs"}, {"reason", "too_large"}}),
            3.0);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "sysfs"}}), 1.0);
}

TEST_F(LocalSourceTest, ARefusedProcNetDevFailsThePassAndIsCounted) {
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  fs_.AddSpecialFile("/proc/net/dev", S_IFCHR);
  EXPECT_FALSE(sampler->RunOnce());
  EXPECT_NE(Find("eth0"), nullptr);  // the store keeps its last state
  const auto scrape = SelfMetricsScrape();
  EXPECT_EQ(scrape.Value("netif_file_read_errors_total",
                         {{"collector", "procfs"}, {"reason", "not_regular_file"}}),
            1.0);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "procfs"}}), 0.0);
}

TEST_F(LocalSourceTest, NamesThatDifferOnlyInInvalidBytesAreDistinctSeries) {
  // Linux allows any bytes but '/', ':', whitespace and NUL in a name: these two were one label
  // set (both "x<U+FFFD>1"), so Prometheus kept one series of two.
  const std::string a =
      "x\xFF"
      "1";
  const std::string b =
      "x\xFE"
      "1";
  const std::string literal = "x\\xFF1";  // the text an escape would show, as a real name
  fs_.AddFile("/proc/net/dev", kNetDevHeader + NetDevLine(a, 10, 11) + NetDevLine(b, 20, 21) +
                                   NetDevLine(literal, 30, 31));
  for (const auto& name : {a, b, literal}) fs_.AddFile("/sys/class/net/" + name + "/mtu", "1500\n");
  auto sampler = MakeSource(false, 1);
  ASSERT_TRUE(sampler->RunOnce());
  std::string text;
  RenderInterfaces(*store_.Current(), text);
  const auto scrape = testing_support::ParseExposition(text);
  EXPECT_THAT(scrape.errors, ::testing::IsEmpty());
  EXPECT_TRUE(testing_support::HasNoDuplicateSeries(scrape));
  EXPECT_EQ(scrape.Value("netif_receive_bytes_total", {{"device", "x\\xFF1"}}), 10.0);
  EXPECT_EQ(scrape.Value("netif_receive_bytes_total", {{"device", "x\\xFE1"}}), 20.0);
  // The real name "x\xFF1" is valid UTF-8, but holds "\x": its backslash is escaped too.
  EXPECT_EQ(scrape.Value("netif_receive_bytes_total", {{"device", "x\\x5CxFF1"}}), 30.0);
}

// --- counters from an RTM_GETSTATS dump (collectors/netlink/link_stats_reader.h) ---------------

class LocalSourceNetlinkCountersTest : public LocalSourceTest {
 protected:
  void SetUp() override {
    LocalSourceTest::SetUp();
    // eth0 in /proc/net/dev has rx 100 / tx 200; the kernel's dump says otherwise, so a test
    // sees which source served.
    kernel_.SetLink(1, "lo", 1000);
    kernel_.SetLink(2, "eth0", 2000);
  }
  std::unique_ptr<LocalSource> MakeNetlinkSource(
      std::chrono::milliseconds retry_after = std::chrono::seconds(30), DeviceFilter filter = {}) {
    LocalSource::Options options;
    options.netlink_runs = true;
    options.counters_from_netlink = true;
    options.netlink_retry_after = retry_after;
    options.filter = std::move(filter);
    options.netlink_socket_opener = [this](Status* status) -> std::unique_ptr<RtnetlinkSocket> {
      ++opened_;
      if (refuse_socket_) {
        *status = Status::Error("socket(AF_NETLINK, NETLINK_ROUTE): Permission denied");
        return nullptr;
      }
      return std::make_unique<rtnl::testing::ScriptedSocket>(kernel_);
    };
    return std::make_unique<LocalSource>(std::move(options), net_dev_, store_, self_metrics_);
  }
  std::optional<double> Success(const std::string& collector) const {
    return SelfMetricsScrape().Value("netif_scrape_collector_success", {{"collector", collector}});
  }

  rtnl::testing::ScriptedKernel kernel_;
  ChangingNetDev net_dev_{fs_, {kNetDev}};
  int opened_ = 0;
  bool refuse_socket_ = false;
};

TEST_F(LocalSourceNetlinkCountersTest, CountersAndTheDetailedErrorsComeFromTheDump) {
  auto source = MakeNetlinkSource();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(net_dev_.net_dev_reads(), 0u) << "/proc/net/dev is not read while netlink works";
  const InterfaceRecord* eth0 = Find("eth0");
  ASSERT_NE(eth0, nullptr);
  ASSERT_NE(Find("lo"), nullptr);  // not in this test's /proc/net/dev: the dump's list counts
  // The scripted kernel's field i is 2000 + i (rtnl_link_stats64 order).
  rtnl::LinkStats64 stats;
  stats.rx_packets = 2000;
  stats.tx_packets = 2001;
  stats.rx_bytes = 2002;
  stats.tx_bytes = 2003;
  stats.rx_errors = 2004;
  stats.tx_errors = 2005;
  stats.rx_dropped = 2006;
  stats.tx_dropped = 2007;
  stats.multicast = 2008;
  stats.collisions = 2009;
  stats.rx_length_errors = 2010;
  stats.rx_over_errors = 2011;
  stats.rx_crc_errors = 2012;
  stats.rx_frame_errors = 2013;
  stats.rx_fifo_errors = 2014;
  stats.rx_missed_errors = 2015;
  stats.tx_aborted_errors = 2016;
  stats.tx_carrier_errors = 2017;
  stats.tx_fifo_errors = 2018;
  stats.tx_heartbeat_errors = 2019;
  stats.tx_window_errors = 2020;
  stats.rx_compressed = 2021;
  stats.tx_compressed = 2022;
  EXPECT_EQ(eth0->counters, rtnl::ProcNetDevCounters(stats));
  EXPECT_EQ(eth0->counters.Get(Counter::kReceiveBytes), 2002u);
  std::map<std::string, uint64_t> extra;
  for (const auto& [definition, value] : eth0->extra_counters.values()) {
    extra[std::string(definition->name)] = value;
  }
  EXPECT_EQ(extra, (std::map<std::string, uint64_t>{
                       {"netif_receive_length_errors_total", 2010},
                       {"netif_receive_over_errors_total", 2011},
                       {"netif_receive_crc_errors_total", 2012},
                       {"netif_receive_missed_errors_total", 2015},
                       {"netif_receive_nohandler_total", 2023},
                       {"netif_transmit_aborted_errors_total", 2016},
                       {"netif_transmit_heartbeat_errors_total", 2019},
                       {"netif_transmit_window_errors_total", 2020},
                   }));
  // The store lists the definitions for the renderer, in name order.
  EXPECT_EQ(store_.Current()->extra_counters.size(), 8u);
  EXPECT_EQ(Success("netlink_stats"), 1.0);
  EXPECT_EQ(Success("procfs"), std::nullopt) << "procfs did not run";
  EXPECT_EQ(Success("sysfs"), 1.0);
}

TEST_F(LocalSourceNetlinkCountersTest, TheDeviceFilterAppliesAsToProcNetDev) {
  auto source = MakeNetlinkSource(std::chrono::seconds(30), DeviceFilter("", "lo"));
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Find("lo"), nullptr);
  EXPECT_NE(Find("eth0"), nullptr);
}

TEST_F(LocalSourceNetlinkCountersTest, AnInterfaceTheDumpNoLongerListsLeavesTheStore) {
  auto source = MakeNetlinkSource();
  ASSERT_TRUE(source->RunOnce());
  ASSERT_NE(Find("lo"), nullptr);
  kernel_.DeleteLink(1);
  kernel_.Event(RTM_DELLINK, 1, "lo");
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Find("lo"), nullptr);
  EXPECT_NE(Find("eth0"), nullptr);
}

TEST_F(LocalSourceNetlinkCountersTest, ARefusedSocketFallsBackToProcNetDevAndRetriesLater) {
  refuse_socket_ = true;
  auto source = MakeNetlinkSource(std::chrono::hours(1));
  ASSERT_TRUE(source->RunOnce());
  ASSERT_NE(Find("eth0"), nullptr);
  EXPECT_EQ(Find("eth0")->counters.Get(Counter::kReceiveBytes), 100u);  // /proc/net/dev's
  EXPECT_TRUE(Find("eth0")->extra_counters.Empty()) << "absent in the fallback";
  EXPECT_EQ(Find("lo"), nullptr);
  EXPECT_EQ(Success("netlink_stats"), 0.0);
  EXPECT_EQ(Success("procfs"), 1.0);
  // Not retried before its time: /proc/net/dev serves, the socket is not asked for again.
  refuse_socket_ = false;
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(opened_, 1);
  EXPECT_EQ(net_dev_.net_dev_reads(), 2u);
  EXPECT_EQ(Success("netlink_stats"), 0.0);
}

TEST_F(LocalSourceNetlinkCountersTest, NetlinkServesAgainOnceItWorks) {
  refuse_socket_ = true;
  auto source = MakeNetlinkSource(std::chrono::milliseconds(0));
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Find("eth0")->counters.Get(Counter::kReceiveBytes), 100u);
  refuse_socket_ = false;
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Find("eth0")->counters.Get(Counter::kReceiveBytes), 2002u);
  EXPECT_EQ(Success("netlink_stats"), 1.0);
  EXPECT_EQ(Success("procfs"), 1.0) << "keeps its last outcome";
  EXPECT_EQ(net_dev_.net_dev_reads(), 1u);
}

TEST_F(LocalSourceNetlinkCountersTest, ADumpInterruptedTwiceFallsBackForThatPassWithoutFailing) {
  auto source = MakeNetlinkSource(std::chrono::hours(1));
  kernel_.interrupt_stats_dumps = 2;  // the retake is interrupted too: links keep changing
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Find("eth0")->counters.Get(Counter::kReceiveBytes), 100u);
  EXPECT_EQ(Success("netlink_stats"), std::nullopt) << "no failure recorded";
  EXPECT_EQ(Success("procfs"), 1.0);
  ASSERT_TRUE(source->RunOnce());  // tried again at once, not after netlink_retry_after
  EXPECT_EQ(Find("eth0")->counters.Get(Counter::kReceiveBytes), 2002u);
  EXPECT_EQ(Success("netlink_stats"), 1.0);
}

TEST_F(LocalSourceNetlinkCountersTest, MalformedMessagesAreCountedAsParseErrors) {
  auto source = MakeNetlinkSource();
  ASSERT_TRUE(source->RunOnce());
  // An event that is no valid link message: ifindex 0.
  kernel_.Push(RtnetlinkSocket::ReceiveStatus::kData,
               rtnl::testing::LinkMessageBytes(RTM_NEWLINK, 0, "bad", 6));
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(SelfMetricsScrape().Value("netif_parse_errors_total", {{"collector", "netlink_stats"}}),
            1.0);
  EXPECT_EQ(Success("netlink_stats"), 1.0);
}

// Calls `on_touch` the first time a path under `prefix` is asked for, then answers from `inner`.
class TouchHook final : public FileReader {
 public:
  TouchHook(const FileReader& inner, std::string prefix, std::function<void()> on_touch)
      : inner_(inner), prefix_(std::move(prefix)), on_touch_(std::move(on_touch)) {}
  FileRead Read(const std::string& path, std::size_t max_bytes) const override {
    Touch(path);
    return inner_.Read(path, max_bytes);
  }
  std::optional<std::vector<std::string>> ListDirectory(const std::string& path) const override {
    Touch(path);
    return inner_.ListDirectory(path);
  }
  bool Exists(const std::string& path) const override {
    Touch(path);
    return inner_.Exists(path);
  }
  std::optional<std::string> ReadLink(const std::string& path) const override {
    Touch(path);
    return inner_.ReadLink(path);
  }

 private:
  void Touch(const std::string& path) const {
    if (on_touch_ && path.starts_with(prefix_)) std::exchange(on_touch_, nullptr)();
  }
  const FileReader& inner_;
  const std::string prefix_;
  mutable std::function<void()> on_touch_;
};

TEST_F(LocalSourceNetlinkCountersTest, ADeviceDeletedBeforeItsSysfsReadIsToldApartByItsEvent) {
  // gone0 is in the dump; its RTM_DELLINK comes while the pass looks for its sysfs directory
  // (the kernel sends it before removing the directory). ghost0 stays listed: no sysfs of its
  // own (a host's /proc with a container's /sys), kept with its counters.
  kernel_.SetLink(3, "gone0", 3000);
  kernel_.SetLink(4, "ghost0", 4000);
  TouchHook fs(net_dev_, "/sys/class/net/gone0", [this] {
    kernel_.DeleteLink(3);
    kernel_.Event(RTM_DELLINK, 3, "gone0");
  });
  LocalSource::Options options;
  options.netlink_runs = true;
  options.counters_from_netlink = true;
  options.netlink_socket_opener = [this](Status*) -> std::unique_ptr<RtnetlinkSocket> {
    return std::make_unique<rtnl::testing::ScriptedSocket>(kernel_);
  };
  LocalSource source(std::move(options), fs, store_, self_metrics_);
  ASSERT_TRUE(source.RunOnce());
  EXPECT_EQ(Find("gone0"), nullptr);
  ASSERT_NE(Find("ghost0"), nullptr);
  EXPECT_EQ(Find("ghost0")->counters.Get(Counter::kReceiveBytes), 4002u);
  EXPECT_NE(Find("eth0"), nullptr);
  EXPECT_EQ(net_dev_.net_dev_reads(), 0u) << "the events decided, not /proc/net/dev";
  EXPECT_EQ(SelfMetricsScrape().Value("netif_sysfs_missing_interfaces"), 2.0);  // lo, ghost0
}

}  // namespace
}  // namespace netif
