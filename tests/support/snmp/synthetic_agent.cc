#include "support/snmp/synthetic_agent.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "support/snmp/ber.h"

namespace netif::testing_support {
namespace {

// Net-snmp accepts responses up to 64 KiB; whole rows of at most this many varbinds stay well
// below that (and below what one UDP datagram carries).
constexpr size_t kMaxResponseVarbinds = 512;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The answer to one request, or nullopt for anything the agent ignores (another community,
// another PDU type, undecodable bytes), as a real agent drops them.
std::optional<std::string> Answer(const SyntheticIfMib& mib, const std::string& community,
                                  std::string_view request_bytes, size_t& varbinds) {
  std::optional<SnmpMessage> request = DecodeSnmpMessage(request_bytes);
  if (!request || request->community != community) return std::nullopt;
  std::vector<Oid> oids;
  for (const Varbind& vb : request->varbinds) oids.push_back(vb.oid);
  SnmpMessage response;
  response.version = request->version;
  response.community = request->community;
  response.request_id = request->request_id;
  if (request->pdu_type == kPduGetNext) {
    response.varbinds = mib.GetNext(oids);
    if (request->version == 0) {
      // SNMPv1 has no endOfMibView: noSuchName at the first varbind past the end.
      for (size_t i = 0; i < response.varbinds.size(); ++i) {
        if (response.varbinds[i].IsException()) {
          response.error_status = 2;
          response.error_index = static_cast<int64_t>(i + 1);
          response.varbinds = request->varbinds;
          break;
        }
      }
    }
  } else if (request->pdu_type == kPduGetBulk && request->version >= 1) {
    const auto non_repeaters = static_cast<size_t>(std::max<int64_t>(0, request->error_status));
    const auto repetitions =
        static_cast<uint32_t>(std::clamp<int64_t>(request->error_index, 0, 10000));
    response.varbinds = mib.Bulk(oids, non_repeaters, repetitions, kMaxResponseVarbinds);
  } else {
    return std::nullopt;
  }
  varbinds = response.varbinds.size();
  return EncodeSnmpMessage(response);
}

}  // namespace

SyntheticAgent::SyntheticAgent(Options options)
    : options_(std::move(options)), mib_(options_.ports) {
  mib_.set_alias(options_.alias);
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(Errno("socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(options_.port));
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string why = Errno("bind 127.0.0.1:" + std::to_string(options_.port));
    ::close(fd_);
    throw std::runtime_error(why);
  }
  socklen_t length = sizeof address;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { Run(); });
}

SyntheticAgent::~SyntheticAgent() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t ignored = ::write(stop_fd_, &one, sizeof one);
  thread_.join();
  ::close(fd_);
  ::close(stop_fd_);
}

void SyntheticAgent::Run() {
  std::vector<char> buffer(65536);
  uint64_t first_requests = 0;
  while (true) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd_, POLLIN, 0}};
    if (::poll(fds, 2, 1000) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) return;
    if ((fds[1].revents & POLLIN) == 0) continue;
    sockaddr_storage client{};
    socklen_t client_length = sizeof client;
    const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                 reinterpret_cast<sockaddr*>(&client), &client_length);
    if (n <= 0) continue;
    ++requests_;
    size_t varbinds = 0;
    const std::string_view request(buffer.data(), static_cast<size_t>(n));
    // A walk's first request asks for the scalars (sysUpTime.0 first): a new poll, so the
    // counters move from one poll to the next.
    if (request.find(std::string_view("\x2b\x06\x01\x02\x01\x01\x03", 7)) !=
        std::string_view::npos) {
      mib_.set_tick(++first_requests);
    }
    if (std::optional<std::string> answer = Answer(mib_, options_.community, request, varbinds)) {
      ::sendto(fd_, answer->data(), answer->size(), 0, reinterpret_cast<const sockaddr*>(&client),
               client_length);
      varbinds_sent_ += varbinds;
    }
  }
}

}  // namespace netif::testing_support
