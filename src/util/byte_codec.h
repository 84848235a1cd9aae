// A small byte codec for state that outlives the process (the warm-restart file, src/storage):
// little-endian fixed-width integers, IEEE-754 doubles and floats by their bits, length-prefixed
// strings. The same values always give the same bytes, whatever the host.
//
// ByteWriter appends to a std::string (one buffer, grown geometrically; no other allocation).
// ByteReader reads a byte span, bounds-checked: a read past the end, or a length prefix longer
// than what is left, fails the reader, and a failed reader stays failed (every later read returns
// a zero value), so a decoder can read a whole record and test ok() once at the end. It never
// reads outside its span.
//
// Thread-safety: plain values; REQUIRES external synchronization.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace netif {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void U16(uint16_t v) { Little(v, 2); }
  void U32(uint32_t v) { Little(v, 4); }
  void U64(uint64_t v) { Little(v, 8); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F32(float v) { U32(std::bit_cast<uint32_t>(v)); }
  void F64(double v) { U64(std::bit_cast<uint64_t>(v)); }
  // A u32 length, then the bytes.
  void String(std::string_view v) {
    U32(static_cast<uint32_t>(v.size()));
    out_.append(v);
  }
  void Raw(std::string_view v) { out_.append(v); }

  std::size_t size() const { return out_.size(); }
  // Overwrites 4 bytes at `offset` (a length written once its record is complete).
  void PatchU32(std::size_t offset, uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }

 private:
  void Little(uint64_t v, int bytes) {
    char buffer[8];
    for (int i = 0; i < bytes; ++i) buffer[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_.append(buffer, static_cast<std::size_t>(bytes));
  }
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  explicit ByteReader(std::string_view bytes)
      : bytes_(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) {}

  bool ok() const { return ok_; }
  // Marks the input invalid (a decoder found a value out of range); sticky like a short read.
  void Fail() { ok_ = false; }
  std::size_t remaining() const { return ok_ ? bytes_.size() - position_ : 0; }
  std::size_t position() const { return position_; }

  uint8_t U8() { return static_cast<uint8_t>(Little(1)); }
  // Anything but 0 or 1 fails the reader.
  bool Bool() {
    const uint8_t v = U8();
    if (v > 1) Fail();
    return v == 1;
  }
  uint16_t U16() { return static_cast<uint16_t>(Little(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Little(4)); }
  uint64_t U64() { return Little(8); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  float F32() { return std::bit_cast<float>(U32()); }
  double F64() { return std::bit_cast<double>(U64()); }
  // A view into the input (valid while it is); empty after a failure.
  std::string_view String() {
    const uint32_t size = U32();
    return Raw(size);
  }
  std::string_view Raw(std::size_t size) {
    if (!Need(size)) return {};
    const auto* start = reinterpret_cast<const char*>(bytes_.data() + position_);
    position_ += size;
    return {start, size};
  }

 private:
  bool Need(std::size_t size) {
    if (!ok_ || size > bytes_.size() - position_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  uint64_t Little(int bytes) {
    if (!Need(static_cast<std::size_t>(bytes))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(bytes_[position_ + i]) << (8 * i);
    position_ += static_cast<std::size_t>(bytes);
    return v;
  }

  std::span<const uint8_t> bytes_;
  std::size_t position_ = 0;
  bool ok_ = true;
};

}  // namespace netif
