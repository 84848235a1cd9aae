#include "http/gzip.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "http/gzip_encoding.h"
#include "http/gzip_reader.h"
#include "support/http_client.h"
#include "util/segmented_body.h"
#include "util/work_pool.h"

namespace netif {
namespace {

std::string Lines(std::size_t bytes, std::string_view device) {
  std::string text;
  while (text.size() < bytes) {
    text +=
        "netif_admin_up{device=\"" + std::string(device) + std::to_string(text.size()) + "\"} 1\n";
  }
  text.resize(bytes);
  return text;
}

// Text written serially and segments rendered on three threads (finishing out of order), in sizes
// around the 64 KiB render buffer and deflate's 32 KiB window, make one member of their text in
// order.
TEST(GzipEncodingTest, JoinsTextAndSegmentsDeflatedOnSeveralThreadsIntoOneMember) {
  WorkPool pool(3);
  GzipEncoding encoding;
  std::string expected;
  std::string compressed;
  SegmentedBody body(pool, encoding, [&](std::string_view piece) { compressed.append(piece); });
  int n = 0;
  for (std::size_t size : {0, 1, 100, 32767, 32768, 65536, 65537, 5, 200000, 3}) {
    const std::string written = Lines(size, "text" + std::to_string(n));
    body.text().Append(written);
    expected += written;
    const std::string rendered = Lines(size * 3, "segment" + std::to_string(n++));
    body.Submit([rendered](ChunkedBuffer& out) { out.Append(rendered); });
    expected += rendered;
  }
  ASSERT_TRUE(body.Finish());
  EXPECT_LT(compressed.size(), expected.size() / 4);
  EXPECT_EQ(testing_support::Gunzip(compressed), expected);
}

TEST(GzipEncodingTest, AnEmptyBodyIsAValidMember) {
  WorkPool pool(1);
  GzipEncoding encoding;
  std::string compressed;
  SegmentedBody body(pool, encoding, [&](std::string_view piece) { compressed.append(piece); });
  body.Submit([](ChunkedBuffer&) {});
  ASSERT_TRUE(body.Finish());
  EXPECT_EQ(testing_support::Gunzip(compressed), "");
}

// A family without samples renders nothing: its segment must not add an empty deflate block.
TEST(GzipEncodingTest, EmptySegmentsAddNoBytes) {
  WorkPool pool(2);
  const auto compress = [&pool](int empty_segments) {
    GzipEncoding encoding;
    std::string compressed;
    SegmentedBody body(pool, encoding, [&](std::string_view piece) { compressed.append(piece); });
    body.text().Append("a 1\n");
    for (int i = 0; i < empty_segments; ++i) body.Submit([](ChunkedBuffer&) {});
    EXPECT_TRUE(body.Finish());
    return compressed;
  };
  EXPECT_EQ(compress(3), compress(0));
  EXPECT_EQ(testing_support::Gunzip(compress(3)), "a 1\n");
}

// What the server holds for a scrape: the member GzipEncoding makes of `text`, in segments.
std::string Deflate(WorkPool& pool, const std::string& text, uint64_t* text_length = nullptr) {
  GzipEncoding encoding;
  std::string compressed;
  SegmentedBody body(pool, encoding, [&](std::string_view piece) { compressed.append(piece); });
  const std::size_t half = text.size() / 2;
  body.text().Append(std::string_view(text).substr(0, half));
  const std::string rest = text.substr(half);
  body.Submit([rest](ChunkedBuffer& out) { out.Append(rest); });
  EXPECT_TRUE(body.Finish());
  if (text_length != nullptr) *text_length = encoding.text_length();
  return compressed;
}

// Reads everything in pieces of at most `piece` bytes; nullopt if a read fails.
std::optional<std::string> ReadAll(GunzipReader& reader, std::size_t piece) {
  std::string text;
  std::string buffer(piece, '\0');
  for (int reads = 0; reads < 1'000'000; ++reads) {
    const auto read = reader.Read(buffer.data(), buffer.size());
    if (!read) return std::nullopt;
    if (*read == 0) return text;
    EXPECT_LE(*read, piece);
    text.append(buffer.data(), *read);
  }
  ADD_FAILURE() << "the reader never reached the end";
  return std::nullopt;
}

// Pieces of one byte, of deflate's window, of the server's piece and larger than the text: each
// read fills its buffer but at the end, and the pieces join into the text.
TEST(GunzipReaderTest, ReadsTheTextBackInPiecesOfAnySize) {
  WorkPool pool(2);
  const std::string text = Lines(300'000, "veth");
  uint64_t text_length = 0;
  const std::string member = Deflate(pool, text, &text_length);
  EXPECT_EQ(text_length, text.size());
  for (const std::size_t piece :
       {std::size_t{1}, std::size_t{32768}, std::size_t{65536}, std::size_t{1'000'000}}) {
    GunzipReader reader(member);
    EXPECT_EQ(ReadAll(reader, piece), text) << piece;
  }
}

TEST(GunzipReaderTest, AnEmptyTextEndsAtOnce) {
  WorkPool pool(1);
  const std::string member = Deflate(pool, "");
  GunzipReader reader(member);
  EXPECT_EQ(ReadAll(reader, 100), "");
}

// A member cut short or corrupted fails (the server then closes the connection), never loops or
// returns a short text as complete.
TEST(GunzipReaderTest, ACutOrCorruptMemberFails) {
  WorkPool pool(1);
  const std::string text = Lines(100'000, "eth");
  const std::string member = Deflate(pool, text);
  for (const std::size_t length :
       {std::size_t{0}, std::size_t{5}, member.size() / 2, member.size() - 1}) {
    const std::string cut = member.substr(0, length);
    GunzipReader reader(cut);
    EXPECT_EQ(ReadAll(reader, 4096), std::nullopt) << length;
  }
  std::string corrupt = member;
  corrupt[corrupt.size() - 5] ^= 0x55;  // the CRC-32 in the trailer
  GunzipReader reader(corrupt);
  EXPECT_EQ(ReadAll(reader, 4096), std::nullopt);
}

TEST(AcceptEncodingTest, RecognizesGzipAmongOthers) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("xgzip"));
}

}  // namespace
}  // namespace netif
