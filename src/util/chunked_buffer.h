// A text buffer that hands what it holds on whenever the next write would not fit, so a large
// response (a scrape of thousands of interfaces) is produced, compressed and sent in pieces of a
// fixed size instead of existing whole in memory.
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

#include <chrono>
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
// small allocations pin, which kept RSS up after scrapes.
ChunkBytes NewChunkBytes(std::size_t capacity);

// A piece of text with its storage.
struct Chunk {
  ChunkBytes bytes;
  std::size_t capacity = 0;
  std::size_t size = 0;

  std::string_view text() const { return {bytes.get(), size}; }
};

// Chunks kept for a moment after the pool that used them is gone. Scrapes that come close
// together (several Prometheus servers, a dashboard refreshing) reuse one another's chunks instead
// of mapping and unmapping each, which costs measurable CPU per large scrape; an exporter scraped
// every 15 s gives them back between scrapes, so they are not in its RSS then.
class SpareChunks {
 public:
  static constexpr std::size_t kMaxChunks = 32;  // 2 MiB of 64 KiB chunks

  // The process's spares, which ChunkPools draw from and leave theirs to.
  static SpareChunks& Shared();

  // A spare chunk of `capacity`, or an empty Chunk (capacity 0) when there is none.
  Chunk Take(std::size_t capacity);
  // Keeps `chunk` for a later Take, or frees it when kMaxChunks are kept already.
  void Put(Chunk chunk);
  // Frees every spare when none was taken or put for `idle` or longer.
  void ReleaseIfIdle(std::chrono::steady_clock::duration idle);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Chunk> chunks_;                         // guarded by mutex_
  std::chrono::steady_clock::time_point last_use_{};  // guarded by mutex_
};

// Chunks of one capacity, handed back after use and taken again: a scrape cycles a few megabytes
// through the same chunks instead of faulting in fresh pages for each. Left to `spares` (if any)
// when the pool goes.
class ChunkPool {
 public:
  explicit ChunkPool(std::size_t chunk_bytes, SpareChunks* spares = nullptr)
      : chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes), spares_(spares) {}
  ~ChunkPool();
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;

  std::size_t chunk_bytes() const { return chunk_bytes_; }
  // An empty chunk of chunk_bytes() capacity.
  Chunk Take();
  // Back for reuse; a chunk of another capacity (grown for one large write) is freed instead.
  void Give(Chunk chunk);

 private:
  const std::size_t chunk_bytes_;
  SpareChunks* const spares_;
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
