// The net-snmp session wrapper over real UDP sockets on loopback, with the test playing a silent
// or a garbage-answering peer: timeouts, net-snmp's retries, undecodable packets, SNMPv3 sessions
// waiting for discovery. Real agents are in tests/integration/snmp_*_test.cc.
#include "collectors/snmp/snmp_session.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <clocale>
#include <string>

#include "collectors/snmp/if_mib.h"

namespace netif {
namespace {

using ::testing::HasSubstr;

// A UDP socket on 127.0.0.1 that plays the agent.
class FakePeer {
 public:
  FakePeer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~FakePeer() { ::close(fd_); }

  std::string Peer() const { return "udp:127.0.0.1:" + std::to_string(port_); }

  // Waits for one request and answers it with `reply` (nothing when empty). Returns whether a
  // request came.
  bool AnswerOne(const std::string& reply, int timeout_ms = 2000) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) != 1) return false;
    char buffer[65536];
    sockaddr_in from{};
    socklen_t length = sizeof from;
    if (::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length) <=
        0) {
      return false;
    }
    if (!reply.empty()) {
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), length);
    }
    return true;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::unique_ptr<SnmpSession> OpenOrDie(SnmpSession::Options options) {
  auto opened = SnmpSession::Open(options);
  if (auto* error = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *error;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<SnmpSession>>(opened));
}

// Drives the session like the poller does until `done` or `limit`; returns every event.
std::vector<SnmpEvent> Drive(SnmpSession& session,
                             const std::function<bool(const std::vector<SnmpEvent>&)>& done,
                             std::chrono::milliseconds limit, size_t* bad_packets = nullptr) {
  std::vector<SnmpEvent> all;
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done(all) && std::chrono::steady_clock::now() < end) {
    const std::optional<double> left = session.TimeUntilTimeout();
    pollfd pfd{session.fd(), POLLIN, 0};
    const int wait_ms = left ? static_cast<int>(*left * 1000) + 1 : 50;
    if (::poll(&pfd, 1, std::min(wait_ms, 50)) == 1) {
      SnmpSession::ReadResult read = session.Read();
      if (bad_packets) *bad_packets += read.bad_packets;
      all.insert(all.end(), read.events.begin(), read.events.end());
    }
    for (SnmpEvent& event : session.HandleTimeouts()) all.push_back(std::move(event));
  }
  return all;
}

size_t CountKind(const std::vector<SnmpEvent>& events, SnmpEvent::Kind kind) {
  return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                           [&](const SnmpEvent& e) { return e.kind == kind; }));
}

TEST(SnmpSessionTest, InitKeepsTheLocale) {
  const std::string before = std::setlocale(LC_CTYPE, nullptr);
  InitNetSnmp();
  InitNetSnmp();  // idempotent
  EXPECT_EQ(std::setlocale(LC_CTYPE, nullptr), before);
}

TEST(SnmpSessionTest, SilentPeerTimesOutAfterTheRetries) {
  FakePeer peer;
  SnmpSession::Options options;
  options.peer = peer.Peer();
  options.credentials.community = "public";
  options.timeout = std::chrono::milliseconds(100);
  options.retries = 2;
  auto session = OpenOrDie(options);
  ASSERT_TRUE(session);
  EXPECT_GE(session->fd(), 0);
  EXPECT_FALSE(session->NeedsEngineId());
  EXPECT_EQ(session->TimeUntilTimeout(), std::nullopt);
  const std::vector<Oid> oids = {IfColumnOid(IfColumn::kDescr)};
  auto sent = session->SendGetBulk(oids, 0, 10);
  ASSERT_TRUE(std::holds_alternative<int>(sent)) << std::get<std::string>(sent);
  const auto left = session->TimeUntilTimeout();
  ASSERT_TRUE(left.has_value());
  EXPECT_LE(*left, 0.1);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<SnmpEvent> events = Drive(
      *session, [](const auto& so_far) { return CountKind(so_far, SnmpEvent::Kind::kTimeout) > 0; },
      std::chrono::seconds(3));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(CountKind(events, SnmpEvent::Kind::kResend), 2u);
  ASSERT_EQ(CountKind(events, SnmpEvent::Kind::kTimeout), 1u);
  EXPECT_EQ(events.back().request_id, std::get<int>(sent));
  EXPECT_GE(took, 0.25);
  EXPECT_LT(took, 1.0);
}

TEST(SnmpSessionTest, GarbageIsCountedNotDelivered) {
  FakePeer peer;
  SnmpSession::Options options;
  options.peer = peer.Peer();
  options.credentials.community = "public";
  options.timeout = std::chrono::milliseconds(300);
  options.retries = 0;
  auto session = OpenOrDie(options);
  ASSERT_TRUE(session);
  const std::vector<Oid> oids = {IfColumnOid(IfColumn::kDescr)};
  ASSERT_TRUE(std::holds_alternative<int>(session->SendGetNext(oids)));
  ASSERT_TRUE(peer.AnswerOne(std::string("\x30\x82\xff\xff\x02\x01junk", 10)));
  size_t bad = 0;
  const std::vector<SnmpEvent> events = Drive(
      *session, [](const auto& so_far) { return CountKind(so_far, SnmpEvent::Kind::kTimeout) > 0; },
      std::chrono::seconds(3), &bad);
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(CountKind(events, SnmpEvent::Kind::kResponse), 0u);
  EXPECT_EQ(CountKind(events, SnmpEvent::Kind::kTimeout), 1u);
}

TEST(SnmpSessionTest, V3SessionsWaitForDiscoveryWithoutBlocking) {
  FakePeer peer;
  SnmpSession::Options options;
  options.peer = peer.Peer();
  options.version = SnmpVersion::kV3;
  options.credentials.username = "monitor";
  options.credentials.auth_password = "authpass123";
  options.credentials.priv_password = "privpass123";
  options.timeout = std::chrono::milliseconds(100);
  options.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  auto session = OpenOrDie(options);
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->NeedsEngineId());
  auto sent = session->SendEngineProbe();
  ASSERT_TRUE(std::holds_alternative<int>(sent)) << std::get<std::string>(sent);
  // Neither opening nor sending waited for the (silent) peer.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.05);
  EXPECT_TRUE(peer.AnswerOne(""));
  const std::vector<SnmpEvent> events = Drive(
      *session, [](const auto& so_far) { return CountKind(so_far, SnmpEvent::Kind::kTimeout) > 0; },
      std::chrono::seconds(3));
  EXPECT_EQ(CountKind(events, SnmpEvent::Kind::kTimeout), 1u);
  EXPECT_THAT(*session->OnEngineDiscovered(), HasSubstr("no engine ID"));
}

TEST(SnmpSessionTest, UnusablePeerIsAnError) {
  SnmpSession::Options options;
  options.peer = "udp:[not an address";
  auto opened = SnmpSession::Open(options);
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_THAT(std::get<std::string>(opened), HasSubstr("cannot open an SNMP session"));
}

TEST(SnmpSessionTest, ErrorStatusNames) {
  EXPECT_THAT(SnmpErrorStatusName(kSnmpErrorTooBig), HasSubstr("tooBig"));
  EXPECT_THAT(SnmpErrorStatusName(5), HasSubstr("genErr"));
}

}  // namespace
}  // namespace netif
