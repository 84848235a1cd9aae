#include "collectors/kubernetes/pod_parsers.h"

#include <gtest/gtest.h>

#include <string>

namespace netif::kubernetes {
namespace {

constexpr char kUid[] = "1f0e6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
constexpr char kUidUnderscores[] = "1f0e6c2a_3b4d_4e5f_8a9b_0c1d2e3f4a5b";
const std::string kId(64, 'a');

TEST(CgroupPathTest, SystemdDriverEveryQosClassAndRuntime) {
  for (std::string qos : {"kubepods-burstable.slice/kubepods-burstable-pod",
                          "kubepods-besteffort.slice/kubepods-besteffort-pod", "kubepods-pod"}) {
    for (std::string runtime : {"cri-containerd-", "crio-", "docker-"}) {
      const std::string path =
          "/kubepods.slice/" + qos + kUidUnderscores + ".slice/" + runtime + kId + ".scope";
      const CgroupPathIdentity found = ParseCgroupPath(path);
      EXPECT_EQ(found, (CgroupPathIdentity{kUid, kId, false})) << path;
    }
  }
}

TEST(CgroupPathTest, CgroupfsDriverWithAndWithoutQosClass) {
  for (std::string qos : {"/kubepods/burstable/", "/kubepods/besteffort/", "/kubepods/"}) {
    const std::string path = qos + "pod" + kUid + "/" + kId;
    EXPECT_EQ(ParseCgroupPath(path), (CgroupPathIdentity{kUid, kId, false})) << path;
  }
}

TEST(CgroupPathTest, KubeletInAContainerNestsTheSameShape) {
  // kind and similar: the node's kubelet runs under its own slice.
  const std::string path = std::string(
                               "/kubelet.slice/kubelet-kubepods.slice/"
                               "kubelet-kubepods-besteffort.slice/"
                               "kubelet-kubepods-besteffort-pod") +
                           kUidUnderscores + ".slice/cri-containerd-" + kId + ".scope";
  EXPECT_EQ(ParseCgroupPath(path), (CgroupPathIdentity{kUid, kId, false}));
}

TEST(CgroupPathTest, StaticPodUidIsAHash) {
  const std::string uid(32, 'c');
  EXPECT_EQ(ParseCgroupPath("/kubepods/pod" + uid + "/" + kId).pod_uid, uid);
}

TEST(CgroupPathTest, APodWithoutContainerAndTheMonitorHaveNoContainerId) {
  EXPECT_EQ(ParseCgroupPath(std::string("/kubepods/burstable/pod") + kUid),
            (CgroupPathIdentity{kUid, "", false}));
  EXPECT_EQ(ParseCgroupPath(std::string("/kubepods.slice/kubepods-pod") + kUidUnderscores +
                            ".slice/crio-conmon-" + kId + ".scope"),
            (CgroupPathIdentity{kUid, "", false}));
}

TEST(CgroupPathTest, PlainContainersOutsideKubernetes) {
  EXPECT_EQ(ParseCgroupPath("/system.slice/docker-" + kId + ".scope").container_id, kId);
  EXPECT_EQ(ParseCgroupPath("/docker/" + kId).container_id, kId);
  EXPECT_EQ(ParseCgroupPath("/machine.slice/libpod-" + kId + ".scope/container").container_id, kId);
  EXPECT_EQ(ParseCgroupPath("/docker/" + kId).pod_uid, "");
}

TEST(CgroupPathTest, HostProcessesAreNeitherPodNorError) {
  for (const char* path :
       {"/", "/user.slice/user-0.slice/session-1.scope", "/system.slice/docker.service",
        "/kubepods.slice", "/kubepods/burstable", "/init.scope"}) {
    EXPECT_EQ(ParseCgroupPath(path), CgroupPathIdentity{}) << path;
  }
}

TEST(CgroupPathTest, UnknownShapesUnderKubepodsAreFlaggedNotGuessed) {
  for (std::string path :
       {std::string("/kubepods/burstable/podnot-a-uid/") + kId,
        std::string("/kubepods.slice/kubepods-pod") + "XYZ" + ".slice",
        std::string("/kubepods/pod") + kUid + "/not-hex-id",
        std::string("/kubepods.slice/kubepods-pod") + kUidUnderscores + ".slice/runc-" + kId +
            ".service",
        std::string("/kubepods.slice/kubepods-pod") + kUidUnderscores + ".slice/crio-XY.scope"}) {
    const CgroupPathIdentity found = ParseCgroupPath(path);
    EXPECT_TRUE(found.unknown_shape) << path;
    EXPECT_TRUE(found.container_id.empty()) << path;
  }
}

TEST(ProcCgroupTest, V2V1AndHybridAgree) {
  const std::string pod = std::string("/kubepods/besteffort/pod") + kUid + "/" + kId;
  const CgroupIdentity want{kUid, kId, false, false};
  EXPECT_EQ(ParseProcCgroup("0::" + pod + "\n"), want);
  // v1: every controller line; name=systemd may say something else entirely.
  EXPECT_EQ(ParseProcCgroup("12:memory:" + pod + "\n11:cpu,cpuacct:" + pod +
                            "\n1:name=systemd:/system.slice/containerd.service\n"),
            want);
  // hybrid: v1 controllers plus the unified line.
  EXPECT_EQ(ParseProcCgroup("5:memory:" + pod + "\n1:name=systemd:" + pod + "\n0::" + pod), want);
}

TEST(ProcCgroupTest, LinesNamingDifferentPodsConflict) {
  const std::string other = "2f0e6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
  const CgroupIdentity found =
      ParseProcCgroup(std::string("4:memory:/kubepods/pod") + kUid + "/" + kId +
                      "\n0::/kubepods/pod" + other + "/" + kId + "\n");
  EXPECT_TRUE(found.conflict);
  EXPECT_FALSE(found.certain());
}

TEST(ProcCgroupTest, MalformedLinesMakeTheProcessUncertain) {
  EXPECT_TRUE(ParseProcCgroup("garbage\n").unknown_shape);
  EXPECT_TRUE(ParseProcCgroup("x:memory:/\n").unknown_shape);
  EXPECT_TRUE(ParseProcCgroup("0::relative\n").unknown_shape);
  EXPECT_EQ(ParseProcCgroup(""), CgroupIdentity{});
  EXPECT_EQ(ParseProcCgroup("0::/\n"), CgroupIdentity{});
  // A path may itself hold ':'.
  EXPECT_EQ(ParseProcCgroup("0::/a:b\n"), CgroupIdentity{});
}

TEST(PodLogDirTest, NamespacePodUid) {
  EXPECT_EQ(ParsePodLogDirName(std::string("kube-system_coredns-5d78c9869d-abcde_") + kUid),
            (PodLogDir{"kube-system", "coredns-5d78c9869d-abcde", kUid}));
  EXPECT_EQ(ParsePodLogDirName("a_b.c_" + std::string(32, 'e')),
            (PodLogDir{"a", "b.c", std::string(32, 'e')}));
}

TEST(PodLogDirTest, OtherNamesAreRefused) {
  for (std::string name :
       {std::string("plain"), std::string("a_b"), std::string("a_b_c_") + kUid,
        std::string("_b_") + kUid, std::string("A_b_") + kUid, std::string("a_b_not-a-uid")}) {
    EXPECT_FALSE(ParsePodLogDirName(name)) << name;
  }
}

TEST(NetnsLinkTest, InodeOfTheTarget) {
  EXPECT_EQ(ParseNetnsLink("net:[4026531992]"), 4026531992u);
  EXPECT_FALSE(ParseNetnsLink("mnt:[4026531992]"));
  EXPECT_FALSE(ParseNetnsLink("net:[]"));
  EXPECT_FALSE(ParseNetnsLink("net:[12x]"));
  EXPECT_FALSE(ParseNetnsLink("net:[99999999999999999999999]"));
}

TEST(PodUidTest, DashedUuidOrHash) {
  EXPECT_TRUE(IsPodUid(kUid));
  EXPECT_TRUE(IsPodUid(std::string(32, '0')));
  EXPECT_FALSE(IsPodUid(kUidUnderscores));
  EXPECT_FALSE(IsPodUid("1F0E6C2A-3B4D-4E5F-8A9B-0C1D2E3F4A5B"));
}

}  // namespace
}  // namespace netif::kubernetes
