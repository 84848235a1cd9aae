// gzip for /metrics responses: Prometheus sends Accept-Encoding: gzip on every scrape, and a
// 5,000-interface exposition shrinks about fifteenfold.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <string>
#include <string_view>

namespace netif {

// True if an Accept-Encoding header value allows gzip (a q=0 refusal counts as no).
bool AcceptsGzip(std::string_view accept_encoding);

// Compresses `input` into `out` (replacing its contents) as one gzip member, on the shared deflate
// pool (see parallel_gzip.h). Returns false on a zlib failure, in which case the caller sends the
// plain body.
bool GzipCompress(std::string_view input, std::string& out);

}  // namespace netif
