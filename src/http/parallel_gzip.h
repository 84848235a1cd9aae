// gzip on several cores: a 5,000-interface exposition is 15 MB of text, and zlib at its fastest
// level needs about twice as long to compress it as the renderer needs to write it. Compressing
// the rendered chunks on a small pool of threads while the scrape's own thread renders the next
// ones keeps a gzip scrape's latency close to a plain one's.
//
// How (as pigz does): each chunk is deflated on its own as raw deflate, primed with the last
// 32 KiB of the chunk before it (so the ratio is that of one stream), and ended with a sync flush,
// which leaves it byte-aligned. The chunks are joined in order between a gzip header and an
// empty final block plus the trailer, whose CRC-32 is combined from the chunks' own.
//
// Thread-safety: a DeflatePool is safe for concurrent use; a ParallelGzip is used by one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace netif {

// Threads that deflate chunks for every concurrent scrape.
class DeflatePool {
 public:
  explicit DeflatePool(unsigned threads);
  ~DeflatePool();  // finishes queued work, then joins
  DeflatePool(const DeflatePool&) = delete;
  DeflatePool& operator=(const DeflatePool&) = delete;

  // One pool per process, sized to the machine (at most 4 threads), started on first use.
  static DeflatePool& Shared();

  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }
  void Submit(std::function<void()> job);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::vector<std::thread> threads_;
};

class ParallelGzip {
 public:
  using Sink = std::function<void(std::string_view)>;

  // `sink` receives the gzip member in order, in pieces, on the calling thread.
  ParallelGzip(DeflatePool& pool, Sink sink);
  ~ParallelGzip();  // waits for chunks still being deflated (their buffers are ours)
  ParallelGzip(const ParallelGzip&) = delete;
  ParallelGzip& operator=(const ParallelGzip&) = delete;

  // Queues the next piece of the body for compression (copied; may be empty).
  void Write(std::string_view piece);
  // Sends whatever is still pending and the gzip trailer. False when zlib failed on a chunk: the
  // body sent is then not valid gzip (the headers are long gone), so the caller drops the
  // connection.
  bool Finish();

 private:
  struct Block;
  // Waits for the oldest block and hands its output to the sink.
  void SendOldest();

  DeflatePool& pool_;
  Sink sink_;
  std::deque<std::shared_ptr<Block>> in_flight_;
  std::size_t max_in_flight_;
  std::string dictionary_;  // the last 32 KiB of the body so far
  uint32_t crc_ = 0;
  uint64_t length_ = 0;
  bool failed_ = false;
};

}  // namespace netif
