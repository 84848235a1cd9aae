#include "util/chunked_buffer.h"

#include <algorithm>
#include <utility>

namespace netif {
namespace {

Chunk NewChunk(std::size_t capacity) {
  // make_unique<char[]>(n) would zero-fill; the bytes are always written before they are read.
  return Chunk{std::unique_ptr<char[]>(new char[capacity]), capacity, 0};
}

}  // namespace

Chunk ChunkPool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      Chunk chunk = std::move(free_.back());
      free_.pop_back();
      return chunk;
    }
  }
  return NewChunk(chunk_bytes_);
}

void ChunkPool::Give(Chunk chunk) {
  if (chunk.capacity != chunk_bytes_) return;
  chunk.size = 0;
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(chunk));
}

ChunkedBuffer::ChunkedBuffer(std::size_t chunk_bytes, Sink sink)
    : chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes),
      chunk_(NewChunk(chunk_bytes_)),
      sink_(std::move(sink)) {}

ChunkedBuffer::ChunkedBuffer(ChunkPool& pool, Handoff handoff)
    // No chunk until the first write: a buffer that stays empty takes none from the pool.
    : chunk_bytes_(pool.chunk_bytes()), pool_(&pool), handoff_(std::move(handoff)) {}

void ChunkedBuffer::Flush() {
  if (chunk_.size == 0) return;
  if (handoff_) {
    handoff_(std::exchange(chunk_, Chunk{}));
  } else {
    sink_(chunk_.text());
    chunk_.size = 0;
  }
}

void ChunkedBuffer::MakeRoom(std::size_t n) {
  Flush();
  if (chunk_.capacity >= n) return;
  if (pool_ != nullptr && n <= chunk_bytes_) {
    chunk_ = pool_->Take();
  } else {
    chunk_ = NewChunk(std::max(n, chunk_bytes_));
  }
}

}  // namespace netif
