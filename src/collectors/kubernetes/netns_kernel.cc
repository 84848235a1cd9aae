#include "collectors/kubernetes/netns_kernel.h"

#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace netif::kubernetes {
namespace {

constexpr std::size_t kReceiveBufferBytes = 64 * 1024;

template <typename T>
T Load(std::span<const uint8_t> bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

// Calls visit(type, payload) for each well-framed attribute; false on bad framing.
template <typename Visit>
bool WalkAttributes(std::span<const uint8_t> bytes, Visit&& visit) {
  std::size_t at = 0;
  while (at + sizeof(rtattr) <= bytes.size()) {
    const auto length = Load<uint16_t>(bytes, at);
    const auto type = Load<uint16_t>(bytes, at + 2);
    if (length < sizeof(rtattr) || length > bytes.size() - at) return false;
    visit(static_cast<uint16_t>(type & NLA_TYPE_MASK),
          bytes.subspan(at + sizeof(rtattr), length - sizeof(rtattr)));
    at += RTA_ALIGN(length);
  }
  return true;
}

bool IsVeth(std::span<const uint8_t> linkinfo) {
  bool veth = false;
  WalkAttributes(linkinfo, [&](uint16_t type, std::span<const uint8_t> value) {
    if (type != IFLA_INFO_KIND) return;
    std::string_view kind(reinterpret_cast<const char*>(value.data()), value.size());
    if (const std::size_t nul = kind.find('\0'); nul != std::string_view::npos) {
      kind = kind.substr(0, nul);
    }
    veth = kind == "veth";
  });
  return veth;
}

// One RTM_NEWLINK payload: a veth with a peer in another namespace, or nullopt.
std::optional<VethLink> ParseLink(std::span<const uint8_t> payload, bool& malformed) {
  if (payload.size() < sizeof(ifinfomsg)) {
    malformed = true;
    return std::nullopt;
  }
  VethLink link;
  const auto index = Load<int32_t>(payload, offsetof(ifinfomsg, ifi_index));
  if (index <= 0) {
    malformed = true;
    return std::nullopt;
  }
  link.ifindex = static_cast<uint32_t>(index);
  bool veth = false;
  bool has_netnsid = false;
  bool has_peer = false;
  const bool framed = WalkAttributes(
      payload.subspan(NLMSG_ALIGN(sizeof(ifinfomsg))),
      [&](uint16_t type, std::span<const uint8_t> value) {
        if (type == IFLA_IFNAME && !value.empty()) {
          std::string_view name(reinterpret_cast<const char*>(value.data()), value.size());
          if (const std::size_t nul = name.find('\0'); nul != std::string_view::npos) {
            name = name.substr(0, nul);
          }
          link.name = std::string(name);
        } else if (type == IFLA_LINK && value.size() >= 4) {
          link.peer_ifindex = Load<uint32_t>(value, 0);
          has_peer = true;
        } else if (type == IFLA_LINK_NETNSID && value.size() >= 4) {
          link.peer_netnsid = Load<int32_t>(value, 0);
          has_netnsid = link.peer_netnsid >= 0;
        } else if (type == IFLA_LINKINFO) {
          veth = IsVeth(value);
        }
      });
  if (!framed || link.name.empty()) {
    malformed = true;
    return std::nullopt;
  }
  if (!veth || !has_netnsid || !has_peer) return std::nullopt;
  return link;
}

// Calls visit(header type, payload) for each message; false on bad framing.
template <typename Visit>
bool WalkMessages(std::span<const uint8_t> bytes, Visit&& visit) {
  std::size_t at = 0;
  while (at + sizeof(nlmsghdr) <= bytes.size()) {
    const auto length = Load<uint32_t>(bytes, at);
    const auto type = Load<uint16_t>(bytes, at + offsetof(nlmsghdr, nlmsg_type));
    if (length < sizeof(nlmsghdr) || length > bytes.size() - at) return false;
    visit(type, bytes.subspan(at + sizeof(nlmsghdr), length - sizeof(nlmsghdr)));
    at += NLMSG_ALIGN(length);
  }
  return true;
}

int ErrorOf(std::span<const uint8_t> payload) {
  if (payload.size() < sizeof(int32_t)) return EPROTO;
  return -Load<int32_t>(payload, 0);
}

}  // namespace

void ParseLinkDumpDatagram(std::span<const uint8_t> bytes, LinkDumpParse& out) {
  const bool framed = WalkMessages(bytes, [&](uint16_t type, std::span<const uint8_t> payload) {
    if (type == NLMSG_DONE) {
      out.done = true;
    } else if (type == NLMSG_ERROR) {
      out.error = ErrorOf(payload);
    } else if (type == RTM_NEWLINK) {
      bool malformed = false;
      if (auto veth = ParseLink(payload, malformed)) out.veths.push_back(std::move(*veth));
      if (malformed) ++out.malformed;
    }
  });
  if (!framed) ++out.malformed;
}

NsidReply ParseNsidReply(std::span<const uint8_t> bytes) {
  NsidReply reply;
  WalkMessages(bytes, [&](uint16_t type, std::span<const uint8_t> payload) {
    if (type == NLMSG_ERROR) {
      reply.error = ErrorOf(payload);
    } else if (type == RTM_NEWNSID && payload.size() >= NLMSG_ALIGN(sizeof(rtgenmsg))) {
      WalkAttributes(payload.subspan(NLMSG_ALIGN(sizeof(rtgenmsg))),
                     [&](uint16_t attribute, std::span<const uint8_t> value) {
                       if (attribute == NETNSA_NSID && value.size() >= 4) {
                         reply.nsid = Load<int32_t>(value, 0);
                       }
                     });
    }
  });
  return reply;
}

KernelNetns::~KernelNetns() { CloseSocket(); }

void KernelNetns::CloseSocket() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

int KernelNetns::EnsureSocket() {
  if (fd_ >= 0) return 0;
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) return errno;
  buffer_.resize(kReceiveBufferBytes);
  return 0;
}

int KernelNetns::Send(std::span<const uint8_t> request) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  const ssize_t sent = sendto(fd_, request.data(), request.size(), 0,
                              reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel));
  if (sent < 0) return errno;
  return 0;
}

std::optional<std::vector<VethLink>> KernelNetns::ListVeths(int& error) {
  error = EnsureSocket();
  if (error != 0) return std::nullopt;
  struct {
    nlmsghdr header;
    ifinfomsg link;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = ++seq_;
  request.link.ifi_family = AF_UNSPEC;
  error = Send({reinterpret_cast<const uint8_t*>(&request), sizeof(request)});
  if (error != 0) {
    CloseSocket();
    return std::nullopt;
  }
  LinkDumpParse parse;
  while (!parse.done && parse.error == 0) {
    const ssize_t got = recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = errno;
      CloseSocket();
      return std::nullopt;
    }
    if (got == 0) break;
    ParseLinkDumpDatagram({buffer_.data(), static_cast<std::size_t>(got)}, parse);
  }
  if (parse.error != 0 || !parse.done) {
    error = parse.error != 0 ? parse.error : EPROTO;
    CloseSocket();  // a dump cut short leaves replies behind: start the next one clean
    return std::nullopt;
  }
  return std::move(parse.veths);
}

std::optional<int32_t> KernelNetns::NsidOf(const std::string& path, int& error) {
  error = EnsureSocket();
  if (error != 0) return std::nullopt;
  const int ns_fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) {
    error = errno;
    return std::nullopt;
  }
  struct {
    nlmsghdr header;
    rtgenmsg family;
    uint8_t pad[3];
    rtattr fd_attribute;
    uint32_t fd;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = RTM_GETNSID;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = ++seq_;
  request.family.rtgen_family = AF_UNSPEC;
  request.fd_attribute.rta_len = RTA_LENGTH(sizeof(uint32_t));
  request.fd_attribute.rta_type = NETNSA_FD;
  request.fd = static_cast<uint32_t>(ns_fd);
  error = Send({reinterpret_cast<const uint8_t*>(&request), sizeof(request)});
  std::optional<int32_t> nsid;
  if (error == 0) {
    ssize_t got;
    do {
      got = recv(fd_, buffer_.data(), buffer_.size(), 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      error = errno;
      CloseSocket();
    } else {
      const NsidReply reply = ParseNsidReply({buffer_.data(), static_cast<std::size_t>(got)});
      nsid = reply.nsid;
      error = nsid ? 0 : (reply.error != 0 ? reply.error : EPROTO);
    }
  } else {
    CloseSocket();
  }
  close(ns_fd);
  return nsid;
}

std::optional<uint64_t> KernelNetns::InodeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.st_ino);
}

}  // namespace netif::kubernetes
