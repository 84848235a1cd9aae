#include "support/snmp/agents.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "support/netns.h"

namespace netif::testing_support {
namespace {

using namespace std::chrono_literals;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

int BindLoopback(int type, int port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(Errno("socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string why = Errno("bind 127.0.0.1:" + std::to_string(port));
    ::close(fd);
    throw std::runtime_error(why);
  }
  return fd;
}

int LocalPort(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(Errno("getsockname"));
  }
  return ntohs(address.sin_port);
}

std::vector<std::string> InNetns(const std::optional<std::string>& netns,
                                 std::vector<std::string> argv) {
  if (!netns) return argv;
  std::vector<std::string> full = {"ip", "netns", "exec", *netns};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

// Polls `ready` every 200 ms until it holds, `process` exits, or `limit` passes.
template <typename Ready>
bool WaitUntil(Subprocess& process, Ready ready, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end && process.Running()) {
    if (ready()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return process.Running() && ready();
}

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

}  // namespace

int FreeLoopbackPort(bool tcp, const std::optional<std::string>& netns) {
  int port = 0;
  const auto pick = [&] {
    const int fd = BindLoopback(tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    port = LocalPort(fd);
    ::close(fd);
  };
  if (netns) {
    RunInNetns("/run/netns/" + *netns, pick);
  } else {
    pick();
  }
  return port;
}

bool AgentAnswers(const std::string& address, const std::vector<std::string>& args,
                  const std::optional<std::string>& netns) {
  std::vector<std::string> argv = {"env", "MIBS=", "snmpget", "-On", "-t", "0.5", "-r", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(address);
  argv.push_back("1.3.6.1.2.1.1.3.0");
  const CommandResult result = RunCommand(InNetns(netns, argv), 10s);
  return result.exit_code == 0 && result.stdout_text.find("Timeticks") != std::string::npos;
}

// ---- snmpd ----

SnmpdAgent::SnmpdAgent(Options options) : options_(std::move(options)) {
  udp_port_ = FreeLoopbackPort(false, options_.netns);
  std::string listen = "udp:127.0.0.1:" + std::to_string(udp_port_);
  if (options_.with_tcp) {
    tcp_port_ = FreeLoopbackPort(true, options_.netns);
    listen += ",tcp:127.0.0.1:" + std::to_string(tcp_port_);
  }
  std::string config =
      "agentAddress " + listen + "\n" + "rocommunity " + options_.community + " default\n";
  for (const SnmpV3User& user : options_.users) {
    config += "createUser " + user.name + " " + user.auth_protocol + " " +
              Quoted(user.auth_password) + " " + user.priv_protocol + " " +
              Quoted(user.priv_password) + "\n";
    config += "rouser " + user.name + " authpriv\n";
  }
  for (const std::string& line : options_.extra_config) config += line + "\n";
  const std::string conf = dir_.WriteFile("snmpd.conf", config);
  const std::string persistent = dir_.path() + "/persist";
  std::filesystem::create_directories(persistent);
  // -C: no config file but ours; SNMP_PERSISTENT_DIR keeps /var/lib/snmp untouched.
  process_ = std::make_unique<Subprocess>(
      InNetns(options_.netns, {"env", "MIBS=", "SNMP_PERSISTENT_DIR=" + persistent, "snmpd", "-f",
                               "-Lo", "-C", "-c", conf}));
  const bool ready = WaitUntil(
      *process_,
      [&] {
        return AgentAnswers(UdpAddress(), {"-v2c", "-c", options_.community}, options_.netns);
      },
      15s);
  if (!ready) {
    throw std::runtime_error("snmpd did not answer on " + UdpAddress() +
                             "; its output: " + Output());
  }
}

SnmpdAgent::~SnmpdAgent() {
  if (process_ && process_->Running()) {
    process_->Signal(SIGTERM);
    if (!process_->Wait(1s)) process_->Kill();
  }
}

std::string SnmpdAgent::Output() const {
  return process_ ? process_->Stdout() + process_->Stderr() : "";
}

// ---- snmpsimd ----

SnmpsimAgent::SnmpsimAgent(Options options) {
  if (options.recordings.empty()) throw std::invalid_argument("SnmpsimAgent: no recordings");
  // snmpsimd drops to nobody: everything it reads must be world-readable, its cache writable.
  const std::filesystem::path data = dir_.path() + "/data";
  const std::filesystem::path cache = dir_.path() + "/cache";
  std::filesystem::create_directories(data);
  std::filesystem::create_directories(cache);
  ::chmod(dir_.path().c_str(), 0755);
  ::chmod(data.c_str(), 0755);
  ::chmod(cache.c_str(), 0777);
  for (const auto& [community, source] : options.recordings) {
    const std::filesystem::path copy = data / (community + ".snmprec");
    std::filesystem::copy_file(source, copy, std::filesystem::copy_options::overwrite_existing);
    ::chmod(copy.c_str(), 0644);
  }
  std::vector<std::string> argv = {"snmpsimd",
                                   "--data-dir=" + data.string(),
                                   "--cache-dir=" + cache.string(),
                                   "--process-user=nobody",
                                   "--process-group=nogroup",
                                   "--logging-method=null",
                                   "--max-varbinds=1000",
                                   "--v2c-arch"};
  for (size_t i = 0; i < std::max<size_t>(1, options.endpoints); ++i) {
    ports_.push_back(FreeLoopbackPort());
    argv.push_back("--agent-udpv4-endpoint=127.0.0.1:" + std::to_string(ports_.back()));
  }
  process_ = std::make_unique<Subprocess>(argv);
  const std::string community = options.recordings.front().first;
  for (size_t i = 0; i < ports_.size(); ++i) {
    const bool ready = WaitUntil(
        *process_,
        [&] {
          return AgentAnswers(Address(i), {"-v2c", "-c", community});
        },
        60s);
    if (!ready) {
      throw std::runtime_error("snmpsimd did not answer on " + Address(i) +
                               "; its output: " + Output());
    }
  }
}

SnmpsimAgent::~SnmpsimAgent() { Kill(); }

void SnmpsimAgent::Kill() {
  if (process_ && process_->Running()) process_->Kill();
}

std::string SnmpsimAgent::Output() const {
  return process_ ? process_->Stdout() + process_->Stderr() : "";
}

// ---- the faulty proxy ----

FaultyUdpProxy::FaultyUdpProxy(Mode mode, const std::string& upstream, int responses)
    : mode_(mode), limit_(responses) {
  client_fd_ = BindLoopback(SOCK_DGRAM, 0);
  port_ = LocalPort(client_fd_);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (mode_ != Mode::kGarbage) {
    const size_t colon = upstream.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("upstream must be host:port");
    upstream_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::stoi(upstream.substr(colon + 1))));
    inet_pton(AF_INET, upstream.substr(0, colon).c_str(), &address.sin_addr);
    if (::connect(upstream_fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error(Errno("connect " + upstream));
    }
  }
  thread_ = std::thread([this] { Run(); });
}

FaultyUdpProxy::~FaultyUdpProxy() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t ignored = ::write(stop_fd_, &one, sizeof one);
  thread_.join();
  for (int fd : {client_fd_, upstream_fd_, stop_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void FaultyUdpProxy::Run() {
  sockaddr_storage client{};
  socklen_t client_length = 0;
  std::vector<char> buffer(65536);
  while (true) {
    pollfd fds[3] = {{stop_fd_, POLLIN, 0}, {client_fd_, POLLIN, 0}, {upstream_fd_, POLLIN, 0}};
    const int count = upstream_fd_ >= 0 ? 3 : 2;
    if (::poll(fds, count, 1000) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) return;
    if (fds[1].revents & POLLIN) {
      client_length = sizeof client;
      const ssize_t n = ::recvfrom(client_fd_, buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&client), &client_length);
      if (n > 0) {
        ++requests_;
        if (mode_ == Mode::kGarbage) {
          // BER-looking junk: a SEQUENCE claiming 65535 bytes, then noise.
          static constexpr char kJunk[] = "\x30\x82\xff\xff\x02\x01\x09garbage, not SNMP";
          ::sendto(client_fd_, kJunk, sizeof kJunk - 1, 0, reinterpret_cast<sockaddr*>(&client),
                   client_length);
          ++responses_;
        } else {
          [[maybe_unused]] const ssize_t sent = ::send(upstream_fd_, buffer.data(), n, 0);
        }
      }
    }
    if (count == 3 && (fds[2].revents & POLLIN)) {
      const ssize_t n = ::recv(upstream_fd_, buffer.data(), buffer.size(), 0);
      if (n <= 0 || client_length == 0) continue;
      if (mode_ == Mode::kStopAfter && responses_.load() >= limit_) continue;
      const size_t length =
          mode_ == Mode::kTruncate ? static_cast<size_t>(n) / 2 : static_cast<size_t>(n);
      ::sendto(client_fd_, buffer.data(), length, 0, reinterpret_cast<sockaddr*>(&client),
               client_length);
      ++responses_;
    }
  }
}

}  // namespace netif::testing_support
