#include "collectors/snmp/snmp_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "collectors/snmp/ether_like_mib.h"
#include "collectors/snmp/shard.h"
#include "collectors/snmp/snmp_session.h"
#include "collectors/snmp/target_reporter.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/thread_name.h"

namespace netif {
namespace {

// The loop wakes at least this often even with nothing due (cheap, and a safety net).
constexpr double kMaxSleepSeconds = 5.0;
// Each turn of the loop shows the thread alive; with none for this long it is reported stuck (a
// turn never waits for an agent: every target is driven asynchronously).
constexpr std::chrono::milliseconds kStaleAfter = std::chrono::seconds(30);

}  // namespace

SnmpSource::SnmpSource(const SnmpConfig& config, const Shard& shard, RecordSink& sink,
                       SelfMetrics& self_metrics)
    : configured_(config.targets.size()),
      shard_(shard),
      self_metrics_(self_metrics),
      runs_(self_metrics, "snmp", kStaleAfter) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  resolver_ = std::make_unique<HostResolver>([this] { Wake(); });
  for (const SnmpTargetConfig& target : config.targets) {
    if (!InSnmpShard(target.name, shard_)) continue;
    targets_.push_back(std::make_unique<TargetPoller>(targets_.size(), target, sink, self_metrics_,
                                                      runs_, *resolver_));
  }
  self_metrics_.Gauge("netif_snmp_targets").Set(static_cast<double>(targets_.size()));
  if (!targets_.empty()) InitNetSnmp();
}

SnmpSource::~SnmpSource() {
  Stop();
  for (auto& target : targets_) target->RemoveGauges();
  targets_.clear();
  self_metrics_.Gauge("netif_snmp_targets").Set(0);  // none until a successor (a reload) says
  // Returns at once (a lookup still in getaddrinfo finishes on its own thread) and calls the wake
  // callback, which uses wake_fd_, never again.
  resolver_.reset();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void SnmpSource::Start() {
  if (targets_.empty() || thread_.joinable()) return;
  if (wake_fd_ < 0) {
    runs_.Record(Status::Error(std::string("eventfd: ") + std::strerror(errno)), 0);
    return;
  }
  for (const auto& target : targets_) {
    for (const std::string& key : target->config().inline_secret_keys) {
      LogWarn("SNMP secret written inline in the config file; prefer *_env or *_file",
              {{"target", target->config().name}, {"key", key}});
    }
  }
  LogInfo("SNMP poller started", {{"targets", static_cast<uint64_t>(targets_.size())},
                                  {"configured_targets", static_cast<uint64_t>(configured_)},
                                  {"shard", shard_.ToString()}});
  runs_.Record(Status::Ok(), 0);
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SnmpSource::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  Wake();
  thread_.join();
}

std::vector<std::string> SnmpSource::KeySources() const {
  std::vector<std::string> sources;
  for (const auto& target : targets_) sources.push_back(SnmpSourceName(target->config().name));
  return sources;
}

void SnmpSource::Wake() {
  const uint64_t one = 1;
  // A full counter (never in practice) still leaves the fd readable, which is all that counts.
  [[maybe_unused]] const ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
}

void SnmpSource::Run() {
  NameThisThread("netif-snmp");
  std::vector<pollfd> fds;
  std::vector<size_t> owners;  // fds[i + 1] belongs to targets_[owners[i]]
  while (!stopping_) {
    runs_.Progress();
    double now = MonotonicSeconds();
    for (HostResolver::Result& result : resolver_->TakeResults()) {
      targets_[result.id]->OnResolved(std::move(result), now);
    }
    double deadline = now + kMaxSleepSeconds;
    fds.clear();
    owners.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    for (size_t i = 0; i < targets_.size(); ++i) {
      TargetPoller& target = *targets_[i];
      target.Advance(now);
      const TargetPoller::Wait wait = target.NextWait();
      deadline = std::min(deadline, wait.deadline);
      if (wait.fd >= 0) {
        fds.push_back({wait.fd, wait.events, 0});
        owners.push_back(i);
      }
    }
    const double sleep = std::max(0.0, deadline - MonotonicSeconds());
    const int timeout_ms = static_cast<int>(std::ceil(sleep * 1000));
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      LogError("SNMP poller: poll failed", {{"error", std::string(std::strerror(errno))}});
      continue;
    }
    if (fds[0].revents != 0) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t ignored = ::read(wake_fd_, &count, sizeof count);
    }
    now = MonotonicSeconds();
    for (size_t k = 1; k < fds.size(); ++k) {
      if (fds[k].revents != 0) targets_[owners[k - 1]]->OnReady(fds[k].revents, now);
    }
  }
  for (auto& target : targets_) target->Shutdown();
}

std::span<const ExtraCounterDefinition* const> SnmpExtraCounters() { return Dot3ExtraCounters(); }

std::unique_ptr<Source> MakeSnmpSource(const Config& config, SourceContext& context) {
  if (config.snmp.targets.empty()) return nullptr;
  return std::make_unique<SnmpSource>(config.snmp, config.snmp_shard, context.sink,
                                      context.self_metrics);
}

}  // namespace netif
