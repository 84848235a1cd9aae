#include "support/netns.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace netif::testing_support {
namespace {

constexpr uint16_t kExperimentalEtherType = 0x88B5;  // IEEE 802 local experimental 1
constexpr int kMinFrameSize = 60;                    // Ethernet minimum without FCS
constexpr int kMaxFrameSize = 1514;                  // 1500-byte payload + 14-byte header

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// Just enough JSON for `ip -j`: objects, arrays, strings (escapes kept simple: \uXXXX is kept
// verbatim, device names in our tests are ASCII), numbers kept as text, true/false/null.
struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  std::string text;  // number or string
  bool boolean = false;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json* Member(std::string_view key) const {
    for (const auto& [name, value] : members) {
      if (name == key) return &value;
    }
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  Json ReadDocument() {
    Json value = ReadValue(0);
    SkipSpace();
    if (pos_ != text_.size()) Fail("trailing characters");
    return value;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw std::runtime_error("ip -j output: " + why + " at offset " + std::to_string(pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::strchr(" \t\r\n", text_[pos_]) != nullptr) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Consume(c)) Fail(std::string("expected '") + c + "'");
  }

  Json ReadValue(int depth) {
    if (depth > 32) Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= text_.size()) Fail("unexpected end");
    Json value;
    const char c = text_[pos_];
    if (c == '{') {
      value.kind = Json::Kind::kObject;
      ++pos_;
      if (Consume('}')) return value;
      do {
        SkipSpace();
        std::string key = ReadString();
        Expect(':');
        value.members.emplace_back(std::move(key), ReadValue(depth + 1));
      } while (Consume(','));
      Expect('}');
    } else if (c == '[') {
      value.kind = Json::Kind::kArray;
      ++pos_;
      if (Consume(']')) return value;
      do {
        value.items.push_back(ReadValue(depth + 1));
      } while (Consume(','));
      Expect(']');
    } else if (c == '"') {
      value.kind = Json::Kind::kString;
      value.text = ReadString();
    } else if (text_.substr(pos_, 4) == "true" || text_.substr(pos_, 5) == "false") {
      value.kind = Json::Kind::kBool;
      value.boolean = c == 't';
      pos_ += value.boolean ? 4 : 5;
    } else if (text_.substr(pos_, 4) == "null") {
      pos_ += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      value.kind = Json::Kind::kNumber;
      const size_t start = pos_;
      while (pos_ < text_.size() && std::strchr("+-.eE0123456789", text_[pos_]) != nullptr) ++pos_;
      value.text = std::string(text_.substr(start, pos_ - start));
    } else {
      Fail("unexpected character");
    }
    return value;
  }

  std::string ReadString() {
    if (pos_ >= text_.size() || text_[pos_] != '"') Fail("expected a string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) Fail("unterminated escape");
        const char e = text_[pos_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'u':
            out += "\\u";
            continue;  // kept verbatim; see the struct comment
          default:
            c = e;  // '"', '\\', '/'
        }
      }
      out.push_back(c);
    }
    if (pos_ >= text_.size()) Fail("unterminated string");
    ++pos_;
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

uint64_t NumberAt(const Json& object, std::string_view section, std::string_view key) {
  const Json* stats = object.Member("stats64");
  if (stats == nullptr) stats = object.Member("stats");
  const Json* part = stats ? stats->Member(section) : nullptr;
  const Json* number = part ? part->Member(key) : nullptr;
  if (number == nullptr || number->kind != Json::Kind::kNumber) return 0;
  uint64_t value = 0;
  std::from_chars(number->text.data(), number->text.data() + number->text.size(), value);
  return value;
}

}  // namespace

std::map<std::string, IpLinkStats> ParseIpLinkJson(const std::string& json) {
  const Json document = JsonReader(json).ReadDocument();
  if (document.kind != Json::Kind::kArray) throw std::runtime_error("ip -j output: not an array");
  std::map<std::string, IpLinkStats> links;
  for (const Json& entry : document.items) {
    const Json* name = entry.Member("ifname");
    if (name == nullptr || name->kind != Json::Kind::kString) continue;
    IpLinkStats link;
    link.name = name->text;
    if (const Json* index = entry.Member("ifindex")) {
      std::from_chars(index->text.data(), index->text.data() + index->text.size(), link.ifindex);
    }
    if (const Json* state = entry.Member("operstate")) link.operstate = state->text;
    if (const Json* flags = entry.Member("flags")) {
      for (const Json& flag : flags->items) link.admin_up = link.admin_up || flag.text == "UP";
    }
    link.rx_bytes = NumberAt(entry, "rx", "bytes");
    link.rx_packets = NumberAt(entry, "rx", "packets");
    link.rx_errors = NumberAt(entry, "rx", "errors");
    link.rx_dropped = NumberAt(entry, "rx", "dropped");
    link.tx_bytes = NumberAt(entry, "tx", "bytes");
    link.tx_packets = NumberAt(entry, "tx", "packets");
    link.tx_errors = NumberAt(entry, "tx", "errors");
    link.tx_dropped = NumberAt(entry, "tx", "dropped");
    if (const Json* stats = entry.Member("stats64")) {
      for (const auto& [section, part] : stats->members) {
        for (const auto& [key, number] : part.members) {
          if (number.kind != Json::Kind::kNumber) continue;
          uint64_t value = 0;
          std::from_chars(number.text.data(), number.text.data() + number.text.size(), value);
          link.stats64[section + "." + key] = value;
        }
      }
    }
    links.emplace(link.name, std::move(link));
  }
  return links;
}

void RunInNetns(const std::string& netns_path, const std::function<void()>& work) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      const int fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error(Errno("open " + netns_path));
      // Only this thread moves: setns(CLONE_NEWNET) changes the calling thread's namespace.
      const int rc = ::setns(fd, CLONE_NEWNET);
      const int setns_errno = errno;
      ::close(fd);
      if (rc != 0) {
        errno = setns_errno;
        throw std::runtime_error(Errno("setns " + netns_path));
      }
      work();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

NetworkNamespace::NetworkNamespace() {
  static std::atomic<int> counter{0};
  name_ = "netif-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const CommandResult added = RunCommand({"ip", "netns", "add", name_}, 10s);
  if (added.exit_code != 0) {
    const std::string reason = "cannot create network namespace " + name_ +
                               " (`ip netns add`; kernel tests need root " +
                               "with CAP_SYS_ADMIN and iproute2): " + added.Describe();
    name_.clear();  // nothing to delete
    throw std::runtime_error(reason);
  }
  try {
    RunOrThrow("ip link set lo up");
    // Best effort: without IPv6 in the kernel there is no IPv6 chatter to silence either.
    RunCommand({"ip", "netns", "exec", name_, "sh", "-c",
                "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; "
                "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"},
               10s);
  } catch (...) {
    RunCommand({"ip", "netns", "del", name_}, 10s);
    name_.clear();
    throw;
  }
}

NetworkNamespace::~NetworkNamespace() {
  if (name_.empty()) return;
  // Processes a failed test left behind (they were all started by this test into its own
  // namespace) would keep the namespace alive after `ip netns del`.
  const CommandResult pids = RunCommand({"ip", "netns", "pids", name_}, 10s);
  for (const std::string& word : SplitWords(pids.stdout_text)) {
    const int pid = std::atoi(word.c_str());
    if (pid > 1 && pid != ::getpid()) ::kill(pid, SIGKILL);
  }
  const CommandResult deleted = RunCommand({"ip", "netns", "del", name_}, 10s);
  if (deleted.exit_code != 0) {
    ADD_FAILURE() << "cannot delete network namespace " << name_ << ": " << deleted.Describe();
  }
}

std::vector<std::string> NetworkNamespace::ExecPrefix() const {
  return {"ip", "netns", "exec", name_};
}

CommandResult NetworkNamespace::Run(const std::string& command) const {
  std::vector<std::string> argv = ExecPrefix();
  for (auto& word : SplitWords(command)) argv.push_back(std::move(word));
  return RunCommand(argv, 30s);
}

void NetworkNamespace::RunOrThrow(const std::string& command) const {
  const CommandResult result = Run(command);
  if (result.exit_code != 0) {
    throw std::runtime_error("in netns " + name_ + ": `" + command + "`: " + result.Describe());
  }
}

void NetworkNamespace::CreateVethPair(const std::string& a, const std::string& b) const {
  RunOrThrow("ip link add name " + a + " type veth peer name " + b);
}

void NetworkNamespace::SetUp(const std::string& device) const {
  RunOrThrow("ip link set " + device + " up");
}

void NetworkNamespace::SetDown(const std::string& device) const {
  RunOrThrow("ip link set " + device + " down");
}

void NetworkNamespace::Delete(const std::string& device) const {
  RunOrThrow("ip link delete " + device);
}

std::map<std::string, IpLinkStats> NetworkNamespace::IpJsonLinkStats(bool detailed) const {
  std::vector<std::string> command = {"ip", "-n", name_, "-s", "-j", "link", "show"};
  if (detailed) command.insert(command.begin() + 3, "-s");
  const CommandResult result = RunCommand(command, 30s);
  if (result.exit_code != 0) {
    throw std::runtime_error("ip -s -j link in " + name_ + ": " + result.Describe());
  }
  return ParseIpLinkJson(result.stdout_text);
}

void NetworkNamespace::SendRawFrames(const std::string& device, int count, int frame_size) const {
  if (frame_size < kMinFrameSize || frame_size > kMaxFrameSize || count < 0) {
    throw std::invalid_argument("SendRawFrames: frame_size must be 60..1514 and count >= 0");
  }
  RunInside([&] {
    // Protocol 0: a send-only socket; it never queues received frames.
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(Errno("socket(AF_PACKET)"));
    const unsigned index = ::if_nametoindex(device.c_str());
    if (index == 0) {
      ::close(fd);
      throw std::runtime_error(Errno("if_nametoindex " + device));
    }
    // Locally administered unicast addresses: the peer counts the frame, then drops it as
    // PACKET_OTHERHOST without answering, so nothing else moves the counters.
    const uint8_t destination[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    const uint8_t source[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    std::vector<uint8_t> frame(static_cast<size_t>(frame_size), 0x5a);
    std::memcpy(frame.data(), destination, 6);
    std::memcpy(frame.data() + 6, source, 6);
    frame[12] = kExperimentalEtherType >> 8;
    frame[13] = kExperimentalEtherType & 0xff;

    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_ifindex = static_cast<int>(index);
    address.sll_halen = 6;
    std::memcpy(address.sll_addr, destination, 6);
    for (int i = 0; i < count; ++i) {
      const ssize_t sent = ::sendto(fd, frame.data(), frame.size(), 0,
                                    reinterpret_cast<const sockaddr*>(&address), sizeof address);
      if (sent != static_cast<ssize_t>(frame.size())) {
        const std::string why = Errno("sendto on " + device + " (frame " + std::to_string(i) + ")");
        ::close(fd);
        throw std::runtime_error(why);
      }
    }
    ::close(fd);
  });
}

void NetworkNamespace::RunInside(const std::function<void()>& work) const {
  RunInNetns(Path(), work);
}

std::optional<HttpResponse> HttpGetInNetns(const std::string& netns_name, const std::string& host,
                                           int port, const std::string& path,
                                           const std::vector<std::string>& extra_headers,
                                           int timeout_ms) {
  std::optional<HttpResponse> response;
  try {
    RunInNetns("/run/netns/" + netns_name,
               [&] { response = HttpGet(host, port, path, extra_headers, timeout_ms); });
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return response;
}

}  // namespace netif::testing_support
