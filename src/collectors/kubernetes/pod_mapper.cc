#include "collectors/kubernetes/pod_mapper.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "collectors/kubernetes/pod_parsers.h"

namespace netif::kubernetes {
namespace {

// /proc/<pid>/cgroup lists a line per hierarchy: a few hundred bytes, a few KiB on v1 hosts.
constexpr std::size_t kMaxCgroupFileBytes = 64 * 1024;

bool IsPid(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view ReasonOfErrno(int error) {
  switch (error) {
    case ENOENT:
    case ESRCH:
      return "process_exited";
    case EACCES:
    case EPERM:
      return "permission_denied";
    default:
      return "netns_vanished";
  }
}

struct Netns {
  std::vector<std::string> pids;
  std::string name;        // the host's, when it names it
  std::string named_path;  // the bind mount that names it
  int32_t nsid = -1;
};

}  // namespace

struct PodMapper::Impl {
  const Options& options;
  const FileReader& fs;
  NetnsKernel& kernel;
  ScanResult& result;

  void Problem(std::string_view reason, std::string what) {
    result.problems.push_back({std::string(reason), std::move(what)});
  }

  std::string ProcPath(const std::string& pid, std::string_view file) const {
    std::string path = options.procfs;
    path.append("/").append(pid).append("/").append(file);
    return path;
  }

  // The inode of the exporter's own namespace: its veths' peers are elsewhere by definition.
  std::optional<uint64_t> OwnNetns() const {
    auto target = fs.ReadLink(options.procfs + "/self/ns/net");
    return target ? ParseNetnsLink(*target) : std::nullopt;
  }

  void AddNamedNetns(std::map<uint64_t, Netns>& namespaces, std::optional<uint64_t> own) {
    for (const std::string& dir : options.netns_dirs) {
      auto names = fs.ListDirectory(dir);
      if (!names) continue;  // no such runtime on this host
      for (const std::string& name : *names) {
        const std::string path = dir + "/" + name;
        auto inode = kernel.InodeOf(path);
        if (!inode || inode == own) continue;
        Netns& netns = namespaces[*inode];
        // Two names for one namespace (ip netns and a runtime's file): the first listed, stably.
        if (netns.name.empty() || name < netns.name) {
          netns.name = name;
          netns.named_path = path;
        }
      }
    }
  }

  void AddProcesses(std::map<uint64_t, Netns>& namespaces, std::optional<uint64_t> own) {
    auto pids = fs.ListDirectory(options.procfs);
    if (!pids) return;
    for (const std::string& pid : *pids) {
      if (!IsPid(pid)) continue;
      auto target = fs.ReadLink(ProcPath(pid, "ns/net"));
      if (!target) {
        // Gone between the listing and now, or not ours to look at (no CAP_SYS_PTRACE).
        if (fs.Exists(options.procfs + "/" + pid)) {
          Problem("permission_denied", ProcPath(pid, "ns/net"));
        } else {
          Problem("process_exited", "pid " + pid);
        }
        continue;
      }
      auto inode = ParseNetnsLink(*target);
      if (!inode || inode == own) continue;
      namespaces[*inode].pids.push_back(pid);
    }
  }

  // The namespace's id in ours, through any of its processes or its bind mount.
  void ResolveNsid(Netns& netns, uint64_t inode) {
    int error = 0;
    for (const std::string& pid : netns.pids) {
      if (auto nsid = kernel.NsidOf(ProcPath(pid, "ns/net"), error)) {
        netns.nsid = *nsid;
        return;
      }
      Problem(ReasonOfErrno(error), ProcPath(pid, "ns/net") + ": " + std::strerror(error));
    }
    if (!netns.named_path.empty()) {
      if (auto nsid = kernel.NsidOf(netns.named_path, error)) {
        netns.nsid = *nsid;
        return;
      }
    }
    if (!netns.pids.empty() || !netns.named_path.empty()) {
      Problem("netns_vanished", "net:[" + std::to_string(inode) + "]");
    }
  }

  std::unordered_map<std::string, PodLogDir> PodNames() const {
    std::unordered_map<std::string, PodLogDir> names;
    auto dirs = fs.ListDirectory(options.pod_logs);
    if (!dirs) return names;  // not a Kubernetes node, or not mounted
    for (const std::string& dir : *dirs) {
      if (auto parsed = ParsePodLogDirName(dir)) names.emplace(parsed->pod_uid, std::move(*parsed));
    }
    return names;
  }

  PodIdentity Identify(const Netns& netns, uint64_t inode,
                       const std::unordered_map<std::string, PodLogDir>& names) {
    PodIdentity identity;
    identity.netns = netns.name.empty() ? "net:[" + std::to_string(inode) + "]" : netns.name;
    std::set<std::string> pod_uids;
    std::set<std::string> container_ids;
    bool uncertain = false;
    bool plain_process = netns.pids.empty();
    for (const std::string& pid : netns.pids) {
      FileRead read = fs.Read(ProcPath(pid, "cgroup"), kMaxCgroupFileBytes);
      if (!read.ok()) {
        // A process that exits takes its file; the others it leaves are still enough.
        Problem(read.status == FileReadStatus::kUnavailable ? ReasonOfErrno(read.error_number)
                                                            : "permission_denied",
                ProcPath(pid, "cgroup") + ": " + read.Describe());
        continue;
      }
      const CgroupIdentity found = ParseProcCgroup(read.contents);
      if (!found.certain()) {
        uncertain = true;
        Problem("cgroup_unknown", identity.netns + " " + ProcPath(pid, "cgroup"));
        continue;
      }
      if (!found.pod_uid.empty()) pod_uids.insert(found.pod_uid);
      if (found.container_id.empty()) {
        plain_process = true;
      } else {
        container_ids.insert(found.container_id);
      }
    }
    if (uncertain) return identity;
    if (pod_uids.size() > 1) {
      Problem("ambiguous",
              identity.netns + " holds processes of " + std::to_string(pod_uids.size()) + " pods");
      return identity;
    }
    if (container_ids.size() == 1 && !plain_process) identity.container_id = *container_ids.begin();
    if (pod_uids.empty()) return identity;
    identity.pod_uid = *pod_uids.begin();
    if (auto it = names.find(identity.pod_uid); it != names.end()) {
      identity.namespace_name = it->second.namespace_name;
      identity.pod = it->second.pod;
    } else {
      Problem("pod_unnamed",
              "pod " + identity.pod_uid + " has no directory in " + options.pod_logs);
    }
    return identity;
  }

  void Run() {
    int error = 0;
    auto veths = kernel.ListVeths(error);
    if (!veths) {
      result.error = std::string("cannot list the veths (RTM_GETLINK): ") + std::strerror(error);
      return;
    }
    result.ok = true;
    if (veths->empty()) return;
    std::set<int32_t> wanted;
    for (const VethLink& veth : *veths) wanted.insert(veth.peer_netnsid);

    std::map<uint64_t, Netns> namespaces;
    const std::optional<uint64_t> own = OwnNetns();
    AddNamedNetns(namespaces, own);
    AddProcesses(namespaces, own);
    std::unordered_map<int32_t, std::pair<uint64_t, const Netns*>> by_nsid;
    for (auto& [inode, netns] : namespaces) {
      ResolveNsid(netns, inode);
      if (netns.nsid >= 0 && wanted.count(netns.nsid)) by_nsid[netns.nsid] = {inode, &netns};
    }
    const auto names = PodNames();
    std::unordered_map<int32_t, PodIdentity> identities;
    for (const auto& [nsid, found] : by_nsid) {
      identities.emplace(nsid, Identify(*found.second, found.first, names));
    }
    for (const VethLink& veth : *veths) {
      auto it = identities.find(veth.peer_netnsid);
      if (it != identities.end()) result.veths.push_back({veth.name, it->second});
    }
  }
};

PodMapper::PodMapper(Options options, const FileReader& fs, NetnsKernel& kernel)
    : options_(std::move(options)), fs_(fs), kernel_(kernel) {}

ScanResult PodMapper::Scan() {
  ScanResult result;
  Impl{options_, fs_, kernel_, result}.Run();
  return result;
}

}  // namespace netif::kubernetes
