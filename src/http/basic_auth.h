// Parsing of an HTTP Basic `Authorization` header value (RFC 7617), kept apart from the server so
// that it is unit-tested and fuzzed on its own. Checking the credentials is not done here: the
// server hands them to the `authenticate` hook its owner gave it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netif {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// The user and password of a `Basic <base64(user:password)>` value, or nullopt when the value is
// another scheme, is not padded standard base64, or decodes without a colon. The scheme is
// case-insensitive; the password may hold colons (the first colon splits), as Go's
// Request.BasicAuth reads it.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// Standard base64 (RFC 4648 section 4) with padding, strictly: nullopt on any other byte, on a
// length that is not a multiple of 4, or on non-zero bits after the last byte.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace netif
