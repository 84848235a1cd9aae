// A text buffer that hands what it holds to a sink whenever the next write would not fit, so a
// large response (15 MB of exposition at 5,000 interfaces) is produced, compressed and sent in
// pieces of a fixed size instead of existing whole in memory.
//
// Writers reserve room for an upper bound of what they are about to write, fill it through a raw
// cursor and commit the end: one capacity check per line instead of one per piece.
//
// Thread-safety: none; one writer at a time.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>

namespace netif {

class ChunkedBuffer {
 public:
  // Receives the buffered text, in order. Called with a non-empty view only.
  using Sink = std::function<void(std::string_view)>;

  ChunkedBuffer(std::size_t chunk_bytes, Sink sink);
  ChunkedBuffer(const ChunkedBuffer&) = delete;
  ChunkedBuffer& operator=(const ChunkedBuffer&) = delete;

  // Returns a cursor with room for at least `n` bytes, flushing first when the buffer cannot take
  // them (a single write larger than the chunk size grows the buffer). Follow with Commit().
  char* Reserve(std::size_t n) {
    if (capacity_ - length_ < n) MakeRoom(n);
    return data_.get() + length_;
  }
  // `end` is the cursor Reserve() returned advanced past the bytes written.
  void Commit(char* end) { length_ = static_cast<std::size_t>(end - data_.get()); }

  void Append(std::string_view text) {
    if (text.empty()) return;  // its data() may be null, which memcpy must not see
    char* cursor = Reserve(text.size());
    std::memcpy(cursor, text.data(), text.size());
    Commit(cursor + text.size());
  }

  // Hands everything buffered to the sink.
  void Flush();

  // Hands `text` to the sink as it is, after what is buffered: for a large piece already made
  // elsewhere, which copying through the buffer would only slow down.
  void Pass(std::string_view text) {
    Flush();
    if (!text.empty()) sink_(text);
  }

 private:
  void MakeRoom(std::size_t n);

  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t length_ = 0;
  Sink sink_;
};

}  // namespace netif
