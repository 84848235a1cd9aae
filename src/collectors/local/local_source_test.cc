#include "collectors/local/local_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analytics/analytics_settings.h"
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

}  // namespace
}  // namespace netif
