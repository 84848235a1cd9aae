#include "exposition/text_format.h"

#include <charconv>
#include <cmath>

namespace netif {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[0], or 0 when it is not one (overlongs,
// surrogates and code points above U+10FFFF are invalid, as in RFC 3629).
std::size_t ValidUtf8SequenceLength(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

template <typename EscapeAscii>
void AppendSanitized(std::string& out, std::string_view raw, EscapeAscii escape_ascii) {
  while (!raw.empty()) {
    const std::size_t length = ValidUtf8SequenceLength(raw);
    if (length == 0) {
      out.append(kReplacementCharacter);
      raw.remove_prefix(1);
    } else if (length == 1) {
      escape_ascii(out, raw[0]);
      raw.remove_prefix(1);
    } else {
      out.append(raw.substr(0, length));
      raw.remove_prefix(length);
    }
  }
}

}  // namespace

void AppendEscapedLabelValue(std::string& out, std::string_view raw) {
  AppendSanitized(out, raw, [](std::string& o, char c) {
    switch (c) {
      case '\\':
        o.append("\\\\");
        break;
      case '"':
        o.append("\\\"");
        break;
      case '\n':
        o.append("\\n");
        break;
      default:
        o.push_back(c);
    }
  });
}

void AppendEscapedHelp(std::string& out, std::string_view raw) {
  AppendSanitized(out, raw, [](std::string& o, char c) {
    switch (c) {
      case '\\':
        o.append("\\\\");
        break;
      case '\n':
        o.append("\\n");
        break;
      default:
        o.push_back(c);
    }
  });
}

std::string SanitizeUtf8(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  AppendSanitized(out, raw, [](std::string& o, char c) { o.push_back(c); });
  return out;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

void AppendValue(std::string& out, uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace netif
