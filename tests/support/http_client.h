// A minimal blocking HTTP/1.1 client for tests: one GET over loopback, Connection: close.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace netif::testing_support {

struct HttpResponse {
  int status = 0;
  std::string headers;  // raw header block
  std::string body;
};

// Returns nullopt when the connection fails or times out (`timeout_ms` per socket operation).
std::optional<HttpResponse> HttpGet(const std::string& host, int port, const std::string& path,
                                    const std::vector<std::string>& extra_headers = {},
                                    int timeout_ms = 10000);

// The value of header `name` (case-insensitive) in a raw header block, trimmed; nullopt if absent.
std::optional<std::string> HeaderValue(const std::string& headers, const std::string& name);

// Decompresses a gzip body (RFC 1952); nullopt when it is not valid gzip.
std::optional<std::string> Gunzip(const std::string& compressed);

}  // namespace netif::testing_support
