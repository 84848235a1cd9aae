// The Kubernetes source against real kernel objects. The exporter runs in a private "host"
// network namespace; each "pod" is another namespace reached by a veth pair whose host end lives
// in the host namespace, with a `sleep` started inside it and moved into a cgroup named the
// kubelet's way (the systemd driver in the cgroup v2 hierarchy, the cgroupfs driver in the v1
// `name=systemd` one, found from /proc/self/mountinfo), and a kubelet-style pod log tree in a
// temporary directory. Checks:
//   - each host veth's netif_pod_info names its pod (namespace, pod, UID from the log tree),
//     the container (the only one in the namespace) and the namespace's `ip netns` name;
//   - a pod deleted while the exporter runs (its process killed, its namespace and so its veth
//     deleted) has no netif_pod_info any more, while the other pod keeps its.
//
// Needs root, iproute2 and writable cgroup v1 name=systemd and v2 hierarchies; FAILS, never
// skips, without them. Everything it makes (processes, cgroups, namespaces, directories) goes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration_env.h"
#include "support/exporter_process.h"
#include "support/exposition_parser.h"
#include "support/netns.h"
#include "support/scrape.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kWaitLimit = 20s;

// The mount point of the cgroup hierarchy whose mountinfo line ends with `fstype source options`
// matching: "cgroup2" for v2, "cgroup" with "name=systemd" among the options for v1.
std::string CgroupMount(const std::string& fstype, const std::string& option) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    const std::size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash));
    std::istringstream tail(line.substr(dash + 3));
    std::string id, parent, device, root, point, type, source, options;
    head >> id >> parent >> device >> root >> point;
    tail >> type >> source >> options;
    if (type != fstype || root != "/") continue;
    if (!option.empty() && ("," + options + ",").find("," + option + ",") == std::string::npos) {
      continue;
    }
    return point;
  }
  throw std::runtime_error("no " + fstype + " " + option + " mount in /proc/self/mountinfo");
}

void WriteOrThrow(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

// The directories the kubelet's drivers make: kubepods*, the QoS classes, pod<uid>.
bool IsKubeletCgroup(const fs::path& name) {
  const std::string text = name.string();
  return text.find("kubepods") != std::string::npos || text.starts_with("pod") ||
         text == "burstable" || text == "besteffort";
}

std::string Underscored(std::string uid) {
  for (char& c : uid) {
    if (c == '-') c = '_';
  }
  return uid;
}

// One pod: its namespace, the veth from the host namespace to it, a process inside in a
// kubelet-named cgroup, and its log directory.
class Pod {
 public:
  Pod(const NetworkNamespace& host, const std::string& host_veth, const std::string& cgroup_dir,
      const std::string& log_dir)
      : cgroup_dir_(cgroup_dir), log_dir_(log_dir) {
    netns_ = std::make_unique<NetworkNamespace>();
    const CommandResult link =
        RunCommand(SplitWords("ip link add " + host_veth + " netns " + host.name() +
                              " type veth peer name eth0 netns " + netns_->name()));
    if (link.exit_code != 0) throw std::runtime_error(link.Describe());
    host.SetUp(host_veth);
    netns_->SetUp("eth0");
    std::vector<std::string> argv = netns_->ExecPrefix();
    argv.insert(argv.end(), {"sleep", "1000"});
    process_ = std::make_unique<Subprocess>(argv);
    fs::create_directories(cgroup_dir_);
    // `ip netns exec` execs the command in place: the pid is the sleep's once it is in the
    // namespace; wait for that before moving it.
    const std::string own = fs::read_symlink("/proc/self/ns/net").string();
    for (int i = 0;
         i < 200 &&
         fs::read_symlink("/proc/" + std::to_string(process_->pid()) + "/ns/net").string() == own;
         ++i) {
      std::this_thread::sleep_for(10ms);
    }
    WriteOrThrow(cgroup_dir_ + "/cgroup.procs", std::to_string(process_->pid()));
    fs::create_directories(log_dir_ + "/app");
  }

  // Kills the process, removes its cgroup (leaf first, up to the kubepods root) and its namespace.
  ~Pod() { Delete(); }

  void Delete() {
    if (!netns_) return;
    process_->Kill();
    process_.reset();
    fs::remove_all(log_dir_);
    // A killed process leaves its cgroup once reaped; then the empty directories go upwards
    // as far as they are the kubelet's (a parent the other pod still uses stays).
    std::error_code ignored;
    for (int i = 0; i < 100 && !fs::remove(cgroup_dir_, ignored); ++i) {
      std::this_thread::sleep_for(10ms);
    }
    for (fs::path dir = fs::path(cgroup_dir_).parent_path(); IsKubeletCgroup(dir.filename());
         dir = dir.parent_path()) {
      if (!fs::remove(dir, ignored)) break;
    }
    netns_.reset();
  }

  const std::string& netns_name() const { return netns_->name(); }

 private:
  std::string cgroup_dir_;
  std::string log_dir_;
  std::unique_ptr<NetworkNamespace> netns_;
  std::unique_ptr<Subprocess> process_;
};

class KubernetesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NETIF_ASSERT_ROOT();
    host_ = std::make_unique<NetworkNamespace>();
    v2_ = CgroupMount("cgroup2", "");
    v1_systemd_ = CgroupMount("cgroup", "name=systemd");
    // Unique per test process, so two runs at once never share a cgroup or a pod.
    suffix_ = std::to_string(getpid() % 100000);
    while (suffix_.size() < 5) suffix_ = "0" + suffix_;
  }

  void TearDown() override {
    pods_.clear();
    if (exporter_) {
      const auto errors = exporter_->ErrorLines();
      EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
    }
  }

  std::string Uid(int n) const {
    return "0000" + suffix_.substr(0, 4) + "-0000-4000-8000-00000000000" + std::to_string(n);
  }
  std::string ContainerId(int n) const { return std::string(63, 'a' + n) + "0"; }

  // A pod under the systemd driver (cgroup v2) or the cgroupfs driver (cgroup v1 name=systemd).
  Pod& AddPod(const std::string& host_veth, int n, bool systemd, const std::string& ns,
              const std::string& name) {
    const std::string uid = Uid(n);
    const std::string cgroup =
        systemd ? v2_ + "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                      Underscored(uid) + ".slice/cri-containerd-" + ContainerId(n) + ".scope"
                : v1_systemd_ + "/kubepods/burstable/pod" + uid + "/" + ContainerId(n);
    pods_.push_back(std::make_unique<Pod>(*host_, host_veth, cgroup,
                                          logs_.path() + "/" + ns + "_" + name + "_" + uid));
    return *pods_.back();
  }

  void StartExporter() {
    ExporterProcess::Options options;
    options.binary = ExporterBinary();
    const std::string config = "kubernetes:\n  enabled: true\n  reconcile_interval: 1s\n";
    options.args = {"--config.file",         dir_.WriteFile("netif_exporter.yml", config),
                    "--path.pod-logs",       logs_.path(),
                    "--collection.interval", "200ms"};
    options.netns = host_->name();
    exporter_ = std::make_unique<ExporterProcess>(options);
  }

  Exposition ScrapeUntil(const std::function<bool(const Exposition&)>& done) {
    return testing_support::ScrapeUntil(*exporter_, done, kWaitLimit);
  }

  TempDir dir_;
  TempDir logs_;
  std::string v2_;
  std::string v1_systemd_;
  std::string suffix_;
  std::unique_ptr<NetworkNamespace> host_;
  std::vector<std::unique_ptr<Pod>> pods_;
  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(KubernetesTest, BothCgroupDriversNameTheirPodAndADeletedPodGoes) {
  Pod& web = AddPod("vweb", 1, /*systemd=*/true, "default", "web-0");
  Pod& dns = AddPod("vdns", 2, /*systemd=*/false, "kube-system", "dns-1");
  StartExporter();
  const Labels want_web = {
      {"device", "vweb"},  {"namespace", "default"},         {"pod", "web-0"},
      {"pod_uid", Uid(1)}, {"container_id", ContainerId(1)}, {"netns", web.netns_name()}};
  const Labels want_dns = {
      {"device", "vdns"},  {"namespace", "kube-system"},     {"pod", "dns-1"},
      {"pod_uid", Uid(2)}, {"container_id", ContainerId(2)}, {"netns", dns.netns_name()}};
  const Exposition scrape = ScrapeUntil([&](const Exposition& s) {
    return s.Value("netif_pod_info", want_web).has_value() &&
           s.Value("netif_pod_info", want_dns).has_value();
  });
  EXPECT_EQ(scrape.Value("netif_pod_info", want_web), 1.0);
  EXPECT_EQ(scrape.Value("netif_pod_info", want_dns), 1.0);
  EXPECT_EQ(scrape.Find("netif_pod_info").size(), 2u);
  EXPECT_EQ(scrape.Value("netif_scrape_collector_success", {{"collector", "kubernetes"}}), 1.0);

  dns.Delete();
  const Exposition after = ScrapeUntil([&](const Exposition& s) {
    return s.Find("netif_pod_info", {{"device", "vdns"}}).empty();
  });
  EXPECT_TRUE(after.Find("netif_pod_info", {{"device", "vdns"}}).empty());
  EXPECT_EQ(after.Value("netif_pod_info", want_web), 1.0);
}

}  // namespace
}  // namespace netif::testing_support
