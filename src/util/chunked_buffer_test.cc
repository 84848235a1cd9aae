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

TEST(ChunkedBufferTest, PassHandsOverALargePieceWholeAfterWhatIsBuffered) {
  std::vector<std::string> pieces;
  ChunkedBuffer buffer(8, [&](std::string_view piece) { pieces.emplace_back(piece); });
  buffer.Append("ab");
  buffer.Pass("0123456789");
  buffer.Pass("");
  buffer.Append("z");
  buffer.Flush();
  EXPECT_EQ(pieces, (std::vector<std::string>{"ab", "0123456789", "z"}));
}

}  // namespace
}  // namespace netif
