// One full reconcile of host veths to pods: which network namespace each veth's peer lives in
// (its IFLA_LINK_NETNSID), which processes are in that namespace (/proc/<pid>/ns/net), what
// their cgroups say (pod UID, container ID), and the pod's namespace and name from the kubelet's
// pod log directory. Outside Kubernetes, the host's name for the namespace (ip netns, Docker).
//
// Unknown beats wrong: a namespace whose processes name two pods, or any process whose cgroup is
// of a shape not understood, gets no pod labels; a container ID only when one container alone
// holds the namespace. Every skipped item is a ScanProblem for the caller to count and log.
//
// Thread-safety: REQUIRES external synchronization (the source's thread, a test, the bench).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "collectors/kubernetes/netns_kernel.h"
#include "model/interface_record.h"
#include "util/file_reader.h"

namespace netif::kubernetes {

struct ScanProblem {
  std::string reason;  // the self-metric's label: process_exited, permission_denied, ...
  std::string what;    // the item, for a log line and for logging each problem once
};

struct VethIdentity {
  std::string device;
  PodIdentity identity;
  bool operator==(const VethIdentity&) const = default;
};

struct ScanResult {
  bool ok = false;
  std::string error;  // when !ok: the veths could not be listed
  std::vector<VethIdentity> veths;
  std::vector<ScanProblem> problems;
};

class PodMapper {
 public:
  struct Options {
    std::string procfs = "/proc";
    std::string pod_logs = "/var/log/pods";
    std::vector<std::string> netns_dirs = {"/var/run/netns", "/var/run/docker/netns"};
  };

  PodMapper(Options options, const FileReader& fs, NetnsKernel& kernel);

  ScanResult Scan();

 private:
  struct Impl;
  Options options_;
  const FileReader& fs_;
  NetnsKernel& kernel_;
};

}  // namespace netif::kubernetes
