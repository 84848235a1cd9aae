#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace netif::testing_support {

std::optional<HttpResponse> HttpGet(const std::string& host, int port, const std::string& path,
                                    const std::vector<std::string>& extra_headers, int timeout_ms,
                                    const std::string& http_version) {
  std::string request =
      "GET " + path + " HTTP/" + http_version + "\r\nHost: " + host + "\r\nConnection: close\r\n";
  for (const auto& header : extra_headers) request += header + "\r\n";
  request += "\r\n";
  return HttpRequest(host, port, request, timeout_ms);
}

std::optional<HttpResponse> HttpRequest(const std::string& host, int port,
                                        const std::string& request, int timeout_ms) {
  sockaddr_storage address{};
  socklen_t address_length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    address_length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    address_length = sizeof *v6;
  } else {
    return std::nullopt;
  }
  const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), address_length) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return std::nullopt;
  }
  std::string raw;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  HttpResponse response;
  response.headers = raw.substr(0, header_end);
  response.body = raw.substr(header_end + 4);
  const auto space = raw.find(' ');
  response.status = std::atoi(raw.c_str() + space + 1);
  const auto encoding = HeaderValue(response.headers, "Transfer-Encoding");
  if (encoding && *encoding == "chunked") {
    auto body = DecodeChunked(response.body);
    if (!body) return std::nullopt;
    response.body = std::move(*body);
  }
  return response;
}

std::optional<std::string> DecodeChunked(const std::string& chunked) {
  std::string body;
  std::size_t at = 0;
  for (;;) {
    const auto line_end = chunked.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    char* size_end = nullptr;
    const unsigned long long size = std::strtoull(chunked.c_str() + at, &size_end, 16);
    if (size_end == chunked.c_str() + at) return std::nullopt;  // no hex digits
    at = line_end + 2;
    if (size == 0) return chunked.compare(at, 2, "\r\n") == 0 ? std::optional(body) : std::nullopt;
    if (chunked.size() < at + size + 2 || chunked.compare(at + size, 2, "\r\n") != 0) {
      return std::nullopt;
    }
    body.append(chunked, at, size);
    at += size + 2;
  }
}

std::optional<std::string> HeaderValue(const std::string& headers, const std::string& name) {
  const auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  const std::string wanted = lower(name);
  std::istringstream stream(headers);
  for (std::string line; std::getline(stream, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || lower(line.substr(0, colon)) != wanted) continue;
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    const auto end = line.find_last_not_of(" \t\r");
    if (begin == std::string::npos) return std::string();
    return line.substr(begin, end - begin + 1);
  }
  return std::nullopt;
}

std::optional<std::string> Gunzip(const std::string& compressed) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (CRC and length are checked).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) break;  // truncated input
  }
  const bool complete = rc == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!complete) return std::nullopt;
  return out;
}

}  // namespace netif::testing_support
