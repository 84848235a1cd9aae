#include "config/anchored_regex.h"

#include <utility>

namespace netif {

OrError<AnchoredRegex> AnchoredRegex::Compile(std::string pattern) {
  AnchoredRegex compiled;
  if (pattern.empty()) return compiled;
  try {
    compiled.regex_ = std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return "invalid regular expression \"" + pattern + "\": " + e.what();
  }
  compiled.pattern_ = std::move(pattern);
  return compiled;
}

bool AnchoredRegex::Matches(std::string_view text) const {
  if (pattern_.empty()) return false;
  return std::regex_match(text.begin(), text.end(), regex_);
}

}  // namespace netif
