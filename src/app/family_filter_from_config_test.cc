#include "app/family_filter_from_config.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/config.h"

namespace netif {
namespace {

std::size_t CatalogueIndex(std::string_view name) {
  const auto catalogue = InterfaceMetricCatalogue();
  const auto it = std::find_if(catalogue.begin(), catalogue.end(),
                               [name](const MetricDefinition& d) { return d.name == name; });
  EXPECT_NE(it, catalogue.end()) << name;
  return static_cast<std::size_t>(it - catalogue.begin());
}

TEST(FamilyFilterFromConfigTest, ConfigClassNamesAreTheModelsClasses) {
  ASSERT_EQ(kMetricsClassNames.size(), kDeviceClasses.size());
  for (std::size_t i = 0; i < kDeviceClasses.size(); ++i) {
    EXPECT_EQ(kMetricsClassNames[i], DeviceClassName(kDeviceClasses[i]));
  }
}

TEST(FamilyFilterFromConfigTest, MasksFollowTheClassesSets) {
  auto parsed = ParseConfigYaml(
      "metrics:\n  exclude: [netif_anomaly_score]\n  classes:\n    veth: compact\n", "x.yml");
  ASSERT_TRUE(std::holds_alternative<Config>(parsed)) << std::get<std::string>(parsed);
  const auto filter = FamilyFilterFromConfig(std::get<Config>(parsed).metrics);
  const DeviceClassMask all_but_veth = kAllDeviceClasses & ~MaskOf(DeviceClass::kVeth);
  EXPECT_EQ(filter->ForCatalogue(CatalogueIndex("netif_receive_bytes_total")), kAllDeviceClasses);
  EXPECT_EQ(filter->ForCatalogue(CatalogueIndex("netif_utilization_ratio")), all_but_veth);
  EXPECT_EQ(filter->ForCatalogue(CatalogueIndex("netif_anomaly_score")), 0);
  EXPECT_EQ(filter->ForCatalogue(CatalogueIndex("netif_receive_bytes_per_second")), 0);
  // A family outside the catalogue (an extra counter), by name, asked twice.
  EXPECT_EQ(filter->ForName("netif_receive_crc_errors_total"), 0);
  EXPECT_EQ(filter->ForName("netif_receive_nohandler_total"), all_but_veth);
  EXPECT_EQ(filter->ForName("netif_receive_nohandler_total"), all_but_veth);
}

}  // namespace
}  // namespace netif
