#include "storage/state_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

namespace netif {
namespace {

constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kChecksumBytes = 4;

uint32_t Crc32(const void* data, std::size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* bytes = static_cast<const Bytef*>(data);
  // zlib takes uInt lengths: feed it in pieces.
  while (size > 0) {
    const auto piece = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    crc = crc32(crc, bytes, piece);
    bytes += piece;
    size -= piece;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

std::string EncodeStateFile(const StateFile& file) {
  std::string out;
  std::size_t state_bytes = 0;
  for (const SavedInterfaceState& s : file.interfaces) {
    state_bytes += s.key.source.size() + s.key.id.size() + s.state.size() + 17;
  }
  out.reserve(kHeaderBytes + 64 + file.analytics_settings.size() + state_bytes + kChecksumBytes);
  ByteWriter w(out);
  w.Raw(kStateFileMagic);
  w.U32(kStateFileVersion);
  w.U32(0);
  w.U64(0);  // the payload length, patched below
  w.F64(file.saved_unix_seconds);
  w.F64(file.saved_monotonic_seconds);
  w.String(file.analytics_settings);
  w.U32(static_cast<uint32_t>(file.interfaces.size()));
  for (const SavedInterfaceState& s : file.interfaces) {
    w.String(s.key.source);
    w.String(s.key.id);
    w.Bool(s.ifindex.has_value());
    w.U32(s.ifindex.value_or(0));
    w.String(s.state);
  }
  const uint64_t payload = out.size() - kHeaderBytes;
  w.PatchU32(16, static_cast<uint32_t>(payload & 0xFFFFFFFF));
  w.PatchU32(20, static_cast<uint32_t>(payload >> 32));
  w.U32(Crc32(out.data(), out.size()));
  return out;
}

std::variant<StateFile, std::string> ParseStateFile(std::span<const uint8_t> bytes) {
  if (bytes.size() < kStateFileMagic.size() ||
      std::memcmp(bytes.data(), kStateFileMagic.data(), kStateFileMagic.size()) != 0) {
    return std::string("not a netif_exporter state file (magic)");
  }
  ByteReader header(bytes);
  header.Raw(kStateFileMagic.size());
  const uint32_t version = header.U32();
  const uint32_t flags = header.U32();
  const uint64_t payload = header.U64();
  if (!header.ok()) return std::string("truncated header");
  if (version != kStateFileVersion) {
    return "format version " + std::to_string(version) + ", this exporter reads version " +
           std::to_string(kStateFileVersion);
  }
  if (flags != 0) return std::string("unknown flags");
  if (payload > kMaxStateFileBytes || bytes.size() != kHeaderBytes + payload + kChecksumBytes) {
    return "truncated or oversized: " + std::to_string(bytes.size()) + " bytes, header says " +
           std::to_string(payload + kHeaderBytes + kChecksumBytes);
  }
  const std::size_t checked = kHeaderBytes + payload;
  ByteReader checksum(bytes.subspan(checked));
  if (checksum.U32() != Crc32(bytes.data(), checked)) return std::string("bad checksum");

  ByteReader r(bytes.subspan(kHeaderBytes, payload));
  StateFile file;
  file.saved_unix_seconds = r.F64();
  file.saved_monotonic_seconds = r.F64();
  file.analytics_settings = std::string(r.String());
  const uint32_t count = r.U32();
  // Each interface takes at least 17 bytes: a count beyond what is left is corrupt (and must not
  // reserve memory for it).
  if (!r.ok() || count > r.remaining() / 17) return std::string("bad interface count");
  file.interfaces.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    SavedInterfaceState& s = file.interfaces.emplace_back();
    s.key.source = std::string(r.String());
    s.key.id = std::string(r.String());
    const bool has_ifindex = r.Bool();
    const uint32_t ifindex = r.U32();
    if (has_ifindex) {
      s.ifindex = ifindex;
    } else if (ifindex != 0) {
      r.Fail();  // one spelling per file: no ifindex is written as 0
    }
    s.state = std::string(r.String());
  }
  if (!r.ok() || r.remaining() != 0) return std::string("malformed payload");
  if (!std::isfinite(file.saved_unix_seconds) || !std::isfinite(file.saved_monotonic_seconds)) {
    return std::string("malformed save time");
  }
  return file;
}

}  // namespace netif
