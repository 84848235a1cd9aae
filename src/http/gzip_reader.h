// The text of a gzip member, read back piece by piece. A scraper that does not accept gzip is
// served from the compressed body the server holds anyway: each piece is inflated only when the
// client's socket has room for it, so a client that never reads pins the compressed body and one
// zlib stream, never the whole text.
//
// Thread-safety: REQUIRES external synchronization (libmicrohttpd calls a response's reader from
// one thread at a time).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace netif {

class GunzipReader {
 public:
  // `member` must outlive the reader.
  explicit GunzipReader(std::string_view member);
  ~GunzipReader();
  GunzipReader(const GunzipReader&) = delete;
  GunzipReader& operator=(const GunzipReader&) = delete;

  // Writes the next up to `capacity` bytes of text to `out` and returns how many: fewer only at
  // the end, 0 once it is reached. nullopt when the member is not valid gzip (or zlib is out of
  // memory); the text returned before it is then incomplete.
  std::optional<std::size_t> Read(char* out, std::size_t capacity);

 private:
  class Stream;
  std::string_view member_;
  std::unique_ptr<Stream> stream_;  // from the first Read to the member's end
  bool ended_ = false;
  bool failed_ = false;
};

}  // namespace netif
