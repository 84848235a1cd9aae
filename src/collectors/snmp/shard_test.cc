#include "collectors/snmp/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace netif {
namespace {

TEST(ShardTest, Fnv1aReferenceValues) {
  // Published FNV-1a 32-bit test vectors.
  EXPECT_EQ(Fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(Fnv1a32("foobar"), 0xbf9cf968u);
}

TEST(ShardTest, EveryTargetInExactlyOneShardAndSpreadEvenly) {
  constexpr uint32_t kShards = 4;
  std::vector<int> per_shard(kShards);
  for (int i = 0; i < 4000; ++i) {
    const std::string name = "sw" + std::to_string(i) + ".example.net";
    int owners = 0;
    for (uint32_t s = 0; s < kShards; ++s) {
      if (InSnmpShard(name, Shard{s, kShards})) {
        ++owners;
        ++per_shard[s];
      }
    }
    EXPECT_EQ(owners, 1) << name;
  }
  for (int count : per_shard) {
    EXPECT_GT(count, 850);
    EXPECT_LT(count, 1150);
  }
}

TEST(ShardTest, OneShardTakesEverything) {
  EXPECT_TRUE(InSnmpShard("anything", Shard{}));
  EXPECT_TRUE(InSnmpShard("", Shard{0, 1}));
}

}  // namespace
}  // namespace netif
