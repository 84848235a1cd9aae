// libFuzzer entry point: the Kubernetes source's parsers must accept any bytes without crashing
// and keep their headers' promises: a pod UID or container ID found is well formed, a pod log
// directory parsed from a name holds no '_', and a link dump yields only named veths with a
// peer namespace id. A broken promise aborts, which libFuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "collectors/kubernetes/netns_kernel.h"
#include "collectors/kubernetes/pod_parsers.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netif::kubernetes;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const CgroupIdentity cgroup = ParseProcCgroup(text);
  Check(cgroup.pod_uid.empty() || IsPodUid(cgroup.pod_uid));
  Check(cgroup.container_id.empty() || IsHex(cgroup.container_id));

  if (auto dir = ParsePodLogDirName(text)) {
    Check(IsPodUid(dir->pod_uid));
    Check(dir->namespace_name.find('_') == std::string_view::npos);
    Check(dir->pod.find('_') == std::string_view::npos);
  }
  ParseNetnsLink(text);

  const std::span<const uint8_t> bytes(data, size);
  LinkDumpParse dump;
  ParseLinkDumpDatagram(bytes, dump);
  for (const VethLink& veth : dump.veths) {
    Check(!veth.name.empty() && veth.ifindex > 0 && veth.peer_netnsid >= 0);
  }
  ParseNsidReply(bytes);
  return 0;
}
