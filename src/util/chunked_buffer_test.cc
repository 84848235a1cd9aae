#include "util/chunked_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace netif {
namespace {

TEST(ChunkedBufferTest, HandsOverPiecesNoLargerThanTheChunkInOrder) {
  std::vector<std::string> pieces;
  ChunkedBuffer buffer(8, [&](std::string_view piece) { pieces.emplace_back(piece); });
  buffer.Append("abc");
  buffer.Append("defg");
  EXPECT_TRUE(pieces.empty());  // 7 bytes fit in 8
  buffer.Append("hij");         // would make 10: the first 7 go out first
  buffer.Flush();
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0], "abcdefg");
  EXPECT_EQ(pieces[1], "hij");
}

TEST(ChunkedBufferTest, AWriteLargerThanTheChunkGrowsTheBuffer) {
  std::string joined;
  ChunkedBuffer buffer(4, [&](std::string_view piece) { joined.append(piece); });
  buffer.Append("ab");
  buffer.Append("0123456789");
  buffer.Append("z");
  buffer.Flush();
  EXPECT_EQ(joined, "ab0123456789z");
}

TEST(ChunkedBufferTest, ReserveAndCommitWriteThroughTheCursor) {
  std::string joined;
  ChunkedBuffer buffer(16, [&](std::string_view piece) { joined.append(piece); });
  char* cursor = buffer.Reserve(10);  // reserve more than is written
  cursor[0] = 'x';
  cursor[1] = 'y';
  buffer.Commit(cursor + 2);
  buffer.Flush();
  buffer.Flush();  // nothing left: the sink is not called with an empty piece
  EXPECT_EQ(joined, "xy");
}

TEST(ChunkedBufferTest, HandoffPassesFullChunksWholeAndTakesFreshOnesFromThePool) {
  ChunkPool pool(8);
  std::vector<Chunk> chunks;
  ChunkedBuffer buffer(pool, [&](Chunk chunk) { chunks.push_back(std::move(chunk)); });
  buffer.Flush();
  EXPECT_TRUE(chunks.empty());  // nothing written, nothing handed over
  buffer.Append("abcdefg");
  EXPECT_TRUE(chunks.empty());  // 7 bytes fit in 8
  buffer.Append("hij");         // does not fit: the first chunk goes as it is
  buffer.Append("0123456789");  // larger than a chunk: one of its own
  buffer.Flush();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].text(), "abcdefg");
  EXPECT_EQ(chunks[1].text(), "hij");
  EXPECT_EQ(chunks[2].text(), "0123456789");
  EXPECT_EQ(chunks[0].capacity, 8u);
  EXPECT_EQ(chunks[2].capacity, 10u);
}

TEST(ChunkPoolTest, ReusesChunksGivenBackAndDropsOthers) {
  ChunkPool pool(16);
  Chunk chunk = pool.Take();
  chunk.size = 5;
  const char* storage = chunk.bytes.get();
  pool.Give(std::move(chunk));
  Chunk again = pool.Take();
  EXPECT_EQ(again.bytes.get(), storage);
  EXPECT_EQ(again.size, 0u);  // emptied
  EXPECT_EQ(again.capacity, 16u);
  pool.Give(Chunk{NewChunkBytes(99), 99, 0});
  EXPECT_EQ(pool.Take().capacity, 16u);  // the odd one was not kept
}

TEST(SpareChunksTest, APoolLeavesItsChunksToTheNextPoolUntilScrapesPause) {
  SpareChunks spares;
  const char* storage = nullptr;
  {
    ChunkPool first(64 * 1024, &spares);
    Chunk chunk = first.Take();
    storage = chunk.bytes.get();
    first.Give(std::move(chunk));
  }
  EXPECT_EQ(spares.size(), 1u);
  {
    ChunkPool second(64 * 1024, &spares);
    Chunk chunk = second.Take();
    EXPECT_EQ(chunk.bytes.get(), storage);  // the first pool's chunk, not a new mapping
    EXPECT_EQ(spares.size(), 0u);
    second.Give(std::move(chunk));
  }
  spares.ReleaseIfIdle(std::chrono::hours(1));  // just used: kept
  EXPECT_EQ(spares.size(), 1u);
  spares.ReleaseIfIdle(std::chrono::seconds(0));
  EXPECT_EQ(spares.size(), 0u);
}

TEST(SpareChunksTest, KeepsAtMostItsBoundAndOnlyChunksOfTheAskedCapacity) {
  SpareChunks spares;
  for (std::size_t i = 0; i < SpareChunks::kMaxChunks + 5; ++i) {
    spares.Put(Chunk{NewChunkBytes(64 * 1024), 64 * 1024, 7});
  }
  EXPECT_EQ(spares.size(), SpareChunks::kMaxChunks);
  EXPECT_EQ(spares.Take(1000).capacity, 0u);  // none of that capacity
  const Chunk taken = spares.Take(64 * 1024);
  EXPECT_EQ(taken.capacity, 64u * 1024);
  EXPECT_EQ(taken.size, 0u);  // emptied when kept
}

}  // namespace
}  // namespace netif
