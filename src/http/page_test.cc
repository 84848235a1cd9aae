#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "http/page_assets.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

TEST(PageAssetsTest, IndexScriptAndStyleAreEmbedded) {
  const PageAsset* index = FindPageAsset("/");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(std::string(index->body), HasSubstr("<script src=\"static/app.js\""));
  EXPECT_THAT(std::string(index->body), HasSubstr("href=\"static/style.css\""));
  ASSERT_NE(FindPageAsset("/static/app.js"), nullptr);
  ASSERT_NE(FindPageAsset("/static/style.css"), nullptr);
  EXPECT_EQ(FindPageAsset("/static/index.html")->body, index->body);
  EXPECT_EQ(FindPageAsset("/index.html"), nullptr);
  EXPECT_EQ(FindPageAsset("/static/"), nullptr);
}

// The Content-Security-Policy forbids them anyway; the page must not need them.
TEST(PageAssetsTest, NothingExternalNothingInline) {
  const std::regex external(R"((src|href)\s*=\s*["']?(https?:)?//)", std::regex::icase);
  const std::regex url_in_code(R"(https?://)", std::regex::icase);
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)", std::regex::icase);
  const std::regex inline_handler(R"(\son[a-z]+\s*=)", std::regex::icase);
  const std::regex style_attribute(R"(\sstyle\s*=)", std::regex::icase);
  for (const EmbeddedFile& file : EmbeddedPageFiles()) {
    const std::string body(file.bytes);
    EXPECT_FALSE(std::regex_search(body, external)) << file.name;
    if (file.name.ends_with(".html")) {
      EXPECT_FALSE(std::regex_search(body, inline_script)) << file.name;
      EXPECT_FALSE(std::regex_search(body, inline_handler)) << file.name;
      EXPECT_FALSE(std::regex_search(body, style_attribute)) << file.name;
      EXPECT_FALSE(std::regex_search(body, url_in_code)) << file.name;
    }
  }
  EXPECT_GE(EmbeddedPageFiles().size(), 3u);
}

TEST(PageAssetsTest, PolicyAllowsOnlyTheOrigin) {
  const std::string policy(kPageContentSecurityPolicy);
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("script-src 'self'"));
  EXPECT_THAT(policy, HasSubstr("connect-src 'self'"));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("http")));
}

}  // namespace
}  // namespace netif
