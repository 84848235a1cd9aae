#include "http/gzip.h"

#include <gtest/gtest.h>

#include <string>

#include "http/gzip_encoding.h"
#include "support/http_client.h"
#include "util/segmented_body.h"
#include "util/work_pool.h"

namespace netif {
namespace {

std::string Lines(std::size_t bytes, std::string_view device) {
  std::string text;
  while (text.size() < bytes) {
    text += "netif_up{device=\"" + std::string(device) + std::to_string(text.size()) + "\"} 1\n";
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
