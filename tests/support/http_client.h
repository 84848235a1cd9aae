// A minimal blocking HTTP/1.1 client for tests: one request over loopback (IPv4 or IPv6),
// Connection: close. A chunked body is decoded (the headers still say it was chunked).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace netif::testing_support {

struct HttpResponse {
  int status = 0;
  std::string headers;  // raw header block
  std::string body;     // de-chunked when the response was chunked
};

// Returns nullopt when the connection fails or times out (`timeout_ms` per socket operation), or
// when a chunked body is malformed or cut short. `http_version` goes into the request line.
std::optional<HttpResponse> HttpGet(const std::string& host, int port, const std::string& path,
                                    const std::vector<std::string>& extra_headers = {},
                                    int timeout_ms = 10000,
                                    const std::string& http_version = "1.1");

// Sends `request` as it is (request line, headers, blank line: the caller writes them, with
// `Connection: close`) to host (an IPv4 or IPv6 literal) and reads the response until the server
// closes. nullopt as for HttpGet, and when what came back does not start with "HTTP/".
std::optional<HttpResponse> HttpRequest(const std::string& host, int port,
                                        const std::string& request, int timeout_ms = 10000);

// The body of a Transfer-Encoding: chunked message, or nullopt when it is malformed or lacks
// its last (empty) chunk.
std::optional<std::string> DecodeChunked(const std::string& chunked);

// The value of header `name` (case-insensitive) in a raw header block, trimmed; nullopt if absent.
std::optional<std::string> HeaderValue(const std::string& headers, const std::string& name);

// Decompresses a gzip body (RFC 1952); nullopt when it is not valid gzip.
std::optional<std::string> Gunzip(const std::string& compressed);

}  // namespace netif::testing_support
