// Pure parsers of what tells a host veth's pod: a process's /proc/<pid>/cgroup (the pod UID and
// container ID the kubelet and the container runtime wrote into the cgroup path), a kubelet pod
// log directory's name (<namespace>_<pod>_<uid>) and a namespace link's target ("net:[<inode>]").
// Each takes outside bytes and never reads outside them; anything of an unexpected shape is
// reported, never guessed at.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netif::kubernetes {

// What one process's cgroup file says about its pod and container.
struct CgroupIdentity {
  std::string pod_uid;       // dashed form ("1f0e...-..."); empty when no kubepods path
  std::string container_id;  // runtime's ID (hex); empty when no container path
  // A line under kubepods (or of a container runtime) whose shape was not understood, or a line
  // that is not "<id>:<controllers>:<path>": the process cannot be placed for sure.
  bool unknown_shape = false;
  // Two lines name different pods or containers (a process moved between hierarchies).
  bool conflict = false;

  bool certain() const { return !unknown_shape && !conflict; }
  bool operator==(const CgroupIdentity&) const = default;
};

// What one cgroup path (the third field of a line) says.
struct CgroupPathIdentity {
  std::string pod_uid;
  std::string container_id;
  bool unknown_shape = false;
  bool operator==(const CgroupPathIdentity&) const = default;
};

// Both kubelet cgroup drivers and the plain-container layouts:
//   systemd:  .../kubepods[-<qos>]-pod<uid with '_' for '-'>.slice/<runtime>-<id>.scope
//   cgroupfs: .../kubepods[/<qos>]/pod<uid>/<id>
//   Docker, podman outside Kubernetes: .../docker-<id>.scope, /docker/<id>, .../libpod-<id>.scope
// with runtime prefixes cri-containerd-, crio-, docker-, libpod- (crio-conmon-<id>.scope is
// CRI-O's monitor, no container). Any other path (/, /user.slice/..., /system.slice/x.service)
// is no container and no error.
CgroupPathIdentity ParseCgroupPath(std::string_view path);

// Every line of /proc/<pid>/cgroup (v1, v2 and hybrid hosts list several): the lines that name a
// pod or container must agree.
CgroupIdentity ParseProcCgroup(std::string_view text);

// A kubelet pod log directory's name, <namespace>_<pod>_<uid>. Namespaces and pod names are DNS
// labels and subdomains, which hold no '_', so the split is exact.
struct PodLogDir {
  std::string namespace_name;
  std::string pod;
  std::string pod_uid;
  bool operator==(const PodLogDir&) const = default;
};
std::optional<PodLogDir> ParsePodLogDirName(std::string_view name);

// The inode in a namespace link's target, "net:[4026531992]" (readlink of /proc/<pid>/ns/net).
std::optional<uint64_t> ParseNetnsLink(std::string_view target);

// A pod UID as the kubelet writes it: a dashed UUID, or 32 hex digits (static pods: a hash).
bool IsPodUid(std::string_view text);

}  // namespace netif::kubernetes
