#include "http/basic_auth.h"

#include <gtest/gtest.h>

namespace netif {
namespace {

TEST(DecodeBase64Test, DecodesPaddedStandardBase64) {
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("Zg=="), "f");
  EXPECT_EQ(DecodeBase64("Zm8="), "fo");
  EXPECT_EQ(DecodeBase64("Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64("Zm9vYmFy"), "foobar");
  EXPECT_EQ(DecodeBase64("+/+/"), std::string("\xfb\xff\xbf"));
}

TEST(DecodeBase64Test, RejectsWhatGoRejects) {
  EXPECT_FALSE(DecodeBase64("Zg"));        // unpadded
  EXPECT_FALSE(DecodeBase64("Zg=a"));      // padding in the middle
  EXPECT_FALSE(DecodeBase64("Z==="));      // three pads
  EXPECT_FALSE(DecodeBase64("Zh=="));      // bits set in the padding
  EXPECT_FALSE(DecodeBase64("Zm9v\n"));    // stray byte
  EXPECT_FALSE(DecodeBase64("Zg==Zg=="));  // padding before the end
  EXPECT_FALSE(DecodeBase64("Zm-_"));      // URL alphabet
}

TEST(ParseBasicAuthorizationTest, SplitsAtTheFirstColon) {
  // "alice:se:cret"
  const auto credentials = ParseBasicAuthorization("Basic YWxpY2U6c2U6Y3JldA==");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "alice");
  EXPECT_EQ(credentials->password, "se:cret");
}

TEST(ParseBasicAuthorizationTest, SchemeIsCaseInsensitiveAndEmptyPartsAreAllowed) {
  const auto credentials = ParseBasicAuthorization("bAsIc   Og==");  // ":"
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "");
  EXPECT_EQ(credentials->password, "");
}

TEST(ParseBasicAuthorizationTest, RejectsOtherSchemesAndMalformedValues) {
  EXPECT_FALSE(ParseBasicAuthorization(""));
  EXPECT_FALSE(ParseBasicAuthorization("Basic"));
  EXPECT_FALSE(ParseBasicAuthorization("Bearer YWxpY2U6cHc="));
  EXPECT_FALSE(ParseBasicAuthorization("BasicYWxpY2U6cHc="));
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U="));     // "alice": no colon
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U6cHc"));  // unpadded
}

}  // namespace
}  // namespace netif
