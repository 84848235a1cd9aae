#include "util/byte_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace netif {
namespace {

TEST(ByteCodecTest, RoundTripsEveryType) {
  std::string bytes;
  ByteWriter w(bytes);
  w.U8(0xAB);
  w.Bool(true);
  w.U16(0xBEEF);
  w.U32(0xDEADBEEF);
  w.U64(0x0123456789ABCDEFull);
  w.I64(-42);
  w.F32(1.5f);
  w.F64(-2.25);
  w.F64(std::numeric_limits<double>::quiet_NaN());
  w.String("eth0");
  w.String("");
  ASSERT_EQ(bytes.size(), 1u + 1 + 2 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 4);

  ByteReader r(bytes);
  EXPECT_EQ(r.U8(), 0xAB);
  EXPECT_TRUE(r.Bool());
  EXPECT_EQ(r.U16(), 0xBEEF);
  EXPECT_EQ(r.U32(), 0xDEADBEEFu);
  EXPECT_EQ(r.U64(), 0x0123456789ABCDEFull);
  EXPECT_EQ(r.I64(), -42);
  EXPECT_EQ(r.F32(), 1.5f);
  EXPECT_EQ(r.F64(), -2.25);
  EXPECT_TRUE(std::isnan(r.F64()));
  EXPECT_EQ(r.String(), "eth0");
  EXPECT_EQ(r.String(), "");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteCodecTest, IsLittleEndian) {
  std::string bytes;
  ByteWriter(bytes).U32(0x04030201);
  EXPECT_EQ(bytes, std::string("\x01\x02\x03\x04", 4));
}

TEST(ByteCodecTest, ShortReadFailsAndStaysFailed) {
  std::string bytes;
  ByteWriter(bytes).U16(7);
  ByteReader r(bytes);
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  // Sticky: even a read that would fit now returns zero.
  EXPECT_EQ(r.U8(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteCodecTest, LengthPrefixBeyondTheEndFails) {
  std::string bytes;
  ByteWriter w(bytes);
  w.U32(1000);  // claims 1000 bytes, has 3
  w.Raw("abc");
  ByteReader r(bytes);
  EXPECT_EQ(r.String(), "");
  EXPECT_FALSE(r.ok());
}

TEST(ByteCodecTest, HugeLengthPrefixDoesNotOverflow) {
  std::string bytes;
  ByteWriter(bytes).U32(0xFFFFFFFF);
  ByteReader r(bytes);
  EXPECT_EQ(r.String(), "");
  EXPECT_FALSE(r.ok());
}

TEST(ByteCodecTest, BoolOtherThanZeroOrOneFails) {
  std::string bytes;
  ByteWriter(bytes).U8(2);
  ByteReader r(bytes);
  r.Bool();
  EXPECT_FALSE(r.ok());
}

TEST(ByteCodecTest, PatchU32OverwritesInPlace) {
  std::string bytes;
  ByteWriter w(bytes);
  w.U32(0);
  w.U8(9);
  w.PatchU32(0, 5);
  ByteReader r(bytes);
  EXPECT_EQ(r.U32(), 5u);
  EXPECT_EQ(r.U8(), 9);
}

}  // namespace
}  // namespace netif
