#include "util/segmented_body.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace netif {
namespace {

std::string Letters(std::size_t n, char first) {
  std::string text(n, first);
  for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>(first + i % 26);
  return text;
}

// Segments rendered on three threads, of sizes around the 64 KiB chunk, some slow, come out in the
// order they were written and submitted, interleaved with the text written in between.
TEST(SegmentedBodyTest, SendsTextAndSegmentsInOrder) {
  WorkPool pool(3);
  IdentityEncoding identity;
  std::string sent;
  std::vector<std::size_t> piece_sizes;
  SegmentedBody body(pool, identity, [&](std::string_view piece) {
    sent.append(piece);
    piece_sizes.push_back(piece.size());
  });
  std::string expected;
  int n = 0;
  for (std::size_t size : {0, 1, 65535, 65536, 65537, 300000, 7}) {
    const std::string written = Letters(size, 'a');
    body.text().Append(written);
    expected += written;
    const std::string rendered = Letters(size + 10, 'A');
    const bool slow = n++ % 2 == 0;
    body.Submit([rendered, slow](ChunkedBuffer& out) {
      if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      // Line by line, as the renderer writes.
      for (std::size_t at = 0; at < rendered.size(); at += 50) out.Append(rendered.substr(at, 50));
    });
    expected += rendered;
  }
  ASSERT_TRUE(body.Finish());
  EXPECT_EQ(sent, expected);
  for (const std::size_t size : piece_sizes) EXPECT_GT(size, 0u);  // no empty pieces
}

TEST(SegmentedBodyTest, DrainReturnsOnlyOnceEverySegmentIsRenderedAndSent) {
  WorkPool pool(2);
  IdentityEncoding identity;
  std::string sent;
  SegmentedBody body(pool, identity, [&](std::string_view piece) { sent.append(piece); });
  std::atomic<int> rendered = 0;
  for (int i = 0; i < 20; ++i) {
    body.Submit([&rendered](ChunkedBuffer& out) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      out.Append("x");
      ++rendered;
    });
  }
  body.Drain();
  EXPECT_EQ(rendered.load(), 20);
  EXPECT_EQ(sent, std::string(20, 'x'));
}

// An encoding whose second segment fails: what comes after it is not sent, and Finish says so.
class FailingSecondSegment final : public SegmentEncoding {
 public:
  void Begin(const Sink& sink) override { sink("begin|"); }
  void Encode(const SegmentRender& render, ChunkPool& chunks, EncodedSegment& out) const override {
    identity_.Encode(render, chunks, out);
    if (!out.pieces.empty() && out.pieces[0].text().starts_with("fail")) out.ok = false;
  }
  void EncodeText(Chunk text, ChunkPool& chunks, EncodedSegment& out) const override {
    identity_.EncodeText(std::move(text), chunks, out);
  }
  void Sent(const EncodedSegment&) override { ++sent_segments; }
  bool End(const Sink& sink) override {
    sink("|end");
    return true;
  }
  int sent_segments = 0;

 private:
  IdentityEncoding identity_;
};

TEST(SegmentedBodyTest, AFailedSegmentStopsTheBodyAndFinishSaysSo) {
  WorkPool pool(2);
  FailingSecondSegment encoding;
  std::string sent;
  SegmentedBody body(pool, encoding, [&](std::string_view piece) { sent.append(piece); });
  body.Submit([](ChunkedBuffer& out) { out.Append("one|"); });
  body.Submit([](ChunkedBuffer& out) { out.Append("fail|"); });
  body.Submit([](ChunkedBuffer& out) { out.Append("three|"); });
  EXPECT_FALSE(body.Finish());
  EXPECT_EQ(sent, "begin|one|");
  EXPECT_EQ(encoding.sent_segments, 1);
}

// Identity text costs nothing to encode: it goes out from the calling thread, without waiting for
// a pool thread, even when every pool thread is busy.
TEST(SegmentedBodyTest, IdentityTextDoesNotWaitForThePool) {
  WorkPool pool(1);
  Completion release;
  Completion started;
  pool.Submit([&] {
    started.Done();
    release.Wait();
  });
  started.Wait();
  IdentityEncoding identity;
  std::string sent;
  {
    SegmentedBody body(pool, identity, [&](std::string_view piece) { sent.append(piece); });
    const std::string text = Letters(1'000'000, 'a');  // 16 chunks, over the in-flight bound
    body.text().Append(text);
    body.Drain();  // would wait forever for the occupied pool if the text went through it
    EXPECT_EQ(sent, text);
    release.Done();
    ASSERT_TRUE(body.Finish());
  }
}

}  // namespace
}  // namespace netif
