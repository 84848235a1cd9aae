// A regular expression that must match a whole string, like Prometheus' relabel regexes: "eth.*"
// selects "eth0" but not "veth0". Compiled once at start-up so a bad pattern is a config error,
// not a surprise on the first sample.
//
// Thread-safety: immutable after construction; Matches() is safe for concurrent use.
#pragma once

#include <regex>
#include <string>
#include <string_view>

#include "config/values.h"

namespace netif {

class AnchoredRegex {
 public:
  // The empty pattern, which Matches() nothing.
  AnchoredRegex() = default;
  // Compiles an ECMAScript pattern, or returns why it is invalid ("invalid regular expression
  // \"([\": ..."). The pattern is not wrapped in ^(?:...)$ (that would turn "a)|(b" into a valid
  // but different expression); whole-string matching comes from std::regex_match instead.
  static OrError<AnchoredRegex> Compile(std::string pattern);

  const std::string& pattern() const { return pattern_; }
  bool empty() const { return pattern_.empty(); }
  // True when the pattern matches all of `text`; always false for the empty pattern.
  bool Matches(std::string_view text) const;

  // Equal patterns compile to equal automata, so comparing the text is enough.
  bool operator==(const AnchoredRegex& other) const { return pattern_ == other.pattern_; }

 private:
  std::string pattern_;
  std::regex regex_;
};

}  // namespace netif
