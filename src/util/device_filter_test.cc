#include "util/device_filter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace netif {
namespace {

TEST(DeviceFilterTest, EmptyFilterAllowsEverything) {
  DeviceFilter filter;
  EXPECT_TRUE(filter.Allows("eth0"));
  EXPECT_TRUE(filter.Allows(""));
}

TEST(DeviceFilterTest, PatternsAreFullyAnchored) {
  DeviceFilter filter("eth.*", "");
  EXPECT_TRUE(filter.Allows("eth0"));
  EXPECT_FALSE(filter.Allows("veth0"));  // unanchored matching would let this through
}

TEST(DeviceFilterTest, ExcludeWinsOverInclude) {
  DeviceFilter filter("(eth|veth).*", "veth.*|lo");
  EXPECT_TRUE(filter.Allows("eth0"));
  EXPECT_FALSE(filter.Allows("veth12"));
  EXPECT_FALSE(filter.Allows("lo"));
  EXPECT_FALSE(filter.Allows("docker0"));
}

TEST(DeviceFilterTest, ExcludeAloneKeepsTheRest) {
  DeviceFilter filter("", "lo");
  EXPECT_FALSE(filter.Allows("lo"));
  EXPECT_TRUE(filter.Allows("lo0"));
}

TEST(DeviceFilterTest, CatastrophicPatternAnswersAtOnce) {
  const DeviceFilter filter("(v*)*x", "");
  EXPECT_FALSE(filter.Allows(std::string(64, 'v')));
}

TEST(DeviceFilterTest, InvalidPatternThrows) {
  EXPECT_THROW(DeviceFilter("([", ""), std::invalid_argument);
}

}  // namespace
}  // namespace netif
