// Wiring: builds the store, the collectors that the config enables, and the HTTP endpoints, runs
// them until Stop(). The list of sources is explicit here: a new source is one new line.
//
// Thread-safety: Start/Stop/Wait from the main thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"

namespace netif {

class Exporter {
 public:
  explicit Exporter(Config config);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Starts collectors and the HTTP server. Returns a one-line error when the server cannot bind.
  std::string Start();
  // Stops every thread; returns when they have all finished.
  void Stop();
  std::vector<int> BoundPorts() const;

 private:
  struct Parts;
  Config config_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace netif
