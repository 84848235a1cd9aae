#include "collectors/snmp/oid.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(OidTest, ParsesAndFormats) {
  EXPECT_EQ(ParseOid("1.3.6.1.2.1.1.3.0"), (Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}));
  EXPECT_EQ(ParseOid(".1.3.6"), (Oid{1, 3, 6}));
  EXPECT_EQ(ParseOid("4294967295"), (Oid{4294967295u}));
  for (const char* bad : {"", ".", "1..3", "1.3.", "1.x", "4294967296", "1.-3", " 1"}) {
    EXPECT_EQ(ParseOid(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(FormatOid(Oid{1, 3, 6, 1}), "1.3.6.1");
  EXPECT_EQ(FormatOid(Oid{}), "");
}

TEST(OidTest, OrderAndPrefix) {
  const Oid a{1, 3, 6, 1, 2};
  EXPECT_TRUE(OidStartsWith(a, Oid{1, 3, 6}));
  EXPECT_TRUE(OidStartsWith(a, a));
  EXPECT_FALSE(OidStartsWith(Oid{1, 3}, a));
  EXPECT_FALSE(OidStartsWith(a, Oid{1, 3, 7}));
  EXPECT_EQ(CompareOids(a, Oid{1, 3, 6, 1, 2}), std::strong_ordering::equal);
  EXPECT_EQ(CompareOids(Oid{1, 3, 6}, a), std::strong_ordering::less);      // a prefix comes first
  EXPECT_EQ(CompareOids(Oid{1, 3, 10}, a), std::strong_ordering::greater);  // numeric, not text
}

}  // namespace
}  // namespace netif
