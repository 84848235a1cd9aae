// gzip for a SegmentedBody: a large exposition is megabytes of text, and zlib even at its fastest
// level takes longer to compress it than the renderer takes to write it, so each segment (a metric
// family) is deflated by the pool thread that rendered it, in 64 KiB steps while the text is still
// in that core's cache.
//
// How: each segment is a raw deflate run of its own, started afresh (no history) and ended with a
// sync flush, which leaves it byte-aligned, so runs join into one valid deflate stream (a fresh
// start only forgoes back-references into the previous segment: on a real scrape the body comes
// out no larger than one run over the whole text). The stream sits
// between a gzip header and an empty final block plus the trailer, whose CRC-32 is combined from
// the segments' own.
//
// Thread-safety: Encode/EncodeText run concurrently on pool threads (each segment takes a zlib
// stream of its own from the encoding's idle ones); Begin/Sent/End on the sending thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "util/segmented_body.h"

namespace netif {

class Deflater;

class GzipEncoding final : public SegmentEncoding {
 public:
  GzipEncoding();
  ~GzipEncoding() override;

  void Begin(const Sink& sink) override;
  void Encode(const SegmentRender& render, ChunkPool& chunks, EncodedSegment& out) const override;
  void EncodeText(Chunk text, ChunkPool& chunks, EncodedSegment& out) const override;
  void Sent(const EncodedSegment& segment) override;
  bool End(const Sink& sink) override;

  // The length of the text in the segments sent so far: after End, of the whole body (what a
  // client that cannot take gzip receives once inflated).
  uint64_t text_length() const { return length_; }

 private:
  uint32_t crc_ = 0;     // of the text sent so far
  uint64_t length_ = 0;  // of the text sent so far

  // A zlib stream holds ~260 KB. The streams belong to the scrape, not to the pool threads: made
  // as segments need them (as many as run at once), reused for the scrape's later segments, and
  // freed with it, so an idle exporter does not keep a stream per pool thread resident.
  std::unique_ptr<Deflater> TakeDeflater() const;
  void ReturnDeflater(std::unique_ptr<Deflater> deflater) const;
  mutable std::mutex deflaters_mutex_;
  mutable std::vector<std::unique_ptr<Deflater>> idle_deflaters_;  // guarded by deflaters_mutex_
};

}  // namespace netif
