// gzip on several cores: a 5,000-interface exposition is 15 MB of text, and zlib at its fastest
// level needs about twice as long to compress it as the renderer needs to write it. Compressing
// the rendered chunks on the scrape work pool while the next ones are rendered keeps a gzip
// scrape's latency close to a plain one's.
//
// How (as pigz does): each chunk is deflated on its own as raw deflate, primed with the last
// 32 KiB of the chunk before it (so the ratio is that of one stream), and ended with a sync flush,
// which leaves it byte-aligned. The chunks are joined in order between a gzip header and an
// empty final block plus the trailer, whose CRC-32 is combined from the chunks' own.
//
// Thread-safety: a ParallelGzip is used by one thread (its chunks are deflated on the WorkPool).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/work_pool.h"

namespace netif {

class ParallelGzip {
 public:
  using Sink = std::function<void(std::string_view)>;

  // `sink` receives the gzip member in order, in pieces, on the calling thread.
  ParallelGzip(WorkPool& pool, Sink sink);
  ~ParallelGzip();  // waits for chunks still being deflated (their buffers are ours)
  ParallelGzip(const ParallelGzip&) = delete;
  ParallelGzip& operator=(const ParallelGzip&) = delete;

  // Queues the next piece of the body for compression (copied; may be empty). Pieces are gathered
  // into blocks of 256 KiB, each deflated as one job.
  void Write(std::string_view piece);
  // Sends whatever is still pending and the gzip trailer. False when zlib failed on a chunk: the
  // body sent is then not valid gzip (the headers are long gone), so the caller drops the
  // connection.
  bool Finish();

 private:
  struct Block;
  // Hands the gathered pieces to the pool as one block.
  void SubmitPending();
  // Waits for the oldest block and hands its output to the sink.
  void SendOldest();

  WorkPool& pool_;
  Sink sink_;
  std::deque<std::shared_ptr<Block>> in_flight_;
  std::size_t max_in_flight_;
  std::string pending_;                    // pieces not yet in a block
  std::vector<std::string> spare_inputs_;  // inputs of sent blocks, to gather the next ones in
  std::string dictionary_;                 // the last 32 KiB of the body so far
  uint32_t crc_ = 0;
  uint64_t length_ = 0;
  bool failed_ = false;
};

}  // namespace netif
