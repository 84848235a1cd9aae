// The kernel behind the Kubernetes source, behind a seam so the mapping runs on fixtures in tests
// and in the bench: the host-side veths with a peer in another network namespace (an RTM_GETLINK
// dump: IFLA_LINK and IFLA_LINK_NETNSID), the id the exporter's namespace gives another one
// (RTM_GETNSID with NETNSA_FD), and a namespace file's inode (stat of a bind mount).
//
// The parsers of the kernel's replies are pure functions over bytes (fuzzed with the others).
//
// Thread-safety: KernelNetns REQUIRES external synchronization (the source's thread owns it);
// the parsers are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netif::kubernetes {

// A host-side veth whose peer lives in another network namespace.
struct VethLink {
  std::string name;
  uint32_t ifindex = 0;
  uint32_t peer_ifindex = 0;  // IFLA_LINK: the peer's index in its own namespace
  int32_t peer_netnsid = -1;  // IFLA_LINK_NETNSID: our namespace's id for the peer's
  bool operator==(const VethLink&) const = default;
};

struct LinkDumpParse {
  std::vector<VethLink> veths;
  bool done = false;          // NLMSG_DONE seen: the dump is complete
  int error = 0;              // NLMSG_ERROR's errno (positive), 0 when none
  std::size_t malformed = 0;  // messages skipped for bad framing
};

// Walks one datagram of an RTM_GETLINK dump reply and appends the veths with IFLA_LINK_NETNSID
// (the kind "veth" in IFLA_LINKINFO). Never reads outside `bytes`.
void ParseLinkDumpDatagram(std::span<const uint8_t> bytes, LinkDumpParse& out);

// The NETNSA_NSID of an RTM_NEWNSID reply, or the errno of an NLMSG_ERROR (negative value
// returned as a positive `error`). nullopt nsid and 0 error: no reply understood.
struct NsidReply {
  std::optional<int32_t> nsid;
  int error = 0;
};
NsidReply ParseNsidReply(std::span<const uint8_t> bytes);

class NetnsKernel {
 public:
  virtual ~NetnsKernel() = default;

  // Every host veth with a peer in another namespace, or nullopt (error set to errno) when the
  // dump failed.
  virtual std::optional<std::vector<VethLink>> ListVeths(int& error) = 0;

  // The id our namespace gives the namespace `path` refers to (/proc/<pid>/ns/net, a bind mount
  // in /var/run/netns). nullopt and `error` = errno when the file cannot be opened (ENOENT: the
  // process exited; EACCES) or the kernel refuses; -1 when no id is assigned (no veth of ours
  // reaches it).
  virtual std::optional<int32_t> NsidOf(const std::string& path, int& error) = 0;

  // The inode of the namespace a bind-mounted namespace file holds (stat), or nullopt.
  virtual std::optional<uint64_t> InodeOf(const std::string& path) = 0;
};

// The real one: a NETLINK_ROUTE socket opened on first use in the exporter's namespace.
class KernelNetns final : public NetnsKernel {
 public:
  KernelNetns() = default;
  ~KernelNetns() override;
  KernelNetns(const KernelNetns&) = delete;
  KernelNetns& operator=(const KernelNetns&) = delete;

  std::optional<std::vector<VethLink>> ListVeths(int& error) override;
  std::optional<int32_t> NsidOf(const std::string& path, int& error) override;
  std::optional<uint64_t> InodeOf(const std::string& path) override;

 private:
  // Opens the socket when needed; errno on failure.
  int EnsureSocket();
  // Sends one request; errno on failure.
  int Send(std::span<const uint8_t> request);
  void CloseSocket();

  int fd_ = -1;
  uint32_t seq_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace netif::kubernetes
