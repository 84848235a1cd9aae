// gzip for /metrics responses: Prometheus sends Accept-Encoding: gzip on every scrape, and a
// 5,000-interface exposition shrinks about fifteenfold.
//
// Thread-safety: AcceptsGzip and GzipCompress are pure; a GzipStream is used by one thread.
#pragma once

#include <zlib.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace netif {

// True if an Accept-Encoding header value allows gzip (a q=0 refusal counts as no).
bool AcceptsGzip(std::string_view accept_encoding);

// Compresses a body given in pieces into one gzip member, handing the compressed bytes to a sink
// whenever its output buffer fills: neither the plain nor the compressed body exists whole.
class GzipStream {
 public:
  using Sink = std::function<void(std::string_view)>;

  explicit GzipStream(Sink sink);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // False when zlib could not be set up (out of memory); then send the body plain.
  bool ok() const { return ok_; }
  // Compresses the next piece of the body. REQUIRES: ok().
  void Write(std::string_view piece);
  // Writes the gzip trailer and hands over the rest. False on a zlib failure.
  bool Finish();

 private:
  bool Deflate(int flush);

  Sink sink_;
  z_stream stream_{};
  std::unique_ptr<Bytef[]> out_;
  bool ok_ = false;
};

// Compresses `input` into `out` (replacing its contents) as a gzip member. Returns false on a zlib
// failure, in which case the caller sends the plain body.
bool GzipCompress(std::string_view input, std::string& out);

}  // namespace netif
