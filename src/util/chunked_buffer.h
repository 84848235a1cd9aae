// A text buffer that hands what it holds on whenever the next write would not fit, so a large
// response (15 MB of exposition at 5,000 interfaces) is produced, compressed and sent in pieces of
// a fixed size instead of existing whole in memory.
//
// Writers reserve room for an upper bound of what they are about to write, fill it through a raw
// cursor and commit the end: one capacity check per line instead of one per piece.
//
// Two ways to hand the text on: a Sink sees each piece (and must copy what it keeps), or a Handoff
// takes each full chunk whole, storage and all, and the buffer goes on in a fresh chunk from a
// ChunkPool: text rendered on one thread and sent from another is then never copied.
//
// Thread-safety: a ChunkedBuffer has one writer at a time; a ChunkPool is safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace netif {

// Frees a chunk's bytes: unmaps them when they were mapped (ChunkBytes), else delete[].
struct ChunkBytesDeleter {
  std::size_t mapped_bytes = 0;
  void operator()(char* bytes) const noexcept;
};
using ChunkBytes = std::unique_ptr<char[], ChunkBytesDeleter>;

// Storage for a chunk of `capacity` bytes, uninitialized. From 64 KiB up (the scrape's chunks) it
// is a mapping of its own, populated when made: the scrape's chunks then go back to the kernel
// whole when freed, instead of leaving holes in the collector's malloc arena that later samples'
// small allocations pin (≈ 1 MB of RSS after a few scrapes at 5,000 interfaces).
ChunkBytes NewChunkBytes(std::size_t capacity);

// A piece of text with its storage.
struct Chunk {
  ChunkBytes bytes;
  std::size_t capacity = 0;
  std::size_t size = 0;

  std::string_view text() const { return {bytes.get(), size}; }
};

// Chunks of one capacity, handed back after use and taken again: a scrape cycles a few megabytes
// through the same chunks instead of faulting in fresh pages for each. Freed with the pool.
class ChunkPool {
 public:
  explicit ChunkPool(std::size_t chunk_bytes) : chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes) {}
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;

  std::size_t chunk_bytes() const { return chunk_bytes_; }
  // An empty chunk of chunk_bytes() capacity.
  Chunk Take();
  // Back for reuse; a chunk of another capacity (grown for one large write) is freed instead.
  void Give(Chunk chunk);

 private:
  const std::size_t chunk_bytes_;
  std::mutex mutex_;
  std::vector<Chunk> free_;  // guarded by mutex_
};

class ChunkedBuffer {
 public:
  // Receives the buffered text, in order. Called with a non-empty view only.
  using Sink = std::function<void(std::string_view)>;
  // Receives each non-empty chunk, in order, to keep.
  using Handoff = std::function<void(Chunk)>;

  ChunkedBuffer(std::size_t chunk_bytes, Sink sink);
  // Writes into chunks taken from `pool` (which must outlive the buffer) and hands them over.
  ChunkedBuffer(ChunkPool& pool, Handoff handoff);
  ChunkedBuffer(const ChunkedBuffer&) = delete;
  ChunkedBuffer& operator=(const ChunkedBuffer&) = delete;

  // Returns a cursor with room for at least `n` bytes, handing the text on first when the chunk
  // cannot take them (a single write larger than the chunk size gets a chunk of its own size).
  // Follow with Commit().
  char* Reserve(std::size_t n) {
    if (chunk_.capacity - chunk_.size < n) MakeRoom(n);
    return chunk_.bytes.get() + chunk_.size;
  }
  // `end` is the cursor Reserve() returned advanced past the bytes written.
  void Commit(char* end) { chunk_.size = static_cast<std::size_t>(end - chunk_.bytes.get()); }

  void Append(std::string_view text) {
    if (text.empty()) return;  // its data() may be null, which memcpy must not see
    char* cursor = Reserve(text.size());
    std::memcpy(cursor, text.data(), text.size());
    Commit(cursor + text.size());
  }

  // Hands everything buffered on.
  void Flush();

 private:
  void MakeRoom(std::size_t n);

  const std::size_t chunk_bytes_;
  Chunk chunk_;
  Sink sink_;
  ChunkPool* pool_ = nullptr;  // handoff mode only
  Handoff handoff_;
};

}  // namespace netif
