#include "store/store.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

InterfaceRecord Local(std::string name, std::optional<uint32_t> ifindex = std::nullopt) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.labels = LocalDeviceLabels(name);
  record.name = name;
  record.attributes.ifindex = ifindex;
  return record;
}

InterfaceRecord WithState(InterfaceRecord record, OperState state) {
  record.attributes.oper_state = state;
  return record;
}

std::vector<std::string> Names(const Store& store) {
  std::vector<std::string> names;
  for (const auto& view : store.Current()->interfaces) names.push_back(view->record.name);
  return names;
}

class StoreTest : public ::testing::Test {
 protected:
  Store store_{std::make_shared<const AnalyticsSettings>()};
};

TEST_F(StoreTest, StartsWithAnEmptySnapshot) {
  ASSERT_NE(store_.Current(), nullptr);
  EXPECT_TRUE(store_.Current()->interfaces.empty());
}

TEST_F(StoreTest, SampleReplacesTheSourceSetAndDropsVanishedInterfaces) {
  store_.ApplySample(kLocalSource, {Local("eth0"), Local("eth1")}, {1, 1});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0", "eth1"}));
  store_.ApplySample(kLocalSource, {Local("eth1")}, {2, 2});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth1"}));
}

TEST_F(StoreTest, SourcesDoNotRemoveEachOthersInterfaces) {
  InterfaceRecord port;
  port.key = {"sw1", "3"};
  port.name = "Gi0/3";
  store_.ApplySample("sw1", {port}, {1, 1});
  store_.ApplySample(kLocalSource, {Local("eth0")}, {1, 1});
  EXPECT_EQ(store_.Current()->interfaces.size(), 2u);
  store_.RemoveSource("sw1");
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0"}));
}

TEST_F(StoreTest, InterfaceCreatedByAnEventAfterTheSampleStartedSurvivesIt) {
  store_.ApplyLinkEvent(Local("veth9", 9), {5, 5});
  store_.ApplySample(kLocalSource, {Local("eth0")}, {4, 4});  // began before the event
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0", "veth9"}));
  store_.ApplySample(kLocalSource, {Local("eth0")}, {6, 6});  // began after: veth9 is gone
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0"}));
}

TEST_F(StoreTest, LinkEventsCountTransitionsAndReportChanges) {
  store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kUp), {1, 100});
  auto change = store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kDown), {2, 101});
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->from, OperState::kUp);
  EXPECT_EQ(change->to, OperState::kDown);
  store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kUp), {3, 102});
  EXPECT_FALSE(store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kUp), {4, 103}));
  const auto& link = store_.Current()->interfaces.at(0)->link;
  EXPECT_EQ(link.transitions_down, 1u);
  EXPECT_EQ(link.transitions_up, 1u);
  EXPECT_DOUBLE_EQ(*link.last_change_unix_seconds, 102);
}

TEST_F(StoreTest, SamplesWithoutLinkStateKeepWhatEventsSaid) {
  store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kUp), {1, 1});
  auto sample = Local("eth0");
  sample.attributes.mtu = 9000;
  store_.ApplySample(kLocalSource, {sample}, {0.5, 0.5});
  const auto& attributes = store_.Current()->interfaces.at(0)->record.attributes;
  EXPECT_EQ(attributes.oper_state, OperState::kUp);
  EXPECT_EQ(attributes.mtu, 9000u);
  EXPECT_EQ(attributes.ifindex, 2u);
}

TEST_F(StoreTest, SamplesWithoutLinkSettingsKeepTheLastEventsAndEventsClearTheAlias) {
  auto event = WithState(Local("eth0", 2), OperState::kUp);
  event.attributes.mtu = 9000;
  event.attributes.address = "52:54:00:ab:cd:ef";
  event.attributes.alias = "uplink";
  store_.ApplyLinkEvent(event, {1, 1});
  store_.ApplySample(kLocalSource, {Local("eth0")}, {2, 2});  // carries no settings
  const auto attributes = [&] { return store_.Current()->interfaces.at(0)->record.attributes; };
  EXPECT_EQ(attributes().mtu, 9000u);
  EXPECT_EQ(attributes().address, "52:54:00:ab:cd:ef");
  EXPECT_EQ(attributes().alias, "uplink");
  // An RTM_NEWLINK without IFLA_IFALIAS: the alias was cleared.
  event.attributes.alias.reset();
  store_.ApplyLinkEvent(event, {3, 3});
  EXPECT_FALSE(attributes().alias.has_value());
  store_.ApplySample(kLocalSource, {Local("eth0")}, {4, 4});
  EXPECT_FALSE(attributes().alias.has_value());
  EXPECT_EQ(attributes().mtu, 9000u);
}

TEST_F(StoreTest, APortThatLeavesItsMasterLosesItAtOnceAndSamplesDoNotBringItBack) {
  auto event = WithState(Local("veth1", 5), OperState::kUp);
  event.attributes.mtu = 1500;
  event.attributes.master_ifindex = 4;
  event.attributes.master = "bond0";
  event.attributes.bond_slave = BondSlave{.active = true, .mii_status = kBondLinkUp};
  store_.ApplyLinkEvent(event, {1, 1});
  const auto attributes = [&] { return store_.Current()->interfaces.at(0)->record.attributes; };
  EXPECT_EQ(attributes().master, "bond0");
  EXPECT_EQ(attributes().master_ifindex, 4u);
  ASSERT_TRUE(attributes().bond_slave.has_value());
  EXPECT_EQ(attributes().bond_slave->active, true);
  store_.ApplySample(kLocalSource, {Local("veth1")}, {2, 2});  // carries no settings
  EXPECT_EQ(attributes().master, "bond0");
  // The next RTM_NEWLINK has no IFLA_MASTER and no slave data: released.
  event.attributes.master_ifindex.reset();
  event.attributes.master.reset();
  event.attributes.bond_slave.reset();
  store_.ApplyLinkEvent(event, {3, 3});
  EXPECT_FALSE(attributes().master.has_value());
  EXPECT_FALSE(attributes().master_ifindex.has_value());
  EXPECT_FALSE(attributes().bond_slave.has_value());
  EXPECT_EQ(attributes().mtu, 1500u);
  store_.ApplySample(kLocalSource, {Local("veth1")}, {4, 4});
  EXPECT_FALSE(attributes().master.has_value());
}

TEST_F(StoreTest, WithoutEventsASampleDecidesTheLinkSettings) {
  auto sample = Local("eth0");
  sample.attributes.mtu = 1500;
  sample.attributes.alias = "uplink";
  store_.ApplySample(kLocalSource, {sample}, {1, 1});
  store_.ApplySample(kLocalSource, {Local("eth0")}, {2, 2});  // sysfs no longer shows them
  const auto& attributes = store_.Current()->interfaces.at(0)->record.attributes;
  EXPECT_FALSE(attributes.mtu.has_value());
  EXPECT_FALSE(attributes.alias.has_value());
}

TEST_F(StoreTest, EachViewCarriesTheClassOfWhatItsSourcesSaid) {
  // The sample alone knows only that the link is virtual; the event then says it is a veth, and a
  // later sample without the kind keeps the event's (the settings are the event's).
  InterfaceRecord sampled = Local("veth0", 4);
  sampled.attributes.is_virtual = true;
  store_.ApplySample(kLocalSource, {sampled}, {1, 1});
  EXPECT_EQ(store_.Current()->interfaces[0]->device_class, DeviceClass::kVirtualOther);
  InterfaceRecord event = Local("veth0", 4);
  event.attributes.kind = "veth";
  store_.ApplyLinkEvent(event, {2, 2});
  EXPECT_EQ(store_.Current()->interfaces[0]->device_class, DeviceClass::kVeth);
  store_.ApplySample(kLocalSource, {sampled}, {3, 3});
  EXPECT_EQ(store_.Current()->interfaces[0]->device_class, DeviceClass::kVeth);
}

TEST_F(StoreTest, RenameKeepsHistoryUnderTheNewName) {
  store_.ApplyLinkEvent(WithState(Local("eth0", 7), OperState::kUp), {1, 1});
  store_.ApplyLinkEvent(WithState(Local("eth0", 7), OperState::kDown), {2, 2});
  store_.ApplyLinkEvent(WithState(Local("wan0", 7), OperState::kDown), {3, 3});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"wan0"}));
  const auto& view = *store_.Current()->interfaces.at(0);
  EXPECT_EQ(view.link.transitions_down, 1u);
  EXPECT_EQ(view.record.labels, LocalDeviceLabels("wan0"));
}

TEST_F(StoreTest, RemoveByIfindexWinsOverAReusedName) {
  store_.ApplyLinkEvent(Local("eth0", 7), {1, 1});
  store_.RemoveInterface({std::string(kLocalSource), "stale-name"}, 7);
  EXPECT_TRUE(Names(store_).empty());
}

TEST_F(StoreTest, TimedRemovalIsNotUndoneByASampleThatBeganBeforeIt) {
  store_.ApplySample(kLocalSource, {Local("eth0", 2), Local("veth9", 9)}, {1, 1});
  store_.RemoveInterface({std::string(kLocalSource), "veth9"}, 9, {5, 5});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0"}));
  // Read before the deletion, applied after it: must not resurrect veth9.
  store_.ApplySample(kLocalSource, {Local("eth0", 2), Local("veth9", 9)}, {4, 4});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0"}));
  // A sample taken after the deletion is believed (the name was reused by a new link).
  store_.ApplySample(kLocalSource, {Local("eth0", 2), Local("veth9", 12)}, {6, 6});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0", "veth9"}));
}

TEST_F(StoreTest, RenameIsNotUndoneByASampleThatBeganBeforeIt) {
  store_.ApplyLinkEvent(WithState(Local("eth0", 7), OperState::kUp), {1, 1});
  store_.ApplyLinkEvent(WithState(Local("eth0", 7), OperState::kDown), {2, 2});
  store_.ApplyLinkEvent(WithState(Local("wan0", 7), OperState::kDown), {5, 5});
  // This sample still saw the old name: it neither brings eth0 back nor drops wan0.
  store_.ApplySample(kLocalSource, {Local("eth0", 7)}, {4, 4});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"wan0"}));
  const auto& view = *store_.Current()->interfaces.at(0);
  EXPECT_EQ(view.link.transitions_down, 1u);
  EXPECT_EQ(view.record.attributes.oper_state, OperState::kDown);
  store_.ApplySample(kLocalSource, {Local("wan0", 7)}, {6, 6});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"wan0"}));
}

TEST_F(StoreTest, ReconcileRemovesWhatTheListingDidNotShow) {
  store_.ApplySample(kLocalSource, {Local("eth0", 2), Local("gone0", 3), Local("gone1", 4)},
                     {1, 1});
  InterfaceRecord port;
  port.key = {"sw1", "3"};
  store_.ApplySample("sw1", {port}, {1, 1});
  store_.ApplyLinkEvent(Local("new0", 5), {12, 12});  // created while the listing ran
  store_.ReconcileSource(kLocalSource, {"eth0"}, {10, 10});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0", "new0", ""}));  // sw1's port stays
  // And a sample from before the listing does not bring the removed ones back.
  store_.ApplySample(kLocalSource, {Local("eth0", 2), Local("gone0", 3), Local("new0", 5)}, {9, 9});
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0", "new0", ""}));
}

TEST_F(StoreTest, ReconcileKeepsCountersAndHistory) {
  auto sample = WithState(Local("eth0", 2), OperState::kUp);
  sample.counters.Set(Counter::kReceiveBytes, 42);
  store_.ApplySample(kLocalSource, {sample}, {1, 1});
  store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kDown), {2, 2});
  const auto before = store_.Current();
  store_.ReconcileSource(kLocalSource, {"eth0"}, {3, 3});
  EXPECT_EQ(store_.Current(), before) << "nothing removed: nothing published";
  const auto& view = *store_.Current()->interfaces.at(0);
  EXPECT_EQ(view.record.counters.Get(Counter::kReceiveBytes), 42u);
  EXPECT_EQ(view.link.transitions_down, 1u);
}

TEST_F(StoreTest, PublishedSnapshotsAreNotChangedByLaterUpdates) {
  auto first = Local("eth0");
  first.counters.Set(Counter::kReceiveBytes, 1);
  store_.ApplySample(kLocalSource, {first}, {1, 1});
  const auto before = store_.Current();
  auto second = Local("eth0");
  second.counters.Set(Counter::kReceiveBytes, 2);
  store_.ApplySample(kLocalSource, {second}, {2, 2});
  EXPECT_EQ(before->interfaces.at(0)->record.counters.Get(Counter::kReceiveBytes), 1u);
  EXPECT_EQ(store_.Current()->interfaces.at(0)->record.counters.Get(Counter::kReceiveBytes), 2u);
  EXPECT_GT(store_.Current()->generation, before->generation);
}

}  // namespace
}  // namespace netif

namespace netif {
namespace {

TEST(StorePublishBatchTest, PublishesOnceWhenTheLastBatchCloses) {
  Store store(std::make_shared<const AnalyticsSettings>());
  const uint64_t before = store.Current()->generation;
  {
    SinkBatch outer(store);
    {
      SinkBatch inner(store);
      store.ApplyLinkEvent(WithState(Local("eth0", 1), OperState::kUp), {1, 1});
      store.ApplyLinkEvent(WithState(Local("eth0", 1), OperState::kDown), {2, 2});
    }
    EXPECT_EQ(store.Current()->generation, before);  // still inside the outer batch
    store.ApplyLinkEvent(WithState(Local("eth1", 2), OperState::kUp), {3, 3});
  }
  const auto after = store.Current();
  EXPECT_EQ(after->generation, before + 1);
  ASSERT_EQ(after->interfaces.size(), 2u);
  EXPECT_EQ(after->interfaces[0]->link.transitions_down, 1u);  // every event was applied
}

TEST(StorePublishBatchTest, ABatchWithoutChangesPublishesNothing) {
  Store store(std::make_shared<const AnalyticsSettings>());
  const uint64_t before = store.Current()->generation;
  { SinkBatch batch(store); }
  EXPECT_EQ(store.Current()->generation, before);
}

TEST(ViewBlockTest, ViewsAreDistinctAndShareTheBlockThatOutlivesItsHandle) {
  std::shared_ptr<InterfaceView> first, second;
  {
    ViewBlock block(2);
    first = block.Take();
    EXPECT_FALSE(block.Full());
    second = block.Take();
    EXPECT_TRUE(block.Full());
  }
  ASSERT_NE(first.get(), second.get());
  first->record.name = "eth0";
  second->record.name = "eth1";
  EXPECT_EQ(first->record.name, "eth0");
  // One ownership for the whole block: it lives while any of its views does.
  EXPECT_EQ(first.use_count(), 2);
  second.reset();
  EXPECT_EQ(first.use_count(), 1);
}

TEST_F(StoreTest, ViewsOfOneSampleShareOneBlock) {
  store_.ApplySample(kLocalSource, {Local("eth0"), Local("eth1")}, {1, 1});
  const auto snapshot = store_.Current();
  ASSERT_EQ(snapshot->interfaces.size(), 2u);
  EXPECT_EQ(snapshot->interfaces[0].get() + 1, snapshot->interfaces[1].get());
}

}  // namespace
}  // namespace netif

namespace netif {
namespace {

constexpr ExtraCounterDefinition kZeta{"netif_test_zeta_total", "Zeta."};
constexpr ExtraCounterDefinition kAlpha{"netif_test_alpha_total", "Alpha."};

TEST(StoreExtraCountersTest, SnapshotsListTheExtraCountersInterfacesCarryByName) {
  Store store(std::make_shared<const AnalyticsSettings>());
  InterfaceRecord eth0 = Local("eth0");
  eth0.extra_counters.Set(kZeta, 5);
  InterfaceRecord eth1 = Local("eth1");
  eth1.extra_counters.Set(kAlpha, 1);
  store.ApplySample(kLocalSource, {eth0}, {1, 1});
  EXPECT_EQ(store.Current()->extra_counters, (std::vector<const ExtraCounterDefinition*>{&kZeta}));
  store.ApplySample(kLocalSource, {eth0, eth1}, {2, 2});
  EXPECT_EQ(store.Current()->extra_counters,
            (std::vector<const ExtraCounterDefinition*>{&kAlpha, &kZeta}));
  EXPECT_EQ(store.Current()->interfaces.at(0)->record.extra_counters.Get(kZeta), 5u);
}

TEST(StoreExtraCountersTest, AnEventMergesExtraCountersIntoTheInterface) {
  Store store(std::make_shared<const AnalyticsSettings>());
  InterfaceRecord sample = Local("eth0", 2);
  sample.extra_counters.Set(kAlpha, 1);
  store.ApplySample(kLocalSource, {sample}, {1, 1});
  InterfaceRecord event = Local("eth0", 2);
  event.extra_counters.Set(kZeta, 9);
  store.ApplyLinkEvent(event, {2, 2});
  const auto& counters = store.Current()->interfaces.at(0)->record.extra_counters;
  EXPECT_EQ(counters.Get(kAlpha), 1u);
  EXPECT_EQ(counters.Get(kZeta), 9u);
}

constexpr ExtraCounterDefinition kQueue{"netif_test_queue", "Q.", MetricType::kUntyped};

InterfaceSupplement Supplied(std::string name, uint64_t queue) {
  InterfaceSupplement supplement;
  supplement.key = {std::string(kLocalSource), std::move(name)};
  supplement.driver = "e1000e";
  supplement.counters.Set(kQueue, queue);
  return supplement;
}

TEST(StoreSupplementsTest, AContributionOutlivesTheOwnersSamplesAndEvents) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.ApplySample(kLocalSource, {Local("eth0", 2)}, {1, 1});
  store.ApplySupplements("ethtool", {Supplied("eth0", 7)});
  store.ApplySample(kLocalSource, {Local("eth0", 2)}, {2, 2});
  store.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kUp), {3, 3});
  store.ApplySample(kLocalSource, {Local("eth0", 2)}, {4, 4});
  const auto& record = store.Current()->interfaces.at(0)->record;
  EXPECT_EQ(record.attributes.driver, "e1000e");
  EXPECT_EQ(record.extra_counters.Get(kQueue), 7u);
  EXPECT_EQ(record.attributes.oper_state, OperState::kUp);
  EXPECT_EQ(store.Current()->extra_counters, (std::vector<const ExtraCounterDefinition*>{&kQueue}));
}

TEST(StoreSupplementsTest, ASupplierNeverCreatesOrRemovesInterfaces) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.ApplySample(kLocalSource, {Local("eth0")}, {1, 1});
  store.ApplySupplements("ethtool", {Supplied("eth9", 1)});
  EXPECT_EQ(Names(store), (std::vector<std::string>{"eth0"}));
  store.ApplySupplements("ethtool", {});
  EXPECT_EQ(Names(store), (std::vector<std::string>{"eth0"}));
}

TEST(StoreSupplementsTest, ANewPassReplacesTheContributionAndAnUnlistedInterfaceLosesIt) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.ApplySample(kLocalSource, {Local("eth0"), Local("eth1")}, {1, 1});
  store.ApplySupplements("ethtool", {Supplied("eth0", 1), Supplied("eth1", 2)});
  InterfaceSupplement fewer = Supplied("eth0", 5);
  fewer.driver.reset();
  fewer.counters = {};  // the driver no longer reports the statistic
  store.ApplySupplements("ethtool", {fewer});
  const auto snapshot = store.Current();
  const auto& eth0 = snapshot->interfaces.at(0)->record;
  const auto& eth1 = snapshot->interfaces.at(1)->record;
  EXPECT_FALSE(eth0.attributes.driver.has_value());
  EXPECT_FALSE(eth0.extra_counters.Get(kQueue).has_value());
  EXPECT_FALSE(eth1.attributes.driver.has_value());  // not listed: withdrawn
  EXPECT_TRUE(eth1.extra_counters.Empty());
  // The owner's next sample brings nothing back.
  store.ApplySample(kLocalSource, {Local("eth0"), Local("eth1")}, {2, 2});
  EXPECT_TRUE(store.Current()->interfaces.at(1)->record.extra_counters.Empty());
}

TEST(StoreSupplementsTest, AnUnchangedPassPublishesNothing) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.ApplySample(kLocalSource, {Local("eth0")}, {1, 1});
  store.ApplySupplements("ethtool", {Supplied("eth0", 1)});
  const uint64_t generation = store.Current()->generation;
  store.ApplySupplements("ethtool", {Supplied("eth0", 1)});
  EXPECT_EQ(store.Current()->generation, generation);
  store.ApplySupplements("ethtool", {Supplied("eth0", 2)});
  EXPECT_GT(store.Current()->generation, generation);
}

TEST_F(StoreTest, RetainSourcesRemovesOnlyTheOthers) {
  InterfaceRecord port;
  port.key = {"sw1", "3"};
  port.name = "Gi0/3";
  store_.ApplySample("sw1", {port}, {1, 1});
  store_.ApplySample(kLocalSource, {Local("eth0")}, {1, 1});
  EXPECT_EQ(store_.RetainSources({std::string(kLocalSource), "sw2"}), 1u);
  EXPECT_EQ(Names(store_), (std::vector<std::string>{"eth0"}));
  EXPECT_EQ(store_.RetainSources({std::string(kLocalSource)}), 0u);
}

TEST_F(StoreTest, NewAnalyticsSettingsKeepCountsAndMatchingWindows) {
  InterfaceRecord up = WithState(Local("eth0", 2), OperState::kUp);
  store_.ApplyLinkEvent(up, {1, 1});
  store_.ApplyLinkEvent(WithState(Local("eth0", 2), OperState::kDown), {2, 2});
  store_.ApplyLinkEvent(up, {3, 3});
  for (int t = 10; t <= 40; t += 10) {
    InterfaceRecord sample = Local("eth0", 2);
    sample.attributes.speed_bps = 1'000'000;
    sample.counters.Set(Counter::kReceiveBytes, static_cast<uint64_t>(t) * 1000);
    sample.counters.Set(Counter::kTransmitBytes, 0);
    store_.ApplySample(kLocalSource, {sample}, {static_cast<double>(t), static_cast<double>(t)});
  }
  const auto before = store_.Current()->interfaces.at(0);
  ASSERT_TRUE(before->derived.window_utilization[0].average.has_value());
  const uint64_t transitions = before->link.transitions_down;

  auto settings = std::make_shared<AnalyticsSettings>();
  auto windows = std::make_shared<AnalyticsWindows>(*settings->windows);
  // 1m kept (now second), 5m and 1h dropped, 15m new.
  windows->utilization = {AnalyticsWindow{"15m", 900}, windows->utilization.at(0)};
  settings->windows = windows;
  settings->anomaly_enabled = false;
  store_.SetAnalyticsSettings(settings);

  const auto after = store_.Current()->interfaces.at(0);
  EXPECT_EQ(after->link.transitions_down, transitions);
  EXPECT_EQ(transitions, 1u);
  EXPECT_EQ(after->derived.windows->utilization.size(), 2u);
  EXPECT_FALSE(after->derived.window_utilization[0].average.has_value());  // 15m: new, empty
  EXPECT_EQ(after->derived.window_utilization[1], before->derived.window_utilization[0]);
  EXPECT_FALSE(after->derived.anomaly.enabled.Has(AnomalyKind::kSpike));
  // The published view before the change is untouched (scrapes may still hold it).
  EXPECT_EQ(before->derived.windows->utilization.size(), 3u);
}

}  // namespace
}  // namespace netif
