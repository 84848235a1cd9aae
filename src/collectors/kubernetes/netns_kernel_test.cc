#include "collectors/kubernetes/netns_kernel.h"

#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace netif::kubernetes {
namespace {

using Bytes = std::vector<uint8_t>;

void Append(Bytes& out, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  out.insert(out.end(), bytes, bytes + size);
  out.resize(NLMSG_ALIGN(out.size()), 0);
}

Bytes Attribute(uint16_t type, const void* data, std::size_t size) {
  Bytes out;
  rtattr header{static_cast<unsigned short>(RTA_LENGTH(size)), type};
  Append(out, &header, sizeof header);
  Append(out, data, size);
  return out;
}

Bytes U32(uint16_t type, uint32_t value) { return Attribute(type, &value, sizeof value); }

Bytes Message(uint16_t type, const Bytes& payload) {
  nlmsghdr header{};
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + payload.size());
  header.nlmsg_type = type;
  Bytes out;
  Append(out, &header, sizeof header);
  Append(out, payload.data(), payload.size());
  return out;
}

Bytes Link(int32_t index, const std::string& name, const char* kind, std::optional<int32_t> netnsid,
           std::optional<uint32_t> peer) {
  ifinfomsg info{};
  info.ifi_index = index;
  Bytes payload;
  Append(payload, &info, sizeof info);
  Bytes name_attribute = Attribute(IFLA_IFNAME, name.c_str(), name.size() + 1);
  payload.insert(payload.end(), name_attribute.begin(), name_attribute.end());
  if (peer) {
    Bytes a = U32(IFLA_LINK, *peer);
    payload.insert(payload.end(), a.begin(), a.end());
  }
  if (netnsid) {
    Bytes a = U32(IFLA_LINK_NETNSID, static_cast<uint32_t>(*netnsid));
    payload.insert(payload.end(), a.begin(), a.end());
  }
  if (kind) {
    Bytes nested = Attribute(IFLA_INFO_KIND, kind, std::strlen(kind));
    Bytes a = Attribute(IFLA_LINKINFO, nested.data(), nested.size());
    payload.insert(payload.end(), a.begin(), a.end());
  }
  return Message(RTM_NEWLINK, payload);
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

TEST(LinkDumpTest, KeepsVethsWithAPeerInAnotherNamespace) {
  const Bytes datagram =
      Concat({Link(1, "lo", nullptr, std::nullopt, std::nullopt), Link(7, "veth1a", "veth", 3, 2),
              Link(8, "veth-local", "veth", std::nullopt, 9), Link(9, "br0", "bridge", 3, 2),
              Message(NLMSG_DONE, Bytes(4))});
  LinkDumpParse parse;
  ParseLinkDumpDatagram(datagram, parse);
  EXPECT_TRUE(parse.done);
  EXPECT_EQ(parse.malformed, 0u);
  ASSERT_EQ(parse.veths.size(), 1u);
  EXPECT_EQ(parse.veths[0], (VethLink{"veth1a", 7, 2, 3}));
}

TEST(LinkDumpTest, AnErrorAndBadFramingAreReported) {
  const int32_t error = -EPERM;
  LinkDumpParse parse;
  ParseLinkDumpDatagram(Message(NLMSG_ERROR, Bytes(reinterpret_cast<const uint8_t*>(&error),
                                                   reinterpret_cast<const uint8_t*>(&error) + 4)),
                        parse);
  EXPECT_EQ(parse.error, EPERM);
  Bytes cut = Link(7, "veth1a", "veth", 3, 2);
  cut.resize(cut.size() - 6);
  LinkDumpParse broken;
  ParseLinkDumpDatagram(cut, broken);
  EXPECT_TRUE(broken.veths.empty());
  EXPECT_EQ(broken.malformed, 1u);
}

TEST(NsidReplyTest, TheIdOrTheError) {
  rtgenmsg family{AF_UNSPEC};
  Bytes payload;
  Append(payload, &family, sizeof family);
  Bytes a = U32(NETNSA_NSID, 5);
  payload.insert(payload.end(), a.begin(), a.end());
  EXPECT_EQ(ParseNsidReply(Message(RTM_NEWNSID, payload)).nsid, 5);
  const int32_t error = -EBADF;
  const NsidReply refused =
      ParseNsidReply(Message(NLMSG_ERROR, Bytes(reinterpret_cast<const uint8_t*>(&error),
                                                reinterpret_cast<const uint8_t*>(&error) + 4)));
  EXPECT_FALSE(refused.nsid);
  EXPECT_EQ(refused.error, EBADF);
}

TEST(NsidReplyTest, APayloadShorterThanItsHeaderIsNoReply) {
  // Found by the fuzzer: one byte of rtgenmsg, less than its aligned size.
  EXPECT_FALSE(ParseNsidReply(Message(RTM_NEWNSID, Bytes(1))).nsid);
}

// The real kernel: the exporter's own namespace has no veth peers elsewhere in a fresh
// namespace, and a namespace file that does not exist is ENOENT.
TEST(KernelNetnsTest, ListsAndRefusesWhatIsNotThere) {
  KernelNetns kernel;
  int error = 0;
  EXPECT_TRUE(kernel.ListVeths(error)) << std::strerror(error);
  EXPECT_FALSE(kernel.NsidOf("/proc/999999999/ns/net", error));
  EXPECT_EQ(error, ENOENT);
  EXPECT_TRUE(kernel.InodeOf("/proc/self/ns/net"));
}

}  // namespace
}  // namespace netif::kubernetes
