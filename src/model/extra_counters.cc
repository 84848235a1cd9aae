#include "model/extra_counters.h"

#include <algorithm>

namespace netif {
namespace {

bool ByDefinition(const ExtraCounters::Value& value, const ExtraCounterDefinition* definition) {
  return value.first < definition;
}

}  // namespace

void ExtraCounters::Set(const ExtraCounterDefinition& definition, uint64_t value) {
  auto it = std::lower_bound(values_.begin(), values_.end(), &definition, ByDefinition);
  if (it != values_.end() && it->first == &definition) {
    it->second = value;
  } else {
    values_.insert(it, {&definition, value});
  }
}

std::optional<uint64_t> ExtraCounters::Get(const ExtraCounterDefinition& definition) const {
  auto it = std::lower_bound(values_.begin(), values_.end(), &definition, ByDefinition);
  if (it == values_.end() || it->first != &definition) return std::nullopt;
  return it->second;
}

void ExtraCounters::MergeFrom(const ExtraCounters& newer) {
  for (const auto& [definition, value] : newer.values_) Set(*definition, value);
}

void ExtraCounters::EraseDefinitionsOf(const ExtraCounters& other) {
  if (other.values_.empty()) return;
  std::erase_if(values_, [&](const Value& value) {
    return std::binary_search(other.values_.begin(), other.values_.end(), value,
                              [](const Value& a, const Value& b) { return a.first < b.first; });
  });
}

}  // namespace netif
