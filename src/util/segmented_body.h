// A response body whose parts are rendered on the work pool, several at once, and still go out in
// order, each encoded (sent as it is, or deflated) on the thread that rendered it.
//
// A large scrape is megabytes of text in dozens of metric families. Each family is a segment:
// a pool thread renders it into chunks and encodes them while they are still in its cache; the
// thread serving the scrape only waits for the oldest segment and sends its bytes. Text the caller
// writes itself (text()) becomes segments of its own, in order with the submitted ones.
//
// Thread-safety: a SegmentedBody is used by one thread; the encoding's Encode runs on pool threads
// concurrently, its other methods on that one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "util/chunked_buffer.h"
#include "util/work_pool.h"

namespace netif {

// Writes a segment's text.
using SegmentRender = std::function<void(ChunkedBuffer&)>;

// A segment once encoded, ready to send.
struct EncodedSegment {
  std::vector<Chunk> pieces;  // sent in order
  uint64_t text_bytes = 0;    // the text before encoding
  uint32_t text_crc32 = 0;    // of the text, for encodings that need it (gzip's trailer)
  bool ok = true;             // false: the encoder failed (out of memory)
};

// How segments are turned into bytes on the wire. The body is Begin(), each segment's pieces in
// order (each followed by Sent()), then End().
class SegmentEncoding {
 public:
  using Sink = std::function<void(std::string_view)>;
  virtual ~SegmentEncoding() = default;

  virtual void Begin(const Sink& sink) = 0;
  // On a pool thread: encodes what `render` writes into `out`, its pieces taken from `chunks`.
  virtual void Encode(const SegmentRender& render, ChunkPool& chunks,
                      EncodedSegment& out) const = 0;
  // The same for text already written (passed on as it is where the encoding allows).
  virtual void EncodeText(Chunk text, ChunkPool& chunks, EncodedSegment& out) const = 0;
  // False when EncodeText costs nothing: the body then runs it on the calling thread, where a
  // trip through the pool would only add two thread switches per chunk.
  virtual bool EncodingTextTakesWork() const { return true; }
  // After a segment's pieces went out, on the sending thread.
  virtual void Sent(const EncodedSegment& segment) = 0;
  // False when the body is not valid in this encoding (a segment failed to encode).
  virtual bool End(const Sink& sink) = 0;
};

// The text as it is.
class IdentityEncoding final : public SegmentEncoding {
 public:
  void Begin(const Sink&) override {}
  void Encode(const SegmentRender& render, ChunkPool& chunks, EncodedSegment& out) const override;
  void EncodeText(Chunk text, ChunkPool& chunks, EncodedSegment& out) const override;
  bool EncodingTextTakesWork() const override { return false; }
  void Sent(const EncodedSegment&) override {}
  bool End(const Sink&) override { return true; }
};

class SegmentedBody {
 public:
  using Sink = SegmentEncoding::Sink;

  // `sink` receives the encoded body in order, in pieces, on the calling thread. `encoding` must
  // outlive the body.
  SegmentedBody(WorkPool& pool, SegmentEncoding& encoding, Sink sink);
  ~SegmentedBody();  // waits for segments still on the pool (they write into our chunks)
  SegmentedBody(const SegmentedBody&) = delete;
  SegmentedBody& operator=(const SegmentedBody&) = delete;

  // Text written here goes out after everything written or submitted before it.
  ChunkedBuffer& text() { return text_; }

  // Renders a segment on the pool. `render` may run after Submit returns: what it reads must live
  // until the next Drain() or Finish().
  void Submit(SegmentRender render);

  // Sends everything written and submitted so far. Afterwards no pool thread runs a render given
  // to Submit, so what they read may go.
  void Drain();

  // Drain(), then the encoding's end. False when the body sent is not valid (an encoder failed:
  // the headers are long gone, so the caller can only drop the connection).
  bool Finish();

 private:
  struct Segment {
    EncodedSegment encoded;
    Completion encoded_done;
  };
  // Queues a segment whose encoding `job` runs on the pool, sending the oldest first when enough
  // are in flight to keep every pool thread busy.
  void Queue(std::function<void(EncodedSegment&)> job);
  // The same, with `job` run here and now.
  void QueueDone(const std::function<void(EncodedSegment&)>& job);
  // Room for one more segment in flight: sends the oldest when there is none.
  void MakeRoom();
  void SendOldest();

  WorkPool& pool_;
  SegmentEncoding& encoding_;
  Sink sink_;
  ChunkPool chunks_;
  ChunkedBuffer text_;
  std::deque<std::unique_ptr<Segment>> in_flight_;
  const std::size_t max_in_flight_;
  bool failed_ = false;
};

}  // namespace netif
