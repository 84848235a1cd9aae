#include "web/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace netif {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at the start of `bytes` (RFC 3629: no overlong forms,
// no surrogates, nothing past U+10FFFF), or 0 when it is not one.
std::size_t ValidSequenceLength(std::string_view bytes) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (bytes.size() < length) return 0;
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

void AppendEscapedAscii(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  const auto code = static_cast<unsigned char>(c);
  // Control characters, and "<" so that a body mistaken for HTML can never open a tag.
  if (code < 0x20 || code == 0x7F || c == '<') {
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\u00";
    out += kHex[code >> 4];
    out += kHex[code & 0xF];
    return;
  }
  out += c;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view bytes) {
  out += '"';
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      AppendEscapedAscii(out, bytes[i]);
      ++i;
      continue;
    }
    const std::size_t length = ValidSequenceLength(bytes.substr(i));
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(bytes.substr(i, length));
    i += length;
  }
  out += '"';
}

void AppendJsonNumber(std::string& out, std::optional<double> value, int significant_digits) {
  if (!value || !std::isfinite(*value)) {
    out += "null";
    return;
  }
  char text[32];
  const double v = *value;
  std::to_chars_result result;
  if (v == std::trunc(v) && std::fabs(v) <= 9007199254740992.0) {
    result = std::to_chars(text, text + sizeof text, static_cast<int64_t>(v));
  } else {
    result =
        std::to_chars(text, text + sizeof text, v, std::chars_format::general, significant_digits);
  }
  out.append(text, result.ptr);
}

void AppendJsonBool(std::string& out, std::optional<bool> value) {
  if (!value) {
    out += "null";
    return;
  }
  out += *value ? "true" : "false";
}

}  // namespace netif
