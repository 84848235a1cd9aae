// The netlink source: real-time link state from rtnetlink. A thread of its own blocks in
// poll() on a NETLINK_ROUTE socket subscribed to RTMGRP_LINK (and on an eventfd that Stop()
// writes), takes a full RTM_GETLINK dump at start and whenever events were lost, and hands every
// link message, in order, to LinkStateSync, which hands it to the sink.
//
// Failure handling: a socket that cannot be opened, fails, or has its dump request refused is
// closed, counted (netif_netlink_errors_total{reason="socket"}), shown as
// netif_scrape_collector_success{collector="netlink"} 0, logged once per state change, and
// reopened after a backoff (doubling up to max_backoff). The other sources are unaffected.
//
// Thread-safety: Start() and Stop() from one owner thread; everything else runs on the source's
// own thread (`netif-netlink`). The sink and the self-metrics it writes are themselves
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "collectors/netlink/link_state_sync.h"
#include "collectors/netlink/rtnetlink_socket.h"
#include "collectors/source.h"
#include "model/record_sink.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"
#include "util/device_filter.h"
#include "util/status.h"

namespace netif {

class NetlinkSource final : public Source {
 public:
  struct Options {
    DeviceFilter filter;
    RtnetlinkSocketOptions socket;
    std::chrono::milliseconds initial_backoff = std::chrono::seconds(1);
    std::chrono::milliseconds max_backoff = std::chrono::seconds(30);
    // How long Start() waits for the first dump, so the first scrape already has link state.
    std::chrono::milliseconds first_dump_timeout = std::chrono::seconds(2);
    // Told of every RTM_NEWLINK of an exported link, on the source's thread, before the sink
    // applies it (see LinkEventObserver). MakeNetlinkSource wires it to LinkEvents.
    LinkEventObserver on_link_event;
  };
  // Opens a socket; returns null and sets the status on failure. Tests pass a fake.
  using SocketFactory = std::function<std::unique_ptr<RtnetlinkSocket>(Status*)>;

  // `sink` and `self_metrics` must outlive the source. Without a factory the source opens kernel
  // sockets with options.socket.
  NetlinkSource(Options options, RecordSink& sink, SelfMetrics& self_metrics,
                SocketFactory socket_factory = nullptr);
  ~NetlinkSource() override;  // Stop()
  NetlinkSource(const NetlinkSource&) = delete;
  NetlinkSource& operator=(const NetlinkSource&) = delete;

  std::string_view name() const override { return "netlink"; }
  // Starts the thread and waits until the first dump is applied, the first attempt failed, or
  // first_dump_timeout passed. Either way the thread keeps running (and retrying) until Stop().
  // Call once.
  void Start() override;
  // Wakes the thread, which closes the socket and exits; returns when it has. Idempotent.
  void Stop() override;
  std::vector<std::string> KeySources() const override { return {std::string(kLocalSource)}; }
  // Whether the first dump was applied by the time Start() returned.
  bool first_dump_applied();

  // The environment variable that overrides options.socket.receive_buffer_bytes (bytes). Hidden
  // on purpose: the integration test sets a tiny buffer to force ENOBUFS deterministically.
  static constexpr const char* kReceiveBufferEnv = "NETIF_NETLINK_RCVBUF_BYTES";
  // options.socket.receive_buffer_bytes, or the value of kReceiveBufferEnv when it is set to a
  // positive number.
  static int ReceiveBufferBytes(const Options& options);

 private:
  void Run();
  // Opens a socket if there is none; false (after the backoff wait) when that failed.
  bool EnsureSocket();
  // Reads what is queued (bounded, so Stop() is seen during a storm).
  void Drain();
  void RequestDumpIfWanted();
  // Closes the socket after `why`, reports it, and waits out the backoff.
  void Fail(const std::string& why);
  // Sleeps up to `duration`; returns true when Stop() was called.
  bool WaitForStop(std::chrono::milliseconds duration);
  void SettleFirstDump(bool applied);

  Options options_;
  SocketFactory socket_factory_;
  CollectorRuns runs_;
  prometheus::Counter& socket_errors_;
  LinkStateSync sync_;

  int wake_fd_ = -1;  // eventfd: Stop() makes it readable
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  // Collector thread only.
  std::unique_ptr<RtnetlinkSocket> socket_;
  uint32_t next_seq_ = 1;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point dump_started_;
  uint64_t dumps_seen_ = 0;

  std::mutex first_dump_mutex_;
  std::condition_variable first_dump_settled_cv_;
  bool first_dump_settled_ = false;  // guarded by first_dump_mutex_
  bool first_dump_applied_ = false;  // guarded by first_dump_mutex_
};

// The netlink source the config asks for (local.enabled and local.netlink), or null. Its link
// events go to context.link_events.
std::unique_ptr<Source> MakeNetlinkSource(const Config& config, SourceContext& context);

}  // namespace netif
