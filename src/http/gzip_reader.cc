#include "http/gzip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace netif {

// One inflate stream (zlib's state and its 32 KiB window), alive only while the text is read.
class GunzipReader::Stream {
 public:
  Stream() { ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK; }  // 16: a gzip wrapper
  ~Stream() {
    if (ok_) inflateEnd(&stream_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  bool ok() const { return ok_; }
  z_stream& z() { return stream_; }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

GunzipReader::GunzipReader(std::string_view member) : member_(member) {}
GunzipReader::~GunzipReader() = default;

std::optional<std::size_t> GunzipReader::Read(char* out, std::size_t capacity) {
  if (failed_) return std::nullopt;
  if (ended_ || capacity == 0) return 0;
  if (!stream_) {
    stream_ = std::make_unique<Stream>();
    if (!stream_->ok()) {
      failed_ = true;
      stream_.reset();
      return std::nullopt;
    }
  }
  z_stream& z = stream_->z();
  z.next_out = reinterpret_cast<Bytef*>(out);
  z.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, UINT_MAX));
  while (z.avail_out > 0) {
    if (z.avail_in == 0 && !member_.empty()) {
      const std::size_t piece = std::min<std::size_t>(member_.size(), UINT_MAX);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member_.data()));
      z.avail_in = static_cast<uInt>(piece);
      member_.remove_prefix(piece);
    }
    const int result = inflate(&z, Z_NO_FLUSH);
    if (result == Z_STREAM_END) {
      ended_ = true;
      break;
    }
    // Z_OK means progress was made. Z_BUF_ERROR means none was possible: with output room and all
    // the input given, the member is cut short. Anything else: invalid data or out of memory.
    if (result != Z_OK) {
      failed_ = true;
      stream_.reset();
      return std::nullopt;
    }
  }
  const std::size_t written = static_cast<std::size_t>(reinterpret_cast<char*>(z.next_out) - out);
  if (ended_) stream_.reset();  // the window goes as soon as the text is out
  return written;
}

}  // namespace netif
