#include "collectors/ethtool/stat_names.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "telemetry/self_metrics.h"

namespace netif {
namespace {

bool IsNameByte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Replaces the word `word` (delimited by '_' or either end) with `with`, left to right, each match
// consuming its delimiters as Go's ReplaceAllString does with `(^|_)word(_|$)`: in "rx_rx" only
// the first is replaced, since the second's leading '_' belongs to the first match.
std::string ReplaceWord(std::string_view name, std::string_view word, std::string_view with) {
  std::string out;
  out.reserve(name.size() + 16);
  std::size_t i = 0;
  while (i < name.size()) {
    const bool at_start = i == 0;
    const std::size_t word_at = at_start ? 0 : i + 1;
    const bool opens = at_start || name[i] == '_';
    if (opens && name.substr(word_at).starts_with(word)) {
      const std::size_t end = word_at + word.size();
      if (end == name.size() || name[end] == '_') {
        if (!at_start) out.push_back('_');
        out.append(with);
        if (end < name.size()) out.push_back('_');
        i = end < name.size() ? end + 1 : end;
        continue;
      }
    }
    // At the start without a match, the first character is copied like any other.
    out.push_back(name[i]);
    ++i;
  }
  return out;
}

constexpr std::array<std::string_view, 7> kTotalNames = {
    "rx_bytes", "rx_dropped", "rx_errors", "rx_packets", "tx_bytes", "tx_errors", "tx_packets"};

}  // namespace

std::string SanitizeEthtoolName(std::string_view stat) {
  std::string out;
  out.reserve(stat.size());
  // Underscores at the end of `out` that came from the input, not from a replacement: a run of
  // invalid characters takes them with it.
  std::size_t trailing_underscores = 0;
  std::size_t i = 0;
  while (i < stat.size()) {
    if (IsNameByte(stat[i])) {
      trailing_underscores = stat[i] == '_' ? trailing_underscores + 1 : 0;
      out.push_back(stat[i++]);
      continue;
    }
    out.resize(out.size() - trailing_underscores);
    while (i < stat.size() && !IsNameByte(stat[i])) ++i;
    while (i < stat.size() && stat[i] == '_') ++i;
    out.push_back('_');
    trailing_underscores = 0;
  }
  return out;
}

std::string EthtoolFamilyName(std::string_view stat) {
  const std::string sanitized = SanitizeEthtoolName(stat);
  std::string name = sanitized;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  name.erase(0, name.find_first_not_of('_') == std::string::npos ? name.size()
                                                                 : name.find_first_not_of('_'));
  if (name.empty()) return "";
  name = ReplaceWord(ReplaceWord(name, "rx", "received"), "tx", "transmitted");
  std::string family(kEthtoolFamilyPrefix);
  family += name;
  if (std::find(kTotalNames.begin(), kTotalNames.end(), sanitized) != kTotalNames.end()) {
    family += "_total";
  }
  return family;
}

bool IsReservedEthtoolFamily(std::string_view family) {
  if (family == "netif_ethtool_info") return true;  // the catalogue's (exposition)
  for (const SelfMetricDefinition& definition : SelfMetricCatalogue()) {
    if (definition.name == family) return true;
  }
  return false;
}

EthtoolNaming NameEthtoolStats(std::span<const std::string> stats) {
  EthtoolNaming naming;
  naming.families.reserve(stats.size());
  std::unordered_map<std::string, std::size_t> first_with;  // family -> first index
  std::vector<bool> collided(stats.size(), false);
  for (std::size_t i = 0; i < stats.size(); ++i) {
    std::string family = EthtoolFamilyName(stats[i]);
    if (family.empty()) {
      ++naming.unnamed;
    } else if (IsReservedEthtoolFamily(family)) {
      collided[i] = true;
    } else if (auto [it, added] = first_with.emplace(family, i); !added) {
      collided[i] = true;
      collided[it->second] = true;
    }
    naming.families.push_back(std::move(family));
  }
  for (std::size_t i = 0; i < stats.size(); ++i) {
    if (!collided[i]) continue;
    naming.families[i].clear();
    ++naming.collisions;
  }
  return naming;
}

EthtoolFamilies& EthtoolFamilies::Process() {
  // Never destroyed: snapshots that point at its definitions may be rendered until exit.
  static auto* families = new EthtoolFamilies();
  return *families;
}

const ExtraCounterDefinition* EthtoolFamilies::Intern(const std::string& family,
                                                      std::string_view stat) {
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(family); it != families_.end()) return &it->second->definition;
  if (families_.size() >= capacity_) return nullptr;
  auto entry = std::make_unique<Family>();
  entry->name = family;
  entry->help =
      "Driver statistic " + SanitizeEthtoolName(stat) + " (ethtool -S), as the driver reports it.";
  entry->definition = {entry->name, entry->help, MetricType::kUntyped};
  const ExtraCounterDefinition* definition = &entry->definition;
  families_.emplace(family, std::move(entry));
  return definition;
}

std::size_t EthtoolFamilies::size() const {
  std::lock_guard lock(mutex_);
  return families_.size();
}

}  // namespace netif
