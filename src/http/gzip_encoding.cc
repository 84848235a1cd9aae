#include "http/gzip_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <utility>

namespace netif {
namespace {

constexpr int kLevel = 1;  // the exposition is repetitive: the fastest level shrinks it well

// The gzip header (RFC 1952): deflate, no name, no mtime, unknown OS... "Unix" (3) as zlib does.
constexpr char kGzipHeader[] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};
// A final, empty, fixed-Huffman deflate block: ends the stream after the sync-flushed segments.
constexpr char kFinalBlock[] = {'\x03', '\x00'};

void PutLittleEndian32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

// A raw-deflate stream, reset for every segment: setting one up allocates a few hundred
// kilobytes, too much to do per segment.
class Deflater {
 public:
  Deflater() {
    ok_ = deflateInit2(&stream_, kLevel, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Starts a segment whose deflated bytes go into `out`, in chunks from `chunks`.
  void Start(ChunkPool& chunks, EncodedSegment& out) {
    chunks_ = &chunks;
    out_ = &out;
    out.text_crc32 = static_cast<uint32_t>(crc32(0, nullptr, 0));
    if (!ok_ || deflateReset(&stream_) != Z_OK) out.ok = false;
  }

  void Add(std::string_view text) {
    if (text.empty() || !out_->ok) return;
    out_->text_bytes += text.size();
    out_->text_crc32 =
        static_cast<uint32_t>(crc32(out_->text_crc32, reinterpret_cast<const Bytef*>(text.data()),
                                    static_cast<uInt>(text.size())));
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream_.avail_in = static_cast<uInt>(text.size());
    Run(Z_NO_FLUSH);
  }

  // Ends the segment byte-aligned. A segment without text stays without bytes.
  void Finish() {
    if (out_->ok && out_->text_bytes > 0) Run(Z_SYNC_FLUSH);
    if (!out_->ok) out_->pieces.clear();
  }

 private:
  // Deflates until the input is consumed (and, when flushing, the flush is complete: deflate
  // leaves room in the output only once it has nothing more to write).
  void Run(int flush) {
    do {
      if (out_->pieces.empty() || out_->pieces.back().size == out_->pieces.back().capacity) {
        out_->pieces.push_back(chunks_->Take());
      }
      Chunk& piece = out_->pieces.back();
      stream_.next_out = reinterpret_cast<Bytef*>(piece.bytes.get() + piece.size);
      stream_.avail_out = static_cast<uInt>(piece.capacity - piece.size);
      const int result = deflate(&stream_, flush);
      piece.size = piece.capacity - stream_.avail_out;
      // Z_BUF_ERROR only says no progress was possible, which the loop condition covers.
      if (result != Z_OK && result != Z_BUF_ERROR) {
        out_->ok = false;
        return;
      }
    } while (stream_.avail_in != 0 || stream_.avail_out == 0);
  }

  z_stream stream_{};
  bool ok_ = false;
  ChunkPool* chunks_ = nullptr;
  EncodedSegment* out_ = nullptr;
};

GzipEncoding::GzipEncoding() = default;
GzipEncoding::~GzipEncoding() = default;

std::unique_ptr<Deflater> GzipEncoding::TakeDeflater() const {
  {
    std::lock_guard lock(deflaters_mutex_);
    if (!idle_deflaters_.empty()) {
      std::unique_ptr<Deflater> deflater = std::move(idle_deflaters_.back());
      idle_deflaters_.pop_back();
      return deflater;
    }
  }
  return std::make_unique<Deflater>();
}

void GzipEncoding::ReturnDeflater(std::unique_ptr<Deflater> deflater) const {
  std::lock_guard lock(deflaters_mutex_);
  idle_deflaters_.push_back(std::move(deflater));
}

void GzipEncoding::Begin(const Sink& sink) {
  sink(std::string_view(kGzipHeader, sizeof kGzipHeader));
}

void GzipEncoding::Encode(const SegmentRender& render, ChunkPool& chunks,
                          EncodedSegment& out) const {
  std::unique_ptr<Deflater> deflater = TakeDeflater();
  deflater->Start(chunks, out);
  // Each 64 KiB of text is deflated as soon as it is rendered, while still in this core's cache,
  // and its chunk goes back to the scrape's pool for the next.
  ChunkedBuffer buffer(chunks, [&deflater, &chunks](Chunk text) {
    deflater->Add(text.text());
    chunks.Give(std::move(text));
  });
  render(buffer);
  buffer.Flush();
  deflater->Finish();
  ReturnDeflater(std::move(deflater));
}

void GzipEncoding::EncodeText(Chunk text, ChunkPool& chunks, EncodedSegment& out) const {
  std::unique_ptr<Deflater> deflater = TakeDeflater();
  deflater->Start(chunks, out);
  deflater->Add(text.text());
  deflater->Finish();
  ReturnDeflater(std::move(deflater));
  chunks.Give(std::move(text));
}

void GzipEncoding::Sent(const EncodedSegment& segment) {
  crc_ = static_cast<uint32_t>(
      crc32_combine(crc_, segment.text_crc32, static_cast<z_off_t>(segment.text_bytes)));
  length_ += segment.text_bytes;
}

bool GzipEncoding::End(const Sink& sink) {
  char trailer[sizeof kFinalBlock + 8];
  std::copy(std::begin(kFinalBlock), std::end(kFinalBlock), trailer);
  PutLittleEndian32(trailer + sizeof kFinalBlock, crc_);
  PutLittleEndian32(trailer + sizeof kFinalBlock + 4, static_cast<uint32_t>(length_));  // mod 2^32
  sink(std::string_view(trailer, sizeof trailer));
  return true;
}

}  // namespace netif
