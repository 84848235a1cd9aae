#include "support/snmp/snmprec.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace netif::testing_support {
namespace {

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

template <typename T>
std::optional<T> Number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Fills `vb`'s type and value from TAG and VALUE; returns why not.
std::string Decode(std::string_view tag_text, std::string_view value, Varbind& vb) {
  if (auto colon = tag_text.find(':'); colon != std::string_view::npos) {
    tag_text = tag_text.substr(0, colon);
  }
  bool hex = false;
  if (tag_text.ends_with('x')) {
    hex = true;
    tag_text.remove_suffix(1);
  }
  const auto tag = Number<unsigned>(tag_text);
  if (!tag || *tag > 0xFF) return "bad tag " + std::string(tag_text);
  vb.type = static_cast<uint8_t>(*tag);
  std::string raw(value);
  if (hex) {
    auto bytes = FromHex(value);
    if (!bytes) return "bad hex value";
    raw = std::move(*bytes);
  }
  switch (static_cast<SnmpType>(vb.type)) {
    case SnmpType::kInteger: {
      const auto n = Number<int64_t>(raw);
      if (!n) return "bad integer " + raw;
      vb.integer = *n;
      return "";
    }
    case SnmpType::kCounter32:
    case SnmpType::kGauge32:
    case SnmpType::kTimeTicks:
    case SnmpType::kCounter64: {
      const auto n = Number<uint64_t>(raw);
      if (!n) return "bad unsigned " + raw;
      vb.unsigned_value = *n;
      return "";
    }
    case SnmpType::kIpAddress:
      if (!hex) {
        // Dotted quad -> 4 octets.
        std::string octets;
        std::istringstream parts(raw);
        for (std::string part; std::getline(parts, part, '.');) {
          const auto n = Number<unsigned>(part);
          if (!n || *n > 255) return "bad IpAddress " + raw;
          octets.push_back(static_cast<char>(*n));
        }
        raw = octets;
      }
      vb.bytes = raw;
      return "";
    default:
      vb.bytes = raw;  // OCTET STRING, OID (dotted text), Opaque, Null
      return "";
  }
}

}  // namespace

SnmprecRecording ParseSnmprec(std::string_view text) {
  SnmprecRecording recording;
  std::set<Oid> seen;
  size_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t first = line.find('|');
    const size_t second = first == std::string_view::npos ? first : line.find('|', first + 1);
    const std::string where = "line " + std::to_string(number) + ": ";
    if (second == std::string_view::npos) {
      recording.problems.push_back(where + "want OID|TAG|VALUE");
      continue;
    }
    Varbind vb;
    const std::optional<Oid> oid = ParseOid(line.substr(0, first));
    if (!oid) {
      recording.problems.push_back(where + "bad OID");
      continue;
    }
    vb.oid = *oid;
    if (std::string why =
            Decode(line.substr(first + 1, second - first - 1), line.substr(second + 1), vb);
        !why.empty()) {
      recording.problems.push_back(where + why);
      continue;
    }
    if (!seen.insert(vb.oid).second) continue;  // a repeated last OID: the first one stands
    recording.varbinds.push_back(std::move(vb));
  }
  return recording;
}

SnmprecRecording ReadSnmprecFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read recording " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseSnmprec(text.str());
}

std::string SharedSnmprecDir() {
  std::string dir;
  if (const char* shared = std::getenv("NETIF_SHARED_DIR"); shared != nullptr && *shared != '\0') {
    dir = std::string(shared) + "/testdata/snmprec";
  } else {
    dir = std::string(NETIF_SOURCE_DIR) + "/../shared/testdata/snmprec";
  }
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error("the shared SNMP recordings are missing: " + dir +
                             " (set NETIF_SHARED_DIR to the directory holding testdata/snmprec)");
  }
  return std::filesystem::canonical(dir).string();
}

std::string SharedSnmprec(const std::string& file_name) {
  const std::string path = SharedSnmprecDir() + "/" + file_name;
  if (!std::filesystem::is_regular_file(path)) {
    throw std::runtime_error("missing recording " + path);
  }
  return path;
}

}  // namespace netif::testing_support
