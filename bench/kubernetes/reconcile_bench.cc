// A full Kubernetes reconcile (PodMapper::Scan) over a fixture tree on disk: N pods of three
// processes each (pause and two containers, cgroup v1+v2 hybrid lines, systemd driver), host
// processes in the exporter's own namespace, and the kubelet's pod log directories. The kernel's
// part (the veth dump, RTM_GETNSID) is a table here; its real cost is measured apart: the
// RTM_GETNSID round trip on the real kernel, once per pod.
//
//   build/release/src/collectors/kubernetes/kubernetes_reconcile_bench [pods] [runs]
//
// Prints the median and the slowest reconcile. See bench/README.md, "Kubernetes reconcile".
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/kubernetes/netns_kernel.h"
#include "collectors/kubernetes/pod_mapper.h"
#include "util/file_reader.h"

namespace {

namespace fs = std::filesystem;
using netif::kubernetes::NetnsKernel;
using netif::kubernetes::VethLink;

constexpr int kProcessesPerPod = 3;
constexpr int kHostProcesses = 500;

class TableKernel final : public NetnsKernel {
 public:
  std::vector<VethLink> veths;
  std::unordered_map<std::string, int32_t> nsids;

  std::optional<std::vector<VethLink>> ListVeths(int&) override { return veths; }
  std::optional<int32_t> NsidOf(const std::string& path, int& error) override {
    auto it = nsids.find(path);
    if (it == nsids.end()) {
      error = ENOENT;
      return std::nullopt;
    }
    return it->second;
  }
  std::optional<uint64_t> InodeOf(const std::string&) override { return std::nullopt; }
};

void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string Uid(int pod) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-%012x", pod, pod);
  return text;
}

std::string HybridCgroup(const std::string& path) {
  std::string text;
  for (const char* controller : {"12:pids", "11:memory", "10:cpu,cpuacct", "9:blkio", "8:devices",
                                 "7:freezer", "6:net_cls,net_prio", "5:perf_event", "4:hugetlb",
                                 "3:cpuset", "2:rdma", "1:name=systemd"}) {
    text += std::string(controller) + ":" + path + "\n";
  }
  return text + "0::" + path + "\n";
}

void MakeProcess(const fs::path& proc, int pid, uint64_t netns, const std::string& cgroup_path) {
  const fs::path dir = proc / std::to_string(pid);
  fs::create_directories(dir / "ns");
  fs::create_symlink("net:[" + std::to_string(netns) + "]", dir / "ns" / "net");
  Write(dir / "cgroup", HybridCgroup(cgroup_path));
}

}  // namespace

int main(int argc, char** argv) {
  const int pods = argc > 1 ? std::atoi(argv[1]) : 2500;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  char pattern[] = "/tmp/netif-k8s-bench-XXXXXX";
  const fs::path root = mkdtemp(pattern);
  const fs::path proc = root / "proc";
  const fs::path logs = root / "pods";
  fs::create_directories(proc / "self" / "ns");
  fs::create_symlink("net:[1]", proc / "self" / "ns" / "net");
  TableKernel kernel;
  int pid = 1;
  for (int i = 0; i < kHostProcesses; ++i) MakeProcess(proc, pid++, 1, "/system.slice/x.service");
  for (int pod = 0; pod < pods; ++pod) {
    const std::string uid = Uid(pod);
    std::string underscored = uid;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    for (int p = 0; p < kProcessesPerPod; ++p) {
      const std::string id = std::string(56, 'a') + Uid(pod * 4 + p).substr(0, 8);
      MakeProcess(proc, pid, 100000 + pod,
                  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + underscored +
                      ".slice/cri-containerd-" + id + ".scope");
      kernel.nsids[proc.string() + "/" + std::to_string(pid) + "/ns/net"] = pod;
      ++pid;
    }
    fs::create_directories(logs / ("default_pod-" + std::to_string(pod) + "_" + uid) / "app");
    kernel.veths.push_back({"veth" + std::to_string(pod), static_cast<uint32_t>(pod + 10), 2, pod});
  }

  netif::RealFileReader reader;
  netif::kubernetes::PodMapper mapper({proc.string(), logs.string(), {}}, reader, kernel);
  std::vector<double> millis;
  std::size_t mapped = 0;
  std::size_t named = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const auto result = mapper.Scan();
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    mapped = result.veths.size();
    named = 0;
    for (const auto& veth : result.veths) named += veth.identity.pod.empty() ? 0 : 1;
  }
  std::sort(millis.begin(), millis.end());

  // The floor: the system calls a reconcile cannot avoid, alone (a readlink per process, an
  // open/read/close of each pod process's cgroup file), and one bare system call's cost here.
  const auto floor_start = std::chrono::steady_clock::now();
  char buffer[65536];
  for (int p = 1; p < pid; ++p) {
    const std::string dir = proc.string() + "/" + std::to_string(p);
    [[maybe_unused]] ssize_t n = readlink((dir + "/ns/net").c_str(), buffer, sizeof buffer);
    if (p <= kHostProcesses) continue;
    const int fd = open((dir + "/cgroup").c_str(), O_RDONLY | O_CLOEXEC);
    n = read(fd, buffer, sizeof buffer);
    close(fd);
  }
  const double floor_millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - floor_start)
          .count();
  constexpr int kBareCalls = 20000;
  const auto bare_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kBareCalls; ++i) getppid();
  const double bare_micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - bare_start)
          .count() /
      kBareCalls;

  // The kernel's share: one RTM_GETNSID round trip per pod namespace.
  netif::kubernetes::KernelNetns real;
  int error = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int pod = 0; pod < pods; ++pod) real.NsidOf("/proc/self/ns/net", error);
  const double nsid_millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  std::printf("pods=%d processes=%d runs=%d veths_mapped=%zu pods_named=%zu\n", pods, pid - 1, runs,
              mapped, named);
  std::printf("reconcile_ms median=%.1f max=%.1f (fixture tree, kernel as a table)\n",
              millis[millis.size() / 2], millis.back());
  std::printf("rtm_getnsid_ms for %d namespaces=%.1f (real kernel)\n", pods, nsid_millis);
  std::printf("syscall_floor_ms=%.1f (readlinks and cgroup reads alone) getppid_us=%.2f\n",
              floor_millis, bare_micros);
  fs::remove_all(root);
  return mapped == static_cast<std::size_t>(pods) && named == mapped ? 0 : 1;
}
