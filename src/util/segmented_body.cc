#include "util/segmented_body.h"

#include <utility>

namespace netif {
namespace {

// Chunks of a quarter of a typical L2 cache: a segment's text is encoded while still in it.
constexpr std::size_t kChunkBytes = 64 * 1024;

}  // namespace

void IdentityEncoding::Encode(const SegmentRender& render, ChunkPool& chunks,
                              EncodedSegment& out) const {
  ChunkedBuffer buffer(chunks, [&out](Chunk chunk) {
    out.text_bytes += chunk.size;
    out.pieces.push_back(std::move(chunk));
  });
  render(buffer);
  buffer.Flush();
}

void IdentityEncoding::EncodeText(Chunk text, ChunkPool&, EncodedSegment& out) const {
  out.text_bytes += text.size;
  out.pieces.push_back(std::move(text));
}

SegmentedBody::SegmentedBody(WorkPool& pool, SegmentEncoding& encoding, Sink sink)
    : pool_(pool),
      encoding_(encoding),
      sink_(std::move(sink)),
      chunks_(kChunkBytes, &SpareChunks::Shared()),
      text_(chunks_,
            [this](Chunk chunk) {
              // The chunk moves into the job (a std::function must be copyable, a Chunk is not).
              auto text = std::make_shared<Chunk>(std::move(chunk));
              auto job = [this, text](EncodedSegment& out) {
                encoding_.EncodeText(std::move(*text), chunks_, out);
              };
              if (encoding_.EncodingTextTakesWork()) {
                Queue(std::move(job));
              } else {
                QueueDone(job);
              }
            }),
      // Enough segments in flight to keep every pool thread busy while this one sends.
      max_in_flight_(2 * static_cast<std::size_t>(pool.threads()) + 1) {
  encoding_.Begin(sink_);
}

SegmentedBody::~SegmentedBody() {
  for (const auto& segment : in_flight_) segment->encoded_done.Wait();
}

void SegmentedBody::Submit(SegmentRender render) {
  text_.Flush();  // what was written before goes before
  Queue([this, render = std::move(render)](EncodedSegment& out) {
    encoding_.Encode(render, chunks_, out);
  });
}

void SegmentedBody::MakeRoom() {
  if (in_flight_.size() >= max_in_flight_) SendOldest();
}

void SegmentedBody::QueueDone(const std::function<void(EncodedSegment&)>& job) {
  MakeRoom();
  in_flight_.push_back(std::make_unique<Segment>());
  Segment& segment = *in_flight_.back();
  job(segment.encoded);
  segment.encoded_done.Done();
}

void SegmentedBody::Queue(std::function<void(EncodedSegment&)> job) {
  MakeRoom();
  in_flight_.push_back(std::make_unique<Segment>());
  Segment* segment = in_flight_.back().get();
  pool_.Submit([segment, job = std::move(job)] {
    job(segment->encoded);
    segment->encoded_done.Done();
  });
}

void SegmentedBody::SendOldest() {
  const std::unique_ptr<Segment> segment = std::move(in_flight_.front());
  in_flight_.pop_front();
  segment->encoded_done.Wait();
  EncodedSegment& encoded = segment->encoded;
  if (!encoded.ok) failed_ = true;
  // After a failure the rest is dropped: the body is invalid whatever follows.
  if (!failed_) {
    for (const Chunk& piece : encoded.pieces) {
      if (piece.size > 0) sink_(piece.text());
    }
    encoding_.Sent(encoded);
  }
  for (Chunk& piece : encoded.pieces) chunks_.Give(std::move(piece));
}

void SegmentedBody::Drain() {
  text_.Flush();
  while (!in_flight_.empty()) SendOldest();
}

bool SegmentedBody::Finish() {
  Drain();
  if (failed_) return false;
  return encoding_.End(sink_);
}

}  // namespace netif
