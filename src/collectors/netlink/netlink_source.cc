#include "collectors/netlink/netlink_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "model/sample_time.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/thread_name.h"

namespace netif {
namespace {

// Datagrams read per wake-up before the stop flag is looked at again. A storm of thousands of
// links is read in a few rounds; Stop() never waits for a whole storm.
constexpr int kMaxDatagramsPerRound = 256;

// The thread wakes at least this often with nothing to read, to show it is alive (a thread
// blocked elsewhere stops showing it, and is reported stuck after kStaleAfter).
constexpr std::chrono::milliseconds kHeartbeat = std::chrono::seconds(5);
constexpr std::chrono::milliseconds kStaleAfter = std::chrono::seconds(30);

}  // namespace

int NetlinkSource::ReceiveBufferBytes(const Options& options) {
  if (const char* text = std::getenv(kReceiveBufferEnv)) {
    int bytes = 0;
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), bytes);
    if (error == std::errc() && end == view.data() + view.size() && bytes > 0) return bytes;
  }
  return options.socket.receive_buffer_bytes;
}

NetlinkSource::NetlinkSource(Options options, RecordSink& sink, SelfMetrics& self_metrics,
                             SocketFactory socket_factory)
    : options_(std::move(options)),
      socket_factory_(std::move(socket_factory)),
      runs_(self_metrics, "netlink", kStaleAfter),
      socket_errors_(self_metrics.Counter("netif_netlink_errors_total", {{"reason", "socket"}})),
      sync_(options_.filter, sink, self_metrics, options_.on_link_event),
      backoff_(options_.initial_backoff) {
  if (!socket_factory_) {
    RtnetlinkSocketOptions socket_options = options_.socket;
    socket_options.receive_buffer_bytes = ReceiveBufferBytes(options_);
    socket_factory_ = [socket_options](Status* status) {
      return OpenKernelRtnetlinkSocket(socket_options, status);
    };
  }
  // Every reason shows from the start, at 0, so a rate() over them has a baseline.
  self_metrics.Counter("netif_netlink_errors_total", {{"reason", "enobufs"}});
  self_metrics.Counter("netif_netlink_resyncs_total");
}

NetlinkSource::~NetlinkSource() { Stop(); }

void NetlinkSource::Start() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    // Without a way to wake the thread, Stop() could not end it: do not start one.
    runs_.Record(Status::Error(std::string("eventfd: ") + std::strerror(errno)), 0);
    return;
  }
  thread_ = std::thread([this] { Run(); });
  std::unique_lock lock(first_dump_mutex_);
  first_dump_settled_cv_.wait_for(lock, options_.first_dump_timeout,
                                  [this] { return first_dump_settled_; });
}

bool NetlinkSource::first_dump_applied() {
  std::lock_guard lock(first_dump_mutex_);
  return first_dump_applied_;
}

void NetlinkSource::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const uint64_t one = 1;
  // An eventfd write of 1 cannot fail short of overflowing its counter, which Stop() never does.
  [[maybe_unused]] const ssize_t written = write(wake_fd_, &one, sizeof(one));
  thread_.join();
  close(wake_fd_);
  wake_fd_ = -1;
}

void NetlinkSource::SettleFirstDump(bool applied) {
  std::lock_guard lock(first_dump_mutex_);
  if (first_dump_settled_) return;
  first_dump_settled_ = true;
  first_dump_applied_ = applied;
  first_dump_settled_cv_.notify_all();
}

void NetlinkSource::Run() {
  NameThisThread("netif-netlink");
  while (!stopping_) {
    runs_.Progress();
    if (!EnsureSocket()) continue;
    RequestDumpIfWanted();
    if (!socket_) continue;
    pollfd fds[2] = {{socket_->fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(kHeartbeat.count())) < 0) {
      if (errno == EINTR) continue;
      Fail(std::string("poll: ") + std::strerror(errno));
      continue;
    }
    if (fds[1].revents != 0) break;  // only Stop() writes the eventfd
    // POLLERR is how the kernel flags ENOBUFS; Receive() reports it.
    if (fds[0].revents != 0) Drain();
  }
  socket_.reset();
  SettleFirstDump(false);
}

bool NetlinkSource::EnsureSocket() {
  if (socket_) return true;
  Status status;
  socket_ = socket_factory_(&status);
  if (!socket_) {
    Fail(status.message());
    return false;
  }
  sync_.Reset();
  return true;
}

void NetlinkSource::RequestDumpIfWanted() {
  if (!sync_.WantsDump()) return;
  const uint32_t seq = next_seq_++;
  const Status status = socket_->RequestDump(seq);
  if (!status.ok()) {
    Fail(status.message());
    return;
  }
  dump_started_ = std::chrono::steady_clock::now();
  sync_.DumpRequested(seq, socket_->port_id(), NowSampleTime());
}

void NetlinkSource::Drain() {
  for (int round = 0; round < kMaxDatagramsPerRound && socket_ && !stopping_; ++round) {
    const RtnetlinkSocket::Received received = socket_->Receive();
    switch (received.status) {
      case RtnetlinkSocket::ReceiveStatus::kWouldBlock:
        return;
      case RtnetlinkSocket::ReceiveStatus::kOverflow:
        sync_.OnLostEvents("enobufs");
        break;
      case RtnetlinkSocket::ReceiveStatus::kTruncated:
        sync_.OnLostEvents("truncated");
        break;
      case RtnetlinkSocket::ReceiveStatus::kError:
        Fail(received.error);
        return;
      case RtnetlinkSocket::ReceiveStatus::kData:
        if (sync_.OnDatagram(received.bytes, NowSampleTime()) ==
            LinkStateSync::Outcome::kDumpFailed) {
          Fail("the kernel refused the RTM_GETLINK dump");
          return;
        }
        if (sync_.complete_dumps() != dumps_seen_) {
          dumps_seen_ = sync_.complete_dumps();
          backoff_ = options_.initial_backoff;
          runs_.Record(Status::Ok(), std::chrono::duration<double>(
                                         std::chrono::steady_clock::now() - dump_started_)
                                         .count());
          SettleFirstDump(true);
        }
        break;
    }
    // A resync is asked for as soon as it is wanted, so that the dump is generated while the
    // rest of the backlog is read rather than after it.
    RequestDumpIfWanted();
  }
}

void NetlinkSource::Fail(const std::string& why) {
  socket_errors_.Increment();
  socket_.reset();
  runs_.Record(Status::Error(why), 0, backoff_);
  SettleFirstDump(false);
  WaitForStop(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
}

bool NetlinkSource::WaitForStop(std::chrono::milliseconds duration) {
  if (wake_fd_ < 0) return stopping_;
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stopping_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd wake{wake_fd_, POLLIN, 0};
    poll(&wake, 1, static_cast<int>(std::min(left, kHeartbeat).count()));
    runs_.Progress();
  }
  return stopping_;
}

std::unique_ptr<Source> MakeNetlinkSource(const Config& config, SourceContext& context) {
  if (!config.local.enabled || !config.local.netlink) return nullptr;
  NetlinkSource::Options options;
  options.filter =
      DeviceFilter(config.local.device_include.pattern(), config.local.device_exclude.pattern());
  options.on_link_event = [&events = context.link_events](const InterfaceRecord& record) {
    events.Publish(record);
  };
  return std::make_unique<NetlinkSource>(std::move(options), context.sink, context.self_metrics);
}

}  // namespace netif
