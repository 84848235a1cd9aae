// Whether a /metrics response may be gzip: Prometheus sends Accept-Encoding: gzip on every
// scrape, and the repetitive exposition text shrinks many times over (gzip_encoding.h does it).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <string>
#include <string_view>

namespace netif {

// True if an Accept-Encoding header value allows gzip (a q=0 refusal counts as no).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace netif
