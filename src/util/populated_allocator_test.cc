#include "util/populated_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace netif {
namespace {

struct Item {
  uint64_t a = 7;
  char bytes[120] = {};
};

// Below and above the mapping threshold, the memory is usable, value-initialized by the container
// and given back without complaint (ASan checks the small ones, munmap's result the large ones).
TEST(PopulatedAllocatorTest, SmallAndLargeArraysAreUsableAndInitialized) {
  for (const std::size_t count : {1u, 100u, 1'000u, 10'000u, 40'000u}) {
    auto items = std::allocate_shared<Item[]>(PopulatedAllocator<Item>(), count);
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_EQ(items[i].a, 7u) << count;
      ASSERT_EQ(items[i].bytes[119], 0) << count;
      items[i].bytes[i % 120] = 1;
    }
    // Aliasing pointers keep the block alive after the owner goes, as the store's views do.
    std::shared_ptr<Item> last(items, &items[count - 1]);
    items.reset();
    EXPECT_EQ(last->a, 7u);
  }
}

TEST(PopulatedAllocatorTest, WorksAsAVectorAllocator) {
  std::vector<uint64_t, PopulatedAllocator<uint64_t>> values;
  for (uint64_t i = 0; i < 100'000; ++i) values.push_back(i);  // grows across the threshold
  uint64_t sum = 0;
  for (const uint64_t v : values) sum += v;
  EXPECT_EQ(sum, 100'000ull * 99'999 / 2);
}

}  // namespace
}  // namespace netif
