// A regular expression that must match a whole string, like Prometheus' relabel regexes: "eth.*"
// selects "eth0" but not "veth0". Compiled once at start-up so a bad pattern is a config error,
// not a surprise on the first sample.
//
// RE2 (as in Prometheus): matching takes time linear in the text whatever the pattern, so a
// pattern like "(x*)*y" against an ifAlias a device controls cannot hold a thread. RE2 has no
// backreferences or lookarounds; such a pattern is a config error. Patterns and texts are taken
// byte by byte (Latin-1 mode): a device name need not be valid UTF-8, and a UTF-8 literal in a
// pattern still matches the same bytes.
//
// Thread-safety: immutable after construction; Matches() is safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "config/values.h"

namespace re2 {
class RE2;
}

namespace netif {

class AnchoredRegex {
 public:
  // The empty pattern, which Matches() nothing.
  AnchoredRegex() = default;
  // Compiles an RE2 pattern, or returns why it is invalid ("invalid regular expression \"([\":
  // missing ]: ["). The pattern is not wrapped in ^(?:...)$ (that would turn "a)|(b" into a
  // valid but different expression); whole-string matching comes from an anchored match instead.
  static OrError<AnchoredRegex> Compile(std::string pattern);

  const std::string& pattern() const { return pattern_; }
  bool empty() const { return pattern_.empty(); }
  // True when the pattern matches all of `text`; always false for the empty pattern.
  bool Matches(std::string_view text) const;

  // Equal patterns compile to equal automata, so comparing the text is enough.
  bool operator==(const AnchoredRegex& other) const { return pattern_ == other.pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> regex_;  // shared: copies of a Config share one automaton
};

}  // namespace netif
