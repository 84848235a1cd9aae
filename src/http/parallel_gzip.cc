#include "http/parallel_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <utility>

namespace netif {
namespace {

constexpr std::size_t kDictionaryBytes = 32 * 1024;  // deflate's window
constexpr std::size_t kBlockBytes = 256 * 1024;
constexpr int kLevel = 1;  // the exposition is repetitive: the fastest level shrinks it ~15x

// The gzip header (RFC 1952): deflate, no name, no mtime, unknown OS... "Unix" (3) as zlib does.
constexpr char kGzipHeader[] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};
// A final, empty, fixed-Huffman deflate block: ends the stream after the sync-flushed chunks.
constexpr char kFinalBlock[] = {'\x03', '\x00'};

// One raw-deflate stream per pool thread, reset for every chunk: setting one up allocates a few
// hundred kilobytes, too much to do per chunk.
class ThreadDeflater {
 public:
  ThreadDeflater() {
    ok_ = deflateInit2(&stream_, kLevel, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~ThreadDeflater() {
    if (ok_) deflateEnd(&stream_);
  }
  ThreadDeflater(const ThreadDeflater&) = delete;
  ThreadDeflater& operator=(const ThreadDeflater&) = delete;

  // Deflates `input` primed with `dictionary`, ending in a sync flush; false on a zlib failure.
  bool Deflate(std::string_view dictionary, std::string_view input, std::string& out) {
    if (!ok_ || deflateReset(&stream_) != Z_OK) return false;
    if (!dictionary.empty() &&
        deflateSetDictionary(&stream_, reinterpret_cast<const Bytef*>(dictionary.data()),
                             static_cast<uInt>(dictionary.size())) != Z_OK) {
      return false;
    }
    // Deflated into this thread's own bound-sized buffer, kept from block to block, and copied
    // out at its real size (about a fifteenth): a fresh bound-sized buffer per block meant a
    // fresh mapping and its page faults every time.
    scratch_.resize(deflateBound(&stream_, input.size()) + 16);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(scratch_.data());
    stream_.avail_out = static_cast<uInt>(scratch_.size());
    const int result = deflate(&stream_, Z_SYNC_FLUSH);
    // The bound fits the whole chunk and the flush marker: one call finishes it.
    if (result != Z_OK || stream_.avail_in != 0 || stream_.avail_out == 0) return false;
    out.assign(scratch_.data(), scratch_.size() - stream_.avail_out);
    return true;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
  std::string scratch_;
};

void PutLittleEndian32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

struct ParallelGzip::Block {
  std::string dictionary;
  std::string input;
  std::string output;
  uint32_t crc = 0;
  bool ok = false;
  Completion deflated;
};

ParallelGzip::ParallelGzip(WorkPool& pool, Sink sink)
    // Enough chunks in flight to keep every pool thread busy while this thread renders the next.
    : pool_(pool), sink_(std::move(sink)), max_in_flight_(2 * pool.threads() + 1) {
  sink_(std::string_view(kGzipHeader, sizeof kGzipHeader));
}

ParallelGzip::~ParallelGzip() {
  for (const auto& block : in_flight_) block->deflated.Wait();
}

void ParallelGzip::Write(std::string_view piece) {
  // Pieces come in all sizes (a family of a small scrape is a few kilobytes): gather them into
  // blocks big enough that priming each with a 32 KiB dictionary stays a small part of the work.
  pending_.append(piece);
  if (pending_.size() >= kBlockBytes) SubmitPending();
}

void ParallelGzip::SubmitPending() {
  if (pending_.empty()) return;
  if (in_flight_.size() >= max_in_flight_) SendOldest();
  auto block = std::make_shared<Block>();
  block->dictionary = dictionary_;
  block->input.swap(pending_);
  // The next block gathers into a buffer a sent block left behind (capacity kept), not a new one.
  pending_.clear();
  if (!spare_inputs_.empty()) {
    pending_.swap(spare_inputs_.back());
    spare_inputs_.pop_back();
  }
  const std::string_view input = block->input;
  // The next block's dictionary: the last 32 KiB of everything so far.
  if (input.size() >= kDictionaryBytes) {
    dictionary_.assign(input.substr(input.size() - kDictionaryBytes));
  } else {
    dictionary_.append(input);
    if (dictionary_.size() > kDictionaryBytes) {
      dictionary_.erase(0, dictionary_.size() - kDictionaryBytes);
    }
  }
  in_flight_.push_back(block);
  pool_.Submit([block] {
    thread_local ThreadDeflater deflater;
    block->ok = deflater.Deflate(block->dictionary, block->input, block->output);
    block->crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(block->input.data()),
                                             static_cast<uInt>(block->input.size())));
    block->deflated.Done();
  });
}

void ParallelGzip::SendOldest() {
  std::shared_ptr<Block> block = std::move(in_flight_.front());
  in_flight_.pop_front();
  block->deflated.Wait();
  if (!block->ok) failed_ = true;
  if (failed_) return;
  crc_ = static_cast<uint32_t>(
      crc32_combine(crc_, block->crc, static_cast<z_off_t>(block->input.size())));
  length_ += block->input.size();
  if (!block->output.empty()) sink_(block->output);
  block->input.clear();
  spare_inputs_.push_back(std::move(block->input));
}

bool ParallelGzip::Finish() {
  SubmitPending();
  while (!in_flight_.empty()) SendOldest();
  if (failed_) return false;
  char trailer[sizeof kFinalBlock + 8];
  std::copy(std::begin(kFinalBlock), std::end(kFinalBlock), trailer);
  PutLittleEndian32(trailer + sizeof kFinalBlock, crc_);
  PutLittleEndian32(trailer + sizeof kFinalBlock + 4, static_cast<uint32_t>(length_));  // mod 2^32
  sink_(std::string_view(trailer, sizeof trailer));
  return true;
}

}  // namespace netif
