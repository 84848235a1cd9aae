#include "exposition/text_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

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

// Writes `raw` at `cursor` with every invalid UTF-8 sequence replaced by U+FFFD and every ASCII
// byte replaced by `escape_ascii(byte)` (a view of the byte itself to keep it). Returns the end.
// REQUIRES: room for kMaxEscapedBytesPerByte * raw.size() bytes.
template <typename EscapeAscii>
char* WriteSanitized(char* cursor, std::string_view raw, EscapeAscii escape_ascii) {
  const auto put = [&cursor](std::string_view text) {
    std::memcpy(cursor, text.data(), text.size());
    cursor += text.size();
  };
  while (!raw.empty()) {
    const std::size_t length = ValidUtf8SequenceLength(raw);
    if (length == 0) {
      put(kReplacementCharacter);
      raw.remove_prefix(1);
      continue;
    }
    put(length == 1 ? escape_ascii(raw[0]) : raw.substr(0, length));
    raw.remove_prefix(length);
  }
  return cursor;
}

// Appends through WriteSanitized, growing `out` by the bound first.
template <typename EscapeAscii>
void AppendSanitized(std::string& out, std::string_view raw, EscapeAscii escape_ascii) {
  const std::size_t start = out.size();
  out.resize(start + kMaxEscapedBytesPerByte * raw.size());
  char* end = WriteSanitized(out.data() + start, raw, escape_ascii);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

std::string_view EscapeForLabelValue(const char& c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case '"':
      return "\\\"";
    case '\n':
      return "\\n";
    default:
      return {&c, 1};
  }
}

std::string_view EscapeForHelp(const char& c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    default:
      return {&c, 1};
  }
}

// True when `raw` must be written in the hex-escaped form (AppendEscapedLabelValue): it holds an
// invalid UTF-8 sequence, or a backslash followed by 'x' (which the valid form would leave looking
// like an escape).
bool NeedsHexEscapes(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size();) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x80) {
      if (c == '\\' && i + 1 < raw.size() && raw[i + 1] == 'x') return true;
      ++i;
      continue;
    }
    const std::size_t length = ValidUtf8SequenceLength(raw.substr(i));
    if (length == 0) return true;
    i += length;
  }
  return false;
}

// The hex-escaped form: each byte outside a valid UTF-8 sequence and each backslash as "\xHH"
// (written with its backslash escaped for the exposition), '"' and newline escaped as usual.
char* WriteHexEscaped(char* cursor, std::string_view raw) {
  constexpr char kHex[] = "0123456789ABCDEF";
  const auto put_hex = [&cursor, &kHex](unsigned char byte) {
    *cursor++ = '\\';
    *cursor++ = '\\';
    *cursor++ = 'x';
    *cursor++ = kHex[byte >> 4];
    *cursor++ = kHex[byte & 0xF];
  };
  while (!raw.empty()) {
    const auto c = static_cast<unsigned char>(raw[0]);
    std::size_t length = 1;
    if (c == '\\') {
      put_hex(c);
    } else if (c < 0x80) {
      const std::string_view escaped = EscapeForLabelValue(raw[0]);
      std::memcpy(cursor, escaped.data(), escaped.size());
      cursor += escaped.size();
    } else if ((length = ValidUtf8SequenceLength(raw)) == 0) {
      put_hex(c);
      length = 1;
    } else {
      std::memcpy(cursor, raw.data(), length);
      cursor += length;
    }
    raw.remove_prefix(length);
  }
  return cursor;
}

}  // namespace

void AppendEscapedLabelValue(std::string& out, std::string_view raw) {
  const std::size_t start = out.size();
  out.resize(start + kMaxEscapedBytesPerByte * raw.size());
  char* end = WriteEscapedLabelValue(out.data() + start, raw);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

char* WriteEscapedLabelValue(char* cursor, std::string_view raw) {
  // The usual value (a device name, "up", "1m") needs nothing: copy it in one piece, and take
  // the byte-by-byte path only from the first byte that may need escaping or validating.
  const auto needs_care = [](char c) {
    return c == '\\' || c == '"' || c == '\n' || static_cast<unsigned char>(c) >= 0x80;
  };
  std::size_t plain = 0;
  while (plain < raw.size() && !needs_care(raw[plain])) ++plain;
  if (plain > 0) std::memcpy(cursor, raw.data(), plain);  // raw.data() may be null when empty
  if (plain == raw.size()) return cursor + plain;
  // The plain prefix holds no backslash and no byte above 0x7F, so the rest decides the form.
  const std::string_view rest = raw.substr(plain);
  if (NeedsHexEscapes(rest)) return WriteHexEscaped(cursor + plain, rest);
  return WriteSanitized(cursor + plain, rest, EscapeForLabelValue);
}

void AppendEscapedHelp(std::string& out, std::string_view raw) {
  AppendSanitized(out, raw, EscapeForHelp);
}

std::string SanitizeUtf8(std::string_view raw) {
  std::string out;
  AppendSanitized(out, raw, [](const char& c) { return std::string_view(&c, 1); });
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
  char buffer[kMaxValueChars];
  out.append(buffer, static_cast<std::size_t>(WriteValue(buffer, value) - buffer));
}

void AppendValue(std::string& out, double value) {
  char buffer[kMaxValueChars];
  out.append(buffer, static_cast<std::size_t>(WriteValue(buffer, value) - buffer));
}

char* WriteValue(char* cursor, uint64_t value) {
  return std::to_chars(cursor, cursor + kMaxValueChars, value).ptr;
}

char* WriteValue(char* cursor, double value) {
  constexpr double kTwoTo53 = 9007199254740992.0;  // every integer below is exact in a double
  if (value >= 0 && value < kTwoTo53 && !std::signbit(value) &&
      value == static_cast<double>(static_cast<uint64_t>(value))) {
    return WriteValue(cursor, static_cast<uint64_t>(value));
  }
  const auto put = [&cursor](std::string_view text) {
    std::memcpy(cursor, text.data(), text.size());
    return cursor + text.size();
  };
  if (std::isnan(value)) return put("NaN");
  if (std::isinf(value)) return put(value > 0 ? "+Inf" : "-Inf");
  return std::to_chars(cursor, cursor + kMaxValueChars, value).ptr;
}

}  // namespace netif
