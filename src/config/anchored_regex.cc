#include "config/anchored_regex.h"

#include <re2/re2.h>

#include <utility>

namespace netif {

OrError<AnchoredRegex> AnchoredRegex::Compile(std::string pattern) {
  AnchoredRegex compiled;
  if (pattern.empty()) return compiled;
  RE2::Options options(RE2::Latin1);
  options.set_log_errors(false);  // the error goes into the config error line instead
  auto regex = std::make_shared<const RE2>(pattern, options);
  if (!regex->ok()) return "invalid regular expression \"" + pattern + "\": " + regex->error();
  compiled.regex_ = std::move(regex);
  compiled.pattern_ = std::move(pattern);
  return compiled;
}

bool AnchoredRegex::Matches(std::string_view text) const {
  if (pattern_.empty()) return false;
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *regex_);
}

}  // namespace netif
