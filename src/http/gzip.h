// Whether a /metrics response may be gzip: Prometheus sends Accept-Encoding: gzip on every
// scrape, and the repetitive exposition text shrinks many times over (gzip_encoding.h does it).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netif {

// True if an Accept-Encoding header value allows gzip (a q=0 refusal counts as no).
bool AcceptsGzip(std::string_view accept_encoding);

// `text` as one gzip member (fastest compression), or nullopt when zlib fails. For the page's JSON,
// whose repeated keys and nulls shrink several times over.
std::optional<std::string> GzipText(std::string_view text);

}  // namespace netif
