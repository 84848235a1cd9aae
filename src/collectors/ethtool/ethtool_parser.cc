#include "collectors/ethtool/ethtool_parser.h"

#include <cstring>
#include <string_view>

namespace netif {
namespace {

uint32_t U32At(std::span<const uint8_t> bytes, std::size_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// A fixed-size, NUL-padded field: its bytes up to the first NUL.
std::string FixedString(std::span<const uint8_t> field) {
  const auto* begin = reinterpret_cast<const char*>(field.data());
  const void* nul = std::memchr(begin, '\0', field.size());
  const std::size_t length = nul == nullptr
                                 ? field.size()
                                 : static_cast<std::size_t>(static_cast<const char*>(nul) - begin);
  return std::string(begin, length);
}

std::string TooShort(std::string_view what, std::size_t need, std::size_t have) {
  return std::string(what) + ": need " + std::to_string(need) + " bytes, the reply has " +
         std::to_string(have);
}

}  // namespace

Status ParseEthtoolDriverInfo(std::span<const uint8_t> reply, EthtoolDriverInfo& info) {
  if (reply.size() < kEthtoolDriverInfoBytes) {
    return Status::Error(TooShort("driver info", kEthtoolDriverInfoBytes, reply.size()));
  }
  constexpr std::size_t kFields = 4;  // after cmd
  auto field = [&](std::size_t i) { return reply.subspan(kFields + i * 32, 32); };
  info.driver = FixedString(field(0));
  info.version = FixedString(field(1));
  info.firmware_version = FixedString(field(2));
  info.bus_info = FixedString(field(3));
  info.erom_version = FixedString(field(4));
  // cmd, 5 strings, 12 reserved bytes, n_priv_flags: then n_stats.
  constexpr std::size_t kNStats = 4 + 5 * 32 + 12 + 4;
  info.n_stats = U32At(reply, kNStats);
  return Status::Ok();
}

Status ParseEthtoolStrings(std::span<const uint8_t> reply, std::vector<std::string>& names) {
  names.clear();
  if (reply.size() < kEthtoolStringsHeaderBytes) {
    return Status::Error(TooShort("string set", kEthtoolStringsHeaderBytes, reply.size()));
  }
  const uint64_t count = U32At(reply, 8);
  const std::size_t room = (reply.size() - kEthtoolStringsHeaderBytes) / kEthtoolStringBytes;
  if (count > room) {
    return Status::Error("string set: " + std::to_string(count) + " names announced, room for " +
                         std::to_string(room));
  }
  names.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    names.push_back(FixedString(
        reply.subspan(kEthtoolStringsHeaderBytes + i * kEthtoolStringBytes, kEthtoolStringBytes)));
  }
  return Status::Ok();
}

Status ParseEthtoolStats(std::span<const uint8_t> reply, std::vector<uint64_t>& values) {
  values.clear();
  if (reply.size() < kEthtoolStatsHeaderBytes) {
    return Status::Error(TooShort("statistics", kEthtoolStatsHeaderBytes, reply.size()));
  }
  const uint64_t count = U32At(reply, 4);
  const std::size_t room = (reply.size() - kEthtoolStatsHeaderBytes) / sizeof(uint64_t);
  if (count > room) {
    return Status::Error("statistics: " + std::to_string(count) + " values announced, room for " +
                         std::to_string(room));
  }
  values.resize(count);
  if (count > 0) {
    std::memcpy(values.data(), reply.data() + kEthtoolStatsHeaderBytes, count * sizeof(uint64_t));
  }
  return Status::Ok();
}

}  // namespace netif
