#include "http/parallel_gzip.h"

#include <pthread.h>
#include <zlib.h>

#include <algorithm>
#include <utility>

namespace netif {
namespace {

constexpr std::size_t kDictionaryBytes = 32 * 1024;  // deflate's window
constexpr int kLevel = 1;  // the exposition is repetitive: the fastest level shrinks it ~15x
constexpr unsigned kMaxThreads = 4;

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
    out.resize(deflateBound(&stream_, input.size()) + 16);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream_, Z_SYNC_FLUSH);
    // The bound fits the whole chunk and the flush marker: one call finishes it.
    if (result != Z_OK || stream_.avail_in != 0 || stream_.avail_out == 0) return false;
    out.resize(out.size() - stream_.avail_out);
    return true;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

void PutLittleEndian32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

DeflatePool::DeflatePool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { Run(); });
}

DeflatePool::~DeflatePool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

DeflatePool& DeflatePool::Shared() {
  static DeflatePool pool(std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads));
  return pool;
}

void DeflatePool::Submit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void DeflatePool::Run() {
  // Named so a profile (and bench/scale, which counts scrape CPU by thread) can tell it apart.
  pthread_setname_np(pthread_self(), "netif-deflate");
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

struct ParallelGzip::Block {
  std::string dictionary;
  std::string input;
  std::string output;
  uint32_t crc = 0;
  bool ok = false;
  bool done = false;  // guarded by mutex
  std::mutex mutex;
  std::condition_variable finished;
};

ParallelGzip::ParallelGzip(DeflatePool& pool, Sink sink)
    // Enough chunks in flight to keep every pool thread busy while this thread renders the next.
    : pool_(pool), sink_(std::move(sink)), max_in_flight_(2 * pool.threads() + 1) {
  sink_(std::string_view(kGzipHeader, sizeof kGzipHeader));
}

ParallelGzip::~ParallelGzip() {
  for (const auto& block : in_flight_) {
    std::unique_lock lock(block->mutex);
    block->finished.wait(lock, [&] { return block->done; });
  }
}

void ParallelGzip::Write(std::string_view piece) {
  if (piece.empty()) return;
  if (in_flight_.size() >= max_in_flight_) SendOldest();
  auto block = std::make_shared<Block>();
  block->dictionary = dictionary_;
  block->input.assign(piece);
  // The next chunk's dictionary: the last 32 KiB of everything so far.
  if (piece.size() >= kDictionaryBytes) {
    dictionary_.assign(piece.substr(piece.size() - kDictionaryBytes));
  } else {
    dictionary_.append(piece);
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
    {
      std::lock_guard lock(block->mutex);
      block->done = true;
    }
    block->finished.notify_one();
  });
}

void ParallelGzip::SendOldest() {
  std::shared_ptr<Block> block = std::move(in_flight_.front());
  in_flight_.pop_front();
  {
    std::unique_lock lock(block->mutex);
    block->finished.wait(lock, [&] { return block->done; });
  }
  if (!block->ok) failed_ = true;
  if (failed_) return;
  crc_ = static_cast<uint32_t>(
      crc32_combine(crc_, block->crc, static_cast<z_off_t>(block->input.size())));
  length_ += block->input.size();
  if (!block->output.empty()) sink_(block->output);
}

bool ParallelGzip::Finish() {
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
