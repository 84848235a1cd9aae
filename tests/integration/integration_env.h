// What the integration tests share: where the built exporter and the fixture trees are, and how
// to start the exporter on the host1 fixtures. Header-only because it needs the per-target
// NETIF_SOURCE_DIR / NETIF_EXPORTER_BINARY definitions that netif_add_integration_test() sets.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/exporter_process.h"
#include "support/temp_dir.h"

namespace netif::testing_support {

inline std::string SourcePath(const std::string& relative) {
  return std::string(NETIF_SOURCE_DIR) + "/" + relative;
}

inline std::string ExporterBinary() { return NETIF_EXPORTER_BINARY; }

// The fixture host: ~6 interfaces, one with a non-UTF-8 byte in its name, an alias with quotes
// and a backslash, a counter at 2^64-1.
inline std::string FixtureProcfs() { return SourcePath("tests/fixtures/host1/proc"); }
inline std::string FixtureSysfs() { return SourcePath("tests/fixtures/host1/sys"); }

// Netlink off: it would report this machine's interfaces next to the fixture ones.
inline constexpr char kFixtureConfigYaml[] =
    "local:\n"
    "  netlink: false\n";

// Options for an exporter on the host1 fixtures, its config written into `dir`. `extra` flags
// come last.
inline ExporterProcess::Options FixtureExporterOptions(const TempDir& dir,
                                                       const std::string& config_yaml,
                                                       const std::vector<std::string>& extra = {}) {
  ExporterProcess::Options options;
  options.binary = ExporterBinary();
  options.args = {"--config.file", dir.WriteFile("netif_exporter.yml", config_yaml),
                  "--path.procfs", FixtureProcfs(),
                  "--path.sysfs",  FixtureSysfs()};
  options.args.insert(options.args.end(), extra.begin(), extra.end());
  return options;
}

// Kernel tests need root for network namespaces, raw sockets and setns(). They FAIL (never skip)
// without it, with a message that says what to do.
#define NETIF_ASSERT_ROOT()                                                              \
  ASSERT_EQ(::geteuid(), 0u) << "this integration test needs root (network namespaces, " \
                                "AF_PACKET, setns); run it as root, e.g. "               \
                                "`sudo ctest --test-dir build -L integration`"

}  // namespace netif::testing_support
