// Warm restart in the store: staged state is claimed by the interface it was saved for (key, and
// the ifindex for a local device), and dropped when nobody claims it.
#include "store/store.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

InterfaceRecord Local(std::string name, std::optional<uint32_t> ifindex, uint64_t bytes,
                      OperState state = OperState::kUp) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.labels = LocalDeviceLabels(name);
  record.name = name;
  record.attributes.ifindex = ifindex;
  record.attributes.oper_state = state;
  record.counters.Set(Counter::kReceiveBytes, bytes);
  record.counters.Set(Counter::kTransmitBytes, bytes);
  return record;
}

InterfaceRecord Port(std::string target, uint32_t if_index, uint64_t bytes) {
  InterfaceRecord record;
  record.key = {"snmp/" + target, std::to_string(if_index)};
  record.name = "port" + std::to_string(if_index);
  record.labels = {{"target", target}, {"ifIndex", std::to_string(if_index)}};
  record.counters.Set(Counter::kReceiveBytes, bytes);
  record.counters.Set(Counter::kTransmitBytes, bytes);
  return record;
}

const InterfaceView* Find(const Store& store, std::string_view id) {
  for (const auto& view : store.Current()->interfaces) {
    if (view->record.key.id == id) return view.get();
  }
  return nullptr;
}

// A store that saw eth0 (ifindex 2) flap twice and reset its counters once, and one SNMP port.
std::vector<SavedInterfaceState> SavedState() {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.ApplySample(kLocalSource, {Local("eth0", 2, 1000)}, {10, 1000});
  store.ApplyLinkEvent(Local("eth0", 2, 2000, OperState::kDown), {11, 1001});
  store.ApplyLinkEvent(Local("eth0", 2, 3000, OperState::kUp), {12, 1002});
  store.ApplySample(kLocalSource, {Local("eth0", 2, 10)}, {13, 1003});  // a reset
  store.ApplySample("snmp/sw1", {Port("sw1", 7, 500)}, {10, 1000});
  const InterfaceView* eth0 = Find(store, "eth0");
  EXPECT_EQ(eth0->link.transitions_down, 1u);
  EXPECT_EQ(eth0->derived.counter_resets, 1u);
  return store.SaveState();
}

TEST(StoreRestoreTest, SaveStateListsEveryInterfaceWithItsIfindex) {
  const auto states = SavedState();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].key, (InterfaceKey{"local", "eth0"}));
  EXPECT_EQ(states[0].ifindex, 2u);
  EXPECT_EQ(states[1].key, (InterfaceKey{"snmp/sw1", "7"}));
  EXPECT_FALSE(states[1].state.empty());
}

TEST(StoreRestoreTest, SameKeyAndIfindexTakesTheStateBack) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.StageRestoredState(SavedState(), {}, 100);
  EXPECT_EQ(store.StagedInterfaces(), 2u);
  store.ApplyLinkEvent(Local("eth0", 2, 20, OperState::kUp), {100, 2000});
  EXPECT_EQ(store.RestoredInterfaces(), 1u);
  const InterfaceView* eth0 = Find(store, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->link.transitions_down, 1u);
  EXPECT_EQ(eth0->link.transitions_up, 1u);
  EXPECT_EQ(eth0->derived.counter_resets, 1u);
  EXPECT_TRUE(eth0->derived.has_counters);
  // The transition count continues.
  store.ApplyLinkEvent(Local("eth0", 2, 30, OperState::kDown), {101, 2001});
  EXPECT_EQ(Find(store, "eth0")->link.transitions_down, 2u);
  // The SNMP port's state waits for its target's sample.
  store.ApplySample("snmp/sw1", {Port("sw1", 7, 900)}, {102, 2002});
  EXPECT_EQ(store.RestoredInterfaces(), 2u);
  EXPECT_EQ(store.StagedInterfaces(), 0u);
}

TEST(StoreRestoreTest, SameNameWithAnotherIfindexStartsFresh) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.StageRestoredState(SavedState(), {}, 100);
  store.ApplySample(kLocalSource, {Local("eth0", 5, 20)}, {100, 2000});
  EXPECT_EQ(store.RestoredInterfaces(), 0u);
  const InterfaceView* eth0 = Find(store, "eth0");
  ASSERT_NE(eth0, nullptr);
  EXPECT_EQ(eth0->link.transitions_down, 0u);
  EXPECT_EQ(eth0->derived.counter_resets, 0u);
}

TEST(StoreRestoreTest, UnclaimedStateIsDroppedAfterItsSourcesFirstSample) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.StageRestoredState(SavedState(), {}, 100);
  store.ApplySample(kLocalSource, {Local("eth1", 3, 20)}, {100, 2000});  // eth0 is gone
  EXPECT_EQ(store.StagedInterfaces(), 1u);  // the SNMP port still waits
  store.ApplyLinkEvent(Local("eth0", 2, 20), {101, 2001});
  EXPECT_EQ(store.RestoredInterfaces(), 0u);
  // Still staged state is saved again (its target may just be slow to answer).
  EXPECT_EQ(store.SaveState().size(), 3u);
}

TEST(StoreRestoreTest, UnclaimedStateIsDroppedAfterTheStagingTime) {
  Store store(std::make_shared<const AnalyticsSettings>());
  store.StageRestoredState(SavedState(), {}, 100, 60);
  store.ApplySample("snmp/other", {Port("other", 1, 1)}, {161, 2061});
  EXPECT_EQ(store.StagedInterfaces(), 0u);
  store.ApplySample("snmp/sw1", {Port("sw1", 7, 900)}, {162, 2062});
  EXPECT_EQ(store.RestoredInterfaces(), 0u);
}

TEST(StoreRestoreTest, CorruptStateStartsFresh) {
  auto states = SavedState();
  states[0].state.resize(states[0].state.size() / 2);
  Store store(std::make_shared<const AnalyticsSettings>());
  store.StageRestoredState(std::move(states), {}, 100);
  store.ApplySample(kLocalSource, {Local("eth0", 2, 20)}, {100, 2000});
  EXPECT_EQ(store.RestoredInterfaces(), 0u);
  EXPECT_EQ(Find(store, "eth0")->link.transitions_down, 0u);
}

TEST(StoreRestoreTest, CountersMeasureFromTheRestoredBaseline) {
  Store store(std::make_shared<const AnalyticsSettings>());
  // Saved at monotonic 13 / unix 1003; now it is unix 1013 (10 s later) and monotonic 5.
  RestoreOptions options;
  options.monotonic_shift = MonotonicShift(1003, 13, 1013, 5);
  store.StageRestoredState(SavedState(), options, 5);
  store.ApplySample(kLocalSource, {Local("eth0", 2, 10 + 8000)}, {5, 1013});
  const InterfaceView* eth0 = Find(store, "eth0");
  ASSERT_NE(eth0, nullptr);
  ASSERT_TRUE(eth0->derived.receive.bits_per_second.has_value());
  // 8000 bytes over the 10 s since the save.
  EXPECT_NEAR(*eth0->derived.receive.bits_per_second, 8000.0 * 8 / 10, 1e-6);
}

TEST(StoreRestoreTest, SaveStateListsEveryInterfaceAcrossItsLockSlices) {
  Store store(std::make_shared<const AnalyticsSettings>());
  InterfaceRecords records;
  for (int i = 0; i < 1000; ++i) {
    records.push_back(Local("v" + std::to_string(i), static_cast<uint32_t>(i + 2), 100));
  }
  store.ApplySample(kLocalSource, std::move(records), {10, 1000});
  const auto states = store.SaveState();
  ASSERT_EQ(states.size(), 1000u);
  for (std::size_t i = 1; i < states.size(); ++i) {
    EXPECT_LT(states[i - 1].key, states[i].key);  // each once, in key order
  }
}

}  // namespace
}  // namespace netif
