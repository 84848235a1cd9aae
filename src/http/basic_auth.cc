#include "http/basic_auth.h"

#include <array>
#include <cstdint>

namespace netif {
namespace {

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int padding = 0;
    uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      // '=' only at the end of the last quantum, at most two of them.
      if (c == '=' && last && j >= 2 && (j == 3 || text[i + 3] == '=')) {
        ++padding;
        bits <<= 6;
        continue;
      }
      const int8_t value = kDecode[static_cast<unsigned char>(c)];
      if (value < 0 || padding > 0) return std::nullopt;
      bits = (bits << 6) | static_cast<uint32_t>(value);
    }
    const char bytes[3] = {static_cast<char>(bits >> 16), static_cast<char>((bits >> 8) & 0xff),
                           static_cast<char>(bits & 0xff)};
    // Go's StdEncoding rejects set bits in the padding ("illegal base64 data"): so do we.
    if ((padding == 1 && bytes[2] != 0) || (padding == 2 && (bytes[1] != 0 || bytes[2] != 0))) {
      return std::nullopt;
    }
    out.append(bytes, static_cast<std::size_t>(3 - padding));
  }
  return out;
}

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view value) {
  constexpr std::string_view kScheme = "Basic ";
  if (value.size() < kScheme.size() || !EqualsIgnoringCase(value.substr(0, 6), kScheme)) {
    return std::nullopt;
  }
  std::string_view encoded = value.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  const auto decoded = DecodeBase64(encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace netif
