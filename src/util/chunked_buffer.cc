#include "util/chunked_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <iterator>
#include <new>
#include <utility>

namespace netif {
namespace {

constexpr std::size_t kMappedChunkMinBytes = 64 * 1024;

Chunk NewChunk(std::size_t capacity) { return Chunk{NewChunkBytes(capacity), capacity, 0}; }

}  // namespace

void ChunkBytesDeleter::operator()(char* bytes) const noexcept {
  if (mapped_bytes > 0) {
    ::munmap(bytes, mapped_bytes);
  } else {
    delete[] bytes;
  }
}

ChunkBytes NewChunkBytes(std::size_t capacity) {
  if (capacity >= kMappedChunkMinBytes) {
    void* mapped = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    return ChunkBytes(static_cast<char*>(mapped), ChunkBytesDeleter{capacity});
  }
  // Not make_unique<char[]>(n), which would zero-fill: the bytes are written before they are read.
  return ChunkBytes(new char[capacity]);
}

SpareChunks& SpareChunks::Shared() {
  static SpareChunks spares;
  return spares;
}

Chunk SpareChunks::Take(std::size_t capacity) {
  std::lock_guard lock(mutex_);
  last_use_ = std::chrono::steady_clock::now();
  for (auto it = chunks_.rbegin(); it != chunks_.rend(); ++it) {
    if (it->capacity != capacity) continue;
    Chunk chunk = std::move(*it);
    chunks_.erase(std::next(it).base());
    return chunk;
  }
  return Chunk{};
}

void SpareChunks::Put(Chunk chunk) {
  std::lock_guard lock(mutex_);
  last_use_ = std::chrono::steady_clock::now();
  if (chunks_.size() >= kMaxChunks) return;  // freed here
  chunk.size = 0;
  chunks_.push_back(std::move(chunk));
}

void SpareChunks::ReleaseIfIdle(std::chrono::steady_clock::duration idle) {
  std::vector<Chunk> released;
  {
    std::lock_guard lock(mutex_);
    if (chunks_.empty() || std::chrono::steady_clock::now() - last_use_ < idle) return;
    released.swap(chunks_);
  }
  // Unmapped here, outside the lock.
}

std::size_t SpareChunks::size() const {
  std::lock_guard lock(mutex_);
  return chunks_.size();
}

ChunkPool::~ChunkPool() {
  if (spares_ == nullptr) return;
  for (Chunk& chunk : free_) spares_->Put(std::move(chunk));
}

Chunk ChunkPool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      Chunk chunk = std::move(free_.back());
      free_.pop_back();
      return chunk;
    }
  }
  if (spares_ != nullptr) {
    if (Chunk spare = spares_->Take(chunk_bytes_); spare.capacity == chunk_bytes_) return spare;
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
