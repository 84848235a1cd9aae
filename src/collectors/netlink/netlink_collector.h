// The netlink collector: real-time link state from rtnetlink. A thread of its own blocks in
// poll() on a NETLINK_ROUTE socket subscribed to RTMGRP_LINK (and on an eventfd that Stop()
// writes), takes a full RTM_GETLINK dump at start and whenever events were lost, and hands every
// link message, in order, to LinkStateSync, which updates the store.
//
// Failure handling: a socket that cannot be opened, fails, or has its dump request refused is
// closed, counted (netif_netlink_errors_total{reason="socket"}), shown as
// netif_scrape_collector_success{collector="netlink"} 0, logged once per state change, and
// reopened after a backoff (doubling up to max_backoff). The other collectors are unaffected.
//
// Thread-safety: Start() and Stop() from one owner thread; everything else runs on the
// collector's own thread. The store and the self-metrics it writes are themselves thread-safe.
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
#include "exposition/self_metrics.h"
#include "store/store.h"
#include "util/device_filter.h"
#include "util/status.h"

namespace netif {

class NetlinkCollector {
 public:
  struct Options {
    DeviceFilter filter;
    RtnetlinkSocketOptions socket;
    std::chrono::milliseconds initial_backoff = std::chrono::seconds(1);
    std::chrono::milliseconds max_backoff = std::chrono::seconds(30);
    // How long Start() waits for the first dump, so the first scrape already has link state.
    std::chrono::milliseconds first_dump_timeout = std::chrono::seconds(2);
    // Told of every RTM_NEWLINK of an exported link, on the collector's thread, before the store
    // applies it (see LinkEventObserver). The exporter wires it to the local sampler.
    LinkEventObserver on_link_event;
  };
  // Opens a socket; returns null and sets the status on failure. Tests pass a fake.
  using SocketFactory = std::function<std::unique_ptr<RtnetlinkSocket>(Status*)>;

  // `store` and `self_metrics` must outlive the collector. Without a factory the collector opens
  // kernel sockets with options.socket.
  NetlinkCollector(Options options, Store& store, SelfMetrics& self_metrics,
                   SocketFactory socket_factory = nullptr);
  ~NetlinkCollector();  // Stop()
  NetlinkCollector(const NetlinkCollector&) = delete;
  NetlinkCollector& operator=(const NetlinkCollector&) = delete;

  // Starts the thread and waits until the first dump is applied, the first attempt failed, or
  // first_dump_timeout passed. Returns true when the first dump was applied. Either way the
  // thread keeps running (and retrying) until Stop(). Call once.
  bool Start();
  // Wakes the thread, which closes the socket and exits; returns when it has. Idempotent.
  void Stop();

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
  void ReportHealth(bool ok, const std::string& why);
  // Sleeps up to `duration`; returns true when Stop() was called.
  bool WaitForStop(std::chrono::milliseconds duration);
  void SettleFirstDump(bool applied);

  Options options_;
  SocketFactory socket_factory_;
  SelfMetrics& self_metrics_;
  prometheus::Counter& socket_errors_;
  LinkStateSync sync_;

  int wake_fd_ = -1;  // eventfd: Stop() makes it readable
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  // Collector thread only.
  std::unique_ptr<RtnetlinkSocket> socket_;
  uint32_t next_seq_ = 1;
  std::chrono::milliseconds backoff_;
  bool healthy_ = true;
  std::chrono::steady_clock::time_point dump_started_;
  uint64_t dumps_seen_ = 0;

  std::mutex first_dump_mutex_;
  std::condition_variable first_dump_settled_cv_;
  bool first_dump_settled_ = false;  // guarded by first_dump_mutex_
  bool first_dump_applied_ = false;  // guarded by first_dump_mutex_
};

}  // namespace netif
