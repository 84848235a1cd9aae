// The Kubernetes source: ties every host-side veth to the pod behind it (or, outside Kubernetes,
// to the host's name for its peer's network namespace) and hands that identity to the store as
// a supplement of the local interface (RecordSink::ApplySupplements), which netif_pod_info
// renders. A supplier: it never creates, removes or renames an interface.
//
// When: a full reconcile (PodMapper) at start, every kubernetes.reconcile_interval, and soon
// after a link event names a veth the last reconcile did not map (a pod's veth appears), on its
// own thread (`netif-kubernetes`).
//
// Errors: a reconcile fails (netif_scrape_collector_success{collector="kubernetes"} 0) only when
// the veths cannot be listed. Every item it skips (a process that exited mid-scan, permission
// denied, a cgroup of unknown shape, a namespace shared by two pods, a pod without a log
// directory, a namespace that vanished) is counted in netif_kubernetes_scan_errors_total{reason}
// and logged once per distinct item.
//
// Thread-safety: Start()/Stop() from the app's thread; RunOnce() REQUIRES external
// synchronization (the source's thread, or a test). The link-event listener is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "collectors/kubernetes/netns_kernel.h"
#include "collectors/kubernetes/pod_mapper.h"
#include "collectors/source.h"
#include "model/record_sink.h"
#include "telemetry/collector_runs.h"
#include "telemetry/self_metrics.h"
#include "util/file_reader.h"

namespace netif {

inline constexpr std::string_view kKubernetesSupplier = "kubernetes";

class KubernetesSource final : public Source {
 public:
  struct Options {
    kubernetes::PodMapper::Options mapper;
    std::chrono::milliseconds reconcile_interval = std::chrono::seconds(60);
  };

  // `kernel` null: the real one (KernelNetns).
  KubernetesSource(Options options, const FileReader& fs, RecordSink& sink,
                   SelfMetrics& self_metrics,
                   std::unique_ptr<kubernetes::NetnsKernel> kernel = nullptr);
  ~KubernetesSource() override;

  std::string_view name() const override { return "kubernetes"; }
  // Runs the first reconcile at once, then the thread.
  void Start() override;
  // Stops the thread and withdraws every identity.
  void Stop() override;
  std::vector<std::string> KeySources() const override { return {}; }

  // One full reconcile. Returns false when the veths could not be listed.
  bool RunOnce();
  // A link event: a veth the last reconcile did not map asks for an early one.
  void OnLinkEvent(const InterfaceRecord& record);

 private:
  void Loop();
  void Report(const std::vector<kubernetes::ScanProblem>& problems);

  Options options_;
  RecordSink& sink_;
  SelfMetrics& self_metrics_;
  std::unique_ptr<kubernetes::NetnsKernel> kernel_;
  kubernetes::PodMapper mapper_;
  CollectorRuns runs_;
  prometheus::Gauge& mapped_;
  std::set<std::string> logged_;  // source thread only: what was logged once

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;        // guarded by mutex_
  bool early_ = false;           // guarded by mutex_: a link event asked for a reconcile
  std::set<std::string> known_;  // guarded by mutex_: the veths the last reconcile saw
  std::thread thread_;
};

// The Kubernetes source the config asks for (kubernetes.enabled), or null.
std::unique_ptr<Source> MakeKubernetesSource(const Config& config, SourceContext& context);

}  // namespace netif
