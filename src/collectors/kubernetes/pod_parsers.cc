#include "collectors/kubernetes/pod_parsers.h"

#include <array>
#include <charconv>
#include <vector>

namespace netif::kubernetes {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool AllLowerHex(std::string_view text) {
  for (char c : text) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

// Runtimes write 64 hex digits; shorter forms (Docker's 12) are accepted, anything else not.
bool IsContainerId(std::string_view text) {
  return text.size() >= 12 && text.size() <= 128 && AllLowerHex(text);
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool IsKubepods(std::string_view part) {
  return part.starts_with("kubepods") || part.find("-kubepods") != std::string_view::npos;
}

// The runtime prefixes of a systemd scope. A monitor's scope (conmon) holds no container.
struct ScopePrefix {
  std::string_view prefix;
  bool container;
};
constexpr std::array<ScopePrefix, 6> kScopePrefixes = {{
    {"cri-containerd-", true},
    {"crio-conmon-", false},
    {"crio-", true},
    {"docker-", true},
    {"libpod-conmon-", false},
    {"libpod-", true},
}};

enum class ScopeMatch : uint8_t { kNone, kContainer, kMonitor, kBadId };

ScopeMatch MatchScope(std::string_view part, std::string& id) {
  if (!EndsWith(part, ".scope")) return ScopeMatch::kNone;
  const std::string_view base = part.substr(0, part.size() - 6);
  for (const ScopePrefix& scope : kScopePrefixes) {
    if (!base.starts_with(scope.prefix)) continue;
    const std::string_view rest = base.substr(scope.prefix.size());
    if (!IsContainerId(rest)) return ScopeMatch::kBadId;
    if (!scope.container) return ScopeMatch::kMonitor;
    id = std::string(rest);
    return ScopeMatch::kContainer;
  }
  return ScopeMatch::kNone;
}

// A pod component: "kubepods-<qos>-pod<uid_with_underscores>.slice" (systemd) or "pod<uid>"
// under a kubepods component (cgroupfs). nullopt: not a pod component; "" : a pod component
// whose UID is malformed.
std::optional<std::string> MatchPod(std::string_view part, bool under_kubepods) {
  if (EndsWith(part, ".slice")) {
    const std::string_view base = part.substr(0, part.size() - 6);
    if (!IsKubepods(base)) return std::nullopt;
    const std::size_t at = base.rfind("-pod");
    if (at == std::string_view::npos) return std::nullopt;
    std::string uid(base.substr(at + 4));
    for (char& c : uid) {
      if (c == '_') c = '-';
    }
    return IsPodUid(uid) ? uid : std::string();
  }
  if (under_kubepods && part.starts_with("pod")) {
    const std::string_view uid = part.substr(3);
    return IsPodUid(uid) ? std::string(uid) : std::string();
  }
  return std::nullopt;
}

// What follows a pod component: the container's scope (systemd) or bare ID (cgroupfs).
void ReadPodContainer(std::string_view part, CgroupPathIdentity& out) {
  std::string id;
  switch (MatchScope(part, id)) {
    case ScopeMatch::kContainer:
      out.container_id = std::move(id);
      return;
    case ScopeMatch::kMonitor:
      return;
    case ScopeMatch::kBadId:
      out.unknown_shape = true;
      return;
    case ScopeMatch::kNone:
      break;
  }
  if (IsContainerId(part)) {
    out.container_id = std::string(part);
  } else {
    out.unknown_shape = true;
  }
}

// A plain container outside Kubernetes: a runtime's scope, or /docker/<id> (cgroupfs driver).
void ReadPlainContainer(const std::vector<std::string_view>& parts, CgroupPathIdentity& out) {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string id;
    const ScopeMatch match = MatchScope(parts[i], id);
    if (match == ScopeMatch::kContainer) {
      out.container_id = std::move(id);
      return;
    }
    if (match == ScopeMatch::kBadId) {
      out.unknown_shape = true;
      return;
    }
    if (match == ScopeMatch::kMonitor) return;
    if (parts[i] == "docker" && i + 1 < parts.size() && IsContainerId(parts[i + 1])) {
      out.container_id = std::string(parts[i + 1]);
      return;
    }
  }
}

}  // namespace

bool IsPodUid(std::string_view text) {
  if (text.size() == 32) return AllLowerHex(text);
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_place ? text[i] != '-' : !IsLowerHex(text[i])) return false;
  }
  return true;
}

CgroupPathIdentity ParseCgroupPath(std::string_view path) {
  CgroupPathIdentity out;
  const std::vector<std::string_view> parts = SplitPath(path);
  bool under_kubepods = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (IsKubepods(parts[i])) under_kubepods = true;
    std::optional<std::string> uid = MatchPod(parts[i], under_kubepods);
    if (!uid) continue;
    if (uid->empty()) {
      out.unknown_shape = true;
      return out;
    }
    out.pod_uid = std::move(*uid);
    if (i + 1 < parts.size()) ReadPodContainer(parts[i + 1], out);
    return out;
  }
  // Under kubepods but above any pod (the QoS slices): no pod, no container, no error.
  if (!under_kubepods) ReadPlainContainer(parts, out);
  return out;
}

namespace {

// Lays one line's finding over the process's: differing non-empty values conflict.
void Merge(const std::string& line_value, std::string& value, bool& conflict) {
  if (line_value.empty()) return;
  if (value.empty()) {
    value = line_value;
  } else if (value != line_value) {
    conflict = true;
  }
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

CgroupIdentity ParseProcCgroup(std::string_view text) {
  CgroupIdentity out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    // <hierarchy id>:<controllers>:<path>; the path itself may hold ':'.
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos || !AllDigits(line.substr(0, first)) ||
        !line.substr(second + 1).starts_with('/')) {
      out.unknown_shape = true;
      continue;
    }
    const CgroupPathIdentity found = ParseCgroupPath(line.substr(second + 1));
    if (found.unknown_shape) out.unknown_shape = true;
    Merge(found.pod_uid, out.pod_uid, out.conflict);
    Merge(found.container_id, out.container_id, out.conflict);
  }
  return out;
}

namespace {

// DNS labels and subdomains: lower-case letters, digits, '-' and '.'.
bool IsKubernetesName(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<PodLogDir> ParsePodLogDirName(std::string_view name) {
  const std::size_t first = name.find('_');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = name.find('_', first + 1);
  if (second == std::string_view::npos || name.find('_', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  PodLogDir dir{std::string(name.substr(0, first)),
                std::string(name.substr(first + 1, second - first - 1)),
                std::string(name.substr(second + 1))};
  if (!IsKubernetesName(dir.namespace_name) || !IsKubernetesName(dir.pod) ||
      !IsPodUid(dir.pod_uid)) {
    return std::nullopt;
  }
  return dir;
}

std::optional<uint64_t> ParseNetnsLink(std::string_view target) {
  constexpr std::string_view kPrefix = "net:[";
  if (!target.starts_with(kPrefix) || !target.ends_with(']')) return std::nullopt;
  const std::string_view digits = target.substr(kPrefix.size(), target.size() - kPrefix.size() - 1);
  if (!AllDigits(digits)) return std::nullopt;
  uint64_t inode = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), inode);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return inode;
}

}  // namespace netif::kubernetes
