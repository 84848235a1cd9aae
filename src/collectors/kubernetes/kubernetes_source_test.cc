#include "collectors/kubernetes/kubernetes_source.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analytics/analytics_settings.h"
#include "exposition/renderer.h"
#include "store/store.h"

namespace netif {
namespace {

using kubernetes::NetnsKernel;
using kubernetes::VethLink;

// The kernel as a table: the veths, each namespace file's id and inode.
struct FakeKernelState {
  std::vector<VethLink> veths;
  int list_error = 0;
  std::map<std::string, int32_t> nsids;  // path -> nsid
  std::map<std::string, int> nsid_errors;
  std::map<std::string, uint64_t> inodes;  // bind-mounted namespace files
};

class FakeKernel final : public NetnsKernel {
 public:
  explicit FakeKernel(FakeKernelState& state) : state_(state) {}
  std::optional<std::vector<VethLink>> ListVeths(int& error) override {
    error = state_.list_error;
    if (error != 0) return std::nullopt;
    return state_.veths;
  }
  std::optional<int32_t> NsidOf(const std::string& path, int& error) override {
    if (auto it = state_.nsid_errors.find(path); it != state_.nsid_errors.end()) {
      error = it->second;
      return std::nullopt;
    }
    auto it = state_.nsids.find(path);
    if (it == state_.nsids.end()) {
      error = ENOENT;
      return std::nullopt;
    }
    return it->second;
  }
  std::optional<uint64_t> InodeOf(const std::string& path) override {
    auto it = state_.inodes.find(path);
    if (it == state_.inodes.end()) return std::nullopt;
    return it->second;
  }

 private:
  FakeKernelState& state_;
};

constexpr char kUid[] = "1f0e6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
constexpr char kUidUnderscores[] = "1f0e6c2a_3b4d_4e5f_8a9b_0c1d2e3f4a5b";
constexpr char kOtherUid[] = "2f0e6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const std::string kPause(64, 'a');
const std::string kApp(64, 'b');

InterfaceRecord Local(const std::string& name) {
  InterfaceRecord record;
  record.key = {std::string(kLocalSource), name};
  record.labels = LocalDeviceLabels(name);
  record.name = name;
  record.attributes.kind = "veth";
  return record;
}

class KubernetesSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_.AddSymlink("/proc/self/ns/net", "net:[1000]");
    AddProcess("1", 1000, "0::/init.scope\n");
    store_.ApplySample(kLocalSource, {Local("veth1"), Local("veth2"), Local("eth0")}, {1, 1});
  }

  void AddProcess(const std::string& pid, uint64_t netns, const std::string& cgroup) {
    fs_.AddSymlink("/proc/" + pid + "/ns/net", "net:[" + std::to_string(netns) + "]");
    fs_.AddFile("/proc/" + pid + "/cgroup", cgroup);
  }

  // A pod: its pause and app containers in namespace `netns`, reached by veth `device`.
  void AddPod(const std::string& device, int32_t nsid, uint64_t netns, const std::string& pid,
              const std::string& uid, bool systemd) {
    std::string underscored = uid;
    for (char& c : underscored) {
      if (c == '-') c = '_';
    }
    auto cgroup = [&](const std::string& id) {
      return systemd ? "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                           underscored + ".slice/cri-containerd-" + id + ".scope\n"
                     : "0::/kubepods/besteffort/pod" + uid + "/" + id + "\n";
    };
    AddProcess(pid, netns, cgroup(kPause));
    AddProcess(pid + "0", netns, cgroup(kApp));
    kernel_.nsids["/proc/" + pid + "/ns/net"] = nsid;
    kernel_.nsids["/proc/" + pid + "0/ns/net"] = nsid;
    kernel_.veths.push_back({device, static_cast<uint32_t>(10 + nsid), 2, nsid});
  }

  std::unique_ptr<KubernetesSource> Make() {
    KubernetesSource::Options options;
    options.mapper.netns_dirs = {"/run/netns"};
    return std::make_unique<KubernetesSource>(std::move(options), fs_, store_, self_metrics_,
                                              std::make_unique<FakeKernel>(kernel_));
  }

  std::string Scrape() {
    std::string text;
    RenderInterfaces(*store_.Current(), text);
    return text;
  }

  double SelfMetric(const std::string& name, const std::string& labels) {
    std::string text;
    self_metrics_.Render(text);
    // From the start of a line: "# HELP <name> " is no sample.
    const std::string line = "\n" + name + (labels.empty() ? "" : "{" + labels + "}") + " ";
    const auto at = text.find(line);
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + line.size()));
  }

  InMemoryFileReader fs_;
  FakeKernelState kernel_;
  Store store_{std::make_shared<const AnalyticsSettings>()};
  SelfMetrics self_metrics_;
};

std::string PodInfo(const std::string& device, const std::string& ns, const std::string& pod,
                    const std::string& uid, const std::string& container,
                    const std::string& netns) {
  return "netif_pod_info{device=\"" + device + "\",namespace=\"" + ns + "\",pod=\"" + pod +
         "\",pod_uid=\"" + uid + "\",container_id=\"" + container + "\",netns=\"" + netns +
         "\"} 1\n";
}

TEST_F(KubernetesSourceTest, BothCgroupDriversTieAVethToItsPod) {
  AddPod("veth1", 0, 2001, "100", kUid, /*systemd=*/true);
  AddPod("veth2", 1, 2002, "200", kOtherUid, /*systemd=*/false);
  fs_.AddDirectory(std::string("/var/log/pods/default_web-0_") + kUid);
  fs_.AddDirectory(std::string("/var/log/pods/kube-system_dns-1_") + kOtherUid);
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  const std::string text = Scrape();
  EXPECT_NE(text.find(PodInfo("veth1", "default", "web-0", kUid, "", "net:[2001]")),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(PodInfo("veth2", "kube-system", "dns-1", kOtherUid, "", "net:[2002]")),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("netif_pod_info{device=\"eth0\""), std::string::npos);
  EXPECT_EQ(SelfMetric("netif_kubernetes_veths_mapped", ""), 2);
  EXPECT_EQ(SelfMetric("netif_scrape_collector_success", "collector=\"kubernetes\""), 1);
}

TEST_F(KubernetesSourceTest, ANamespaceOfTwoPodsGetsNoPodLabels) {
  AddPod("veth1", 0, 2001, "100", kUid, true);
  AddProcess("300", 2001, std::string("0::/kubepods/pod") + kOtherUid + "/" + kApp + "\n");
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_NE(Scrape().find(PodInfo("veth1", "", "", "", "", "net:[2001]")), std::string::npos);
  EXPECT_EQ(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"ambiguous\""), 1);
}

TEST_F(KubernetesSourceTest, AnUnknownCgroupShapeGetsNoPodLabels) {
  AddPod("veth1", 0, 2001, "100", kUid, true);
  AddProcess("300", 2001, "0::/kubepods/podgarbage/x\n");
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_NE(Scrape().find(PodInfo("veth1", "", "", "", "", "net:[2001]")), std::string::npos);
  EXPECT_EQ(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"cgroup_unknown\""), 1);
}

TEST_F(KubernetesSourceTest, APodWithoutLogDirectoryKeepsItsUidOnly) {
  AddPod("veth1", 0, 2001, "100", kUid, false);
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_NE(Scrape().find(PodInfo("veth1", "", "", kUid, "", "net:[2001]")), std::string::npos);
  EXPECT_EQ(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"pod_unnamed\""), 1);
}

TEST_F(KubernetesSourceTest, AProcessThatExitsMidScanIsSkippedAndTheOthersServe) {
  AddPod("veth1", 0, 2001, "100", kUid, false);
  // Listed with its namespace, gone before its cgroup is read, and before its nsid is asked.
  fs_.AddSymlink("/proc/150/ns/net", "net:[2001]");
  fs_.AddDirectory("/var/log/pods/default_web-0_" + std::string(kUid));
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_NE(Scrape().find(PodInfo("veth1", "default", "web-0", kUid, "", "net:[2001]")),
            std::string::npos);
  EXPECT_GE(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"process_exited\""), 1);
}

TEST_F(KubernetesSourceTest, APlainContainerAndANamedNamespace) {
  AddProcess("500", 3001, "0::/system.slice/docker-" + kApp + ".scope\n");
  kernel_.nsids["/proc/500/ns/net"] = 4;
  kernel_.veths.push_back({"veth1", 11, 2, 4});
  kernel_.inodes["/run/netns/blue"] = 3002;  // ip netns, no process in it
  kernel_.nsids["/run/netns/blue"] = 5;
  kernel_.veths.push_back({"veth2", 12, 2, 5});
  fs_.AddFile("/run/netns/blue", "");
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  const std::string text = Scrape();
  EXPECT_NE(text.find(PodInfo("veth1", "", "", "", kApp, "net:[3001]")), std::string::npos) << text;
  EXPECT_NE(text.find(PodInfo("veth2", "", "", "", "", "blue")), std::string::npos) << text;
}

TEST_F(KubernetesSourceTest, AVanishedNamespaceAndPermissionDeniedAreCounted) {
  AddPod("veth1", 0, 2001, "100", kUid, false);
  kernel_.nsid_errors["/proc/100/ns/net"] = EACCES;
  kernel_.nsid_errors["/proc/1000/ns/net"] = ENOENT;
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Scrape().find("netif_pod_info"), std::string::npos);
  EXPECT_EQ(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"permission_denied\""), 1);
  EXPECT_EQ(SelfMetric("netif_kubernetes_scan_errors_total", "reason=\"netns_vanished\""), 1);
}

TEST_F(KubernetesSourceTest, APodGoneAtTheNextReconcileTakesItsIdentityAndStopWithdrawsAll) {
  AddPod("veth1", 0, 2001, "100", kUid, false);
  AddPod("veth2", 1, 2002, "200", kOtherUid, false);
  auto source = Make();
  ASSERT_TRUE(source->RunOnce());
  EXPECT_NE(Scrape().find("netif_pod_info{device=\"veth2\""), std::string::npos);
  // The pod's processes went; its veth lingers a moment: no identity is better than a stale one.
  kernel_.nsids.erase("/proc/200/ns/net");
  kernel_.nsids.erase("/proc/2000/ns/net");
  InMemoryFileReader fs;
  fs_ = fs;
  fs_.AddSymlink("/proc/self/ns/net", "net:[1000]");
  AddProcess("100", 2001, std::string("0::/kubepods/pod") + kUid + "/" + kPause + "\n");
  ASSERT_TRUE(source->RunOnce());
  EXPECT_EQ(Scrape().find("netif_pod_info{device=\"veth2\""), std::string::npos);
  EXPECT_NE(Scrape().find("netif_pod_info{device=\"veth1\""), std::string::npos);
  // The single container left holds the namespace alone: its ID is known.
  EXPECT_NE(Scrape().find(kPause), std::string::npos);
  source->Start();
  source->Stop();
  EXPECT_EQ(Scrape().find("netif_pod_info"), std::string::npos);
}

TEST_F(KubernetesSourceTest, NoVethListingFailsTheReconcile) {
  kernel_.list_error = EPERM;
  auto source = Make();
  EXPECT_FALSE(source->RunOnce());
  EXPECT_EQ(SelfMetric("netif_scrape_collector_success", "collector=\"kubernetes\""), 0);
}

TEST(KubernetesFactoryTest, OffByDefault) {
  Config config;
  EXPECT_FALSE(config.kubernetes.enabled);
}

}  // namespace
}  // namespace netif
