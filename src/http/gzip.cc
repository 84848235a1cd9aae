#include "http/gzip.h"

#include <zlib.h>

namespace netif {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const auto semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    if (!EqualsIgnoreCase(coding, "gzip") && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string_view parameter = Trim(item.substr(semicolon + 1));
    if (parameter.starts_with("q=") || parameter.starts_with("Q=")) {
      parameter.remove_prefix(2);
      // q=0, q=0.0, q=0.000 refuse; anything else accepts.
      return parameter.find_first_not_of("0.") != std::string_view::npos;
    }
    return true;
  }
  return false;
}

bool GzipCompress(std::string_view input, std::string& out) {
  z_stream stream{};
  // Level 1: the exposition is repetitive text, so the fastest level already shrinks it
  // several-fold while keeping compression cheaper than rendering.
  constexpr int kGzipWindowBits = 15 + 16;
  if (deflateInit2(&stream, 1, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  // Deflate through a small chunk and append: `out` keeps its capacity between scrapes, and
  // nothing zero-fills a bound-sized buffer (resize would, megabytes per scrape).
  out.clear();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  Bytef chunk[64 * 1024];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = chunk;
    stream.avail_out = sizeof chunk;
    result = deflate(&stream, Z_FINISH);
    out.append(reinterpret_cast<const char*>(chunk), sizeof chunk - stream.avail_out);
  }
  deflateEnd(&stream);
  return result == Z_STREAM_END;
}

}  // namespace netif
