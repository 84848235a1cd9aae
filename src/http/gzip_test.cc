#include "http/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "http/parallel_gzip.h"

namespace netif {
namespace {

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  inflateInit2(&stream, 15 + 16);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(GzipTest, RoundTrips) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "netif_receive_bytes_total{device=\"veth" + std::to_string(i) + "\"} 12345\n";
  std::string compressed;
  ASSERT_TRUE(GzipCompress(text, compressed));
  EXPECT_LT(compressed.size(), text.size() / 4);
  EXPECT_EQ(Gunzip(compressed), text);
}

TEST(GzipTest, CompressesEmptyInput) {
  std::string compressed;
  ASSERT_TRUE(GzipCompress("", compressed));
  EXPECT_EQ(Gunzip(compressed), "");
}

// Pieces of every size around deflate's 32 KiB window, on a pool of three threads, so chunks finish
// out of order and each is primed with its predecessor's tail.
TEST(ParallelGzipTest, JoinsChunksDeflatedOnSeveralThreadsIntoOneMember) {
  WorkPool pool(3);
  std::string body;
  std::string compressed;
  {
    ParallelGzip gzip(pool, [&](std::string_view piece) { compressed.append(piece); });
    for (std::size_t size : {0, 1, 100, 32767, 32768, 32769, 70000, 5, 200000, 3}) {
      std::string piece;
      while (piece.size() < size)
        piece += "netif_up{device=\"veth" + std::to_string(piece.size()) + "\"} 1\n";
      piece.resize(size);
      body += piece;
      gzip.Write(piece);
    }
    ASSERT_TRUE(gzip.Finish());
  }
  EXPECT_LT(compressed.size(), body.size() / 4);
  EXPECT_EQ(Gunzip(compressed), body);
}

TEST(ParallelGzipTest, AnEmptyBodyIsAValidMember) {
  WorkPool pool(1);
  std::string compressed;
  ParallelGzip gzip(pool, [&](std::string_view piece) { compressed.append(piece); });
  ASSERT_TRUE(gzip.Finish());
  EXPECT_EQ(Gunzip(compressed), "");
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
