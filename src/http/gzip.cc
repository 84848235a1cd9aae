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

std::optional<std::string> GzipText(std::string_view text) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  // The fastest level: the JSON's repetition compresses well anyway, and a busy page asks often.
  if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  out.resize(stream.total_out);
  return out;
}

}  // namespace netif
