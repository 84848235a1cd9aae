#include "util/device_filter.h"

#include <re2/re2.h>

#include <stdexcept>

namespace netif {
namespace {

std::shared_ptr<const re2::RE2> Compile(const std::string& pattern) {
  if (pattern.empty()) return nullptr;
  RE2::Options options(RE2::Latin1);
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(pattern, options);
  if (!regex->ok()) throw std::invalid_argument("invalid regular expression: " + regex->error());
  return regex;
}

bool Matches(const re2::RE2& regex, std::string_view text) {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), regex);
}

}  // namespace

DeviceFilter::DeviceFilter(const std::string& include, const std::string& exclude)
    : include_(Compile(include)), exclude_(Compile(exclude)) {}

bool DeviceFilter::Allows(std::string_view device) const {
  if (exclude_ && Matches(*exclude_, device)) return false;
  return !include_ || Matches(*include_, device);
}

}  // namespace netif
