#include "util/chunked_buffer.h"

#include <utility>

namespace netif {

ChunkedBuffer::ChunkedBuffer(std::size_t chunk_bytes, Sink sink)
    // make_unique<char[]>(n) would zero-fill; the bytes are always written before they are read.
    : data_(new char[chunk_bytes == 0 ? 1 : chunk_bytes]),
      capacity_(chunk_bytes == 0 ? 1 : chunk_bytes),
      sink_(std::move(sink)) {}

void ChunkedBuffer::Flush() {
  if (length_ == 0) return;
  sink_(std::string_view(data_.get(), length_));
  length_ = 0;
}

void ChunkedBuffer::MakeRoom(std::size_t n) {
  Flush();
  if (capacity_ >= n) return;
  data_.reset(new char[n]);
  capacity_ = n;
}

}  // namespace netif
