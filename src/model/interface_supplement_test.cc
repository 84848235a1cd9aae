#include "model/interface_supplement.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

constexpr ExtraCounterDefinition kOwn{"netif_test_own_total", "The owner's."};
constexpr ExtraCounterDefinition kQueue{"netif_test_queue", "Supplied.", MetricType::kUntyped};
constexpr ExtraCounterDefinition kDropped{"netif_test_dropped", "Supplied.", MetricType::kUntyped};

InterfaceSupplement Supplement() {
  InterfaceSupplement supplement;
  supplement.key = {"local", "eth0"};
  supplement.driver = "e1000e";
  supplement.bus_info = "0000:00:1f.6";
  supplement.counters.Set(kQueue, 3);
  supplement.counters.Set(kDropped, 4);
  return supplement;
}

TEST(InterfaceSupplementTest, ApplyWritesDriverFactsAndCountersOverTheRecord) {
  InterfaceRecord record;
  record.attributes.mtu = 1500;
  record.attributes.driver_version = "owner's";
  record.extra_counters.Set(kOwn, 1);
  Supplement().ApplyTo(record);
  EXPECT_EQ(record.attributes.driver, "e1000e");
  EXPECT_EQ(record.attributes.bus_info, "0000:00:1f.6");
  EXPECT_EQ(record.attributes.driver_version, "owner's");  // the supplement does not know it
  EXPECT_EQ(record.attributes.mtu, 1500u);
  EXPECT_EQ(record.extra_counters.Get(kQueue), 3u);
  EXPECT_EQ(record.extra_counters.Get(kOwn), 1u);
}

TEST(InterfaceSupplementTest, WithdrawRemovesExactlyWhatApplyWrote) {
  InterfaceRecord record;
  record.attributes.mtu = 1500;
  record.attributes.driver_version = "owner's";
  record.extra_counters.Set(kOwn, 1);
  const InterfaceRecord before = record;
  const InterfaceSupplement supplement = Supplement();
  supplement.ApplyTo(record);
  supplement.WithdrawFrom(record);
  EXPECT_EQ(record.attributes, before.attributes);
  EXPECT_EQ(record.extra_counters, before.extra_counters);
}

TEST(InterfaceSupplementTest, APodIdentityIsAppliedAndWithdrawnWhole) {
  InterfaceRecord record;
  record.attributes.mtu = 1500;
  InterfaceSupplement supplement;
  supplement.pod = PodIdentity{"default", "web-0", "uid", "", "cni-1"};
  supplement.ApplyTo(record);
  ASSERT_TRUE(record.attributes.pod.has_value());
  EXPECT_EQ(record.attributes.pod->pod, "web-0");
  supplement.WithdrawFrom(record);
  EXPECT_FALSE(record.attributes.pod.has_value());
  EXPECT_EQ(record.attributes.mtu, 1500u);
}

TEST(InterfaceSupplementTest, ExtraCountersEraseOnlyTheOtherSetsDefinitions) {
  ExtraCounters counters;
  counters.Set(kOwn, 1);
  counters.Set(kQueue, 2);
  ExtraCounters withdrawn;
  withdrawn.Set(kQueue, 99);   // erased by definition, whatever the value
  withdrawn.Set(kDropped, 5);  // absent: nothing to erase
  counters.EraseDefinitionsOf(withdrawn);
  EXPECT_EQ(counters.Get(kOwn), 1u);
  EXPECT_FALSE(counters.Get(kQueue).has_value());
  EXPECT_EQ(counters.values().size(), 1u);
}

}  // namespace
}  // namespace netif
