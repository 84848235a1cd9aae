#include "exposition/family_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace netif {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

ScrapeSelection ParseOk(std::vector<std::string> values) {
  auto parsed = ParseCollect(values);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *error;
    return {};
  }
  return std::get<ScrapeSelection>(parsed);
}

TEST(ParseCollectTest, NothingAskedIsEverything) {
  EXPECT_EQ(ParseOk({}), ScrapeSelection{});
  EXPECT_TRUE(ParseOk({}).Includes(FamilyGroup::kSelf));
}

TEST(ParseCollectTest, GroupsAndClassesNarrowIndependently) {
  const ScrapeSelection counters = ParseOk({"counters", "link"});
  EXPECT_TRUE(counters.Includes(FamilyGroup::kCounters));
  EXPECT_TRUE(counters.Includes(FamilyGroup::kLink));
  EXPECT_FALSE(counters.Includes(FamilyGroup::kAnalytics));
  EXPECT_FALSE(counters.Includes(FamilyGroup::kSelf));
  EXPECT_EQ(counters.classes, kAllDeviceClasses);

  const ScrapeSelection snmp = ParseOk({"snmp"});
  EXPECT_EQ(snmp.groups, kAllFamilyGroups);
  EXPECT_EQ(snmp.classes, MaskOf(DeviceClass::kSnmp));

  const ScrapeSelection both = ParseOk({"physical", "analytics", "virtual-other", "analytics"});
  EXPECT_EQ(both.classes, MaskOf(DeviceClass::kPhysical) | MaskOf(DeviceClass::kVirtualOther));
  EXPECT_TRUE(both.Includes(FamilyGroup::kAnalytics));
  EXPECT_FALSE(both.Includes(FamilyGroup::kCounters));
}

TEST(ParseCollectTest, UnknownValueNamesTheValidOnes) {
  auto parsed = ParseCollect(std::vector<std::string>{"counters", "netdev"});
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  EXPECT_EQ(std::get<std::string>(parsed),
            "unknown collect[] value \"netdev\"; valid: counters, link, analytics, ethtool, "
            "compat, self, physical, veth, bridge, virtual-other, snmp");
}

TEST(ParseCollectTest, TheClientsValueIsQuotedShortAndPrintable) {
  auto parsed = ParseCollect(std::vector<std::string>{"a\nb\x01" + std::string(100, 'x')});
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  const std::string& error = std::get<std::string>(parsed);
  EXPECT_THAT(error, StartsWith("unknown collect[] value \"a?b?xxx"));
  EXPECT_THAT(error, HasSubstr("xxx...\"; valid:"));
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(FamilyFilterTest, DefaultServesEverything) {
  const FamilyFilter filter;
  for (std::size_t i = 0; i < InterfaceMetricCatalogue().size(); ++i) {
    EXPECT_EQ(filter.ForCatalogue(i), kAllDeviceClasses);
  }
  EXPECT_EQ(filter.ForName("netif_whatever_total"), kAllDeviceClasses);
}

TEST(FamilyFilterTest, RuleRunsOncePerFamily) {
  std::atomic<int> calls{0};
  const FamilyFilter filter([&calls](std::string_view family) -> DeviceClassMask {
    ++calls;
    return family.starts_with("netif_receive") ? MaskOf(DeviceClass::kVeth) : 0;
  });
  const int catalogue_calls = calls.load();
  EXPECT_EQ(catalogue_calls, static_cast<int>(InterfaceMetricCatalogue().size()));
  EXPECT_EQ(filter.ForName("netif_receive_crc_errors_total"), MaskOf(DeviceClass::kVeth));
  EXPECT_EQ(filter.ForName("netif_receive_crc_errors_total"), MaskOf(DeviceClass::kVeth));
  EXPECT_EQ(filter.ForName("netif_transmit_window_errors_total"), 0);
  EXPECT_EQ(calls.load(), catalogue_calls + 2);
}

TEST(FamilyGroupTest, CataloguePartsAndNameRules) {
  for (const MetricDefinition& definition : InterfaceMetricCatalogue()) {
    if (definition.name == "netif_receive_bytes_total") {
      EXPECT_EQ(GroupOf(definition), FamilyGroup::kCounters);
    }
    if (definition.name == "netif_oper_up") {
      EXPECT_EQ(GroupOf(definition), FamilyGroup::kLink);
    }
    if (definition.name == "netif_anomaly") {
      EXPECT_EQ(GroupOf(definition), FamilyGroup::kAnalytics);
    }
  }
  constexpr ExtraCounterDefinition kCrc{"netif_receive_crc_errors_total", "CRC errors."};
  constexpr ExtraCounterDefinition kEthtool{"netif_ethtool_rx_missed_total", "Missed."};
  constexpr ExtraCounterDefinition kCompat{"node_network_receive_bytes_total", "Bytes."};
  EXPECT_EQ(GroupOf(ExtraCounterFamily(kCrc)), FamilyGroup::kCounters);
  EXPECT_EQ(GroupOf(ExtraCounterFamily(kEthtool)), FamilyGroup::kEthtool);
  EXPECT_EQ(GroupOf(ExtraCounterFamily(kCompat)), FamilyGroup::kCompat);
  EXPECT_EQ(FamilyGroupName(FamilyGroup::kSelf), "self");
}

}  // namespace
}  // namespace netif
