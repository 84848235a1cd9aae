// The built netif_exporter as a child process: started with the test's flags (on 127.0.0.1:0
// unless the test names an address), optionally inside a network namespace, and ready once it
// logged `msg=listening ... port=N`. Scrape() and Get() reach it over HTTP, from inside its
// namespace when it has one.
//
// If the test has failed by the time the object is destroyed, the exporter's stderr is printed,
// so a CI log shows what the exporter said.
//
// Thread-safety: REQUIRES external synchronization (one test thread); Get()/Scrape() may be
// called concurrently with each other.
#pragma once

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/subprocess.h"

namespace netif::testing_support {

class ExporterProcess {
 public:
  struct Options {
    std::string binary;                // NETIF_EXPORTER_BINARY
    std::vector<std::string> args;     // flags after the binary
    std::optional<std::string> netns;  // run via `ip netns exec NETNS`
    // (file, over): each `file` bind-mounted over `over` (e.g. /etc/resolv.conf) in a private
    // mount namespace of the exporter's own (`unshare --mount`), so the host's files stay as
    // they are. The exporter keeps the pid the test sees.
    std::vector<std::pair<std::string, std::string>> bind_files;
    std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
  };

  // Starts the exporter and waits for its listening line. Throws std::runtime_error (with the
  // exporter's stderr) when it exits or stays silent past start_timeout.
  explicit ExporterProcess(Options options);
  // Kills it if still running; dumps its stderr when the current test has failed.
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  int port() const { return port_; }
  Subprocess& process() { return *process_; }
  std::string Stderr() const { return process_->Stderr(); }
  // Stderr lines at level error (logfmt `level=error` or JSON `"level":"error"`).
  std::vector<std::string> ErrorLines() const;

  // GET `path` on the exporter (from inside its namespace if it has one).
  std::optional<HttpResponse> Get(const std::string& path,
                                  const std::vector<std::string>& headers = {}) const;
  // GET /metrics; the body on status 200, nullopt (and an ADD_FAILURE with the reason) otherwise.
  std::optional<std::string> Scrape() const;

  // SIGTERM (or `signal`), then wait up to `timeout` for the exit status; nullopt when it did not
  // exit in time (it is then killed).
  std::optional<ExitCode> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                               int signal = SIGTERM);

 private:
  Options options_;
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

// The port in the exporter's `msg=listening ... port=N` log line (logfmt or JSON); nullopt when
// no such line is in `log` yet.
std::optional<int> FindListeningPort(const std::string& log);

}  // namespace netif::testing_support
