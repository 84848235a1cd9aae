#include "http/gzip.h"

#include <utility>

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

namespace {
constexpr std::size_t kGzipOutputBytes = 64 * 1024;
}  // namespace

GzipStream::GzipStream(Sink sink) : sink_(std::move(sink)), out_(new Bytef[kGzipOutputBytes]) {
  // Level 1: the exposition is repetitive text, so the fastest level already shrinks it
  // fifteenfold; every higher level costs more CPU than rendering the text does.
  constexpr int kGzipWindowBits = 15 + 16;
  constexpr int kMemLevel = 8;
  ok_ = deflateInit2(&stream_, 1, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) ==
        Z_OK;
  stream_.next_out = out_.get();
  stream_.avail_out = kGzipOutputBytes;
}

GzipStream::~GzipStream() {
  if (ok_) deflateEnd(&stream_);
}

void GzipStream::Write(std::string_view piece) {
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
  stream_.avail_in = static_cast<uInt>(piece.size());
  if (!Deflate(Z_NO_FLUSH)) ok_ = false;
}

bool GzipStream::Finish() {
  if (!ok_) return false;
  stream_.next_in = nullptr;
  stream_.avail_in = 0;
  const bool finished = Deflate(Z_FINISH);
  const std::size_t pending = kGzipOutputBytes - stream_.avail_out;
  if (pending > 0) sink_(std::string_view(reinterpret_cast<const char*>(out_.get()), pending));
  stream_.next_out = out_.get();
  stream_.avail_out = kGzipOutputBytes;
  return finished;
}

// Runs deflate until it has consumed all input (and, with Z_FINISH, written the trailer), handing
// every full output buffer to the sink.
bool GzipStream::Deflate(int flush) {
  for (;;) {
    const int result = deflate(&stream_, flush);
    if (result == Z_STREAM_ERROR) return false;
    if (stream_.avail_out == 0) {
      sink_(std::string_view(reinterpret_cast<const char*>(out_.get()), kGzipOutputBytes));
      stream_.next_out = out_.get();
      stream_.avail_out = kGzipOutputBytes;
      continue;
    }
    if (flush == Z_FINISH) {
      if (result == Z_STREAM_END) return true;
      if (result != Z_OK && result != Z_BUF_ERROR) return false;
      continue;
    }
    if (stream_.avail_in == 0) return true;
  }
}

bool GzipCompress(std::string_view input, std::string& out) {
  out.clear();
  GzipStream stream([&out](std::string_view piece) { out.append(piece); });
  if (!stream.ok()) return false;
  stream.Write(input);
  return stream.Finish();
}

}  // namespace netif
