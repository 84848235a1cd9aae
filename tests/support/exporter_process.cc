#include "support/exporter_process.h"

#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/netns.h"

namespace netif::testing_support {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool HasListenAddressFlag(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg.starts_with("--web.listen-address")) return true;
  }
  return false;
}

// `unshare --mount` (no fork: the pid stays) and a shell that bind-mounts each file over its
// target, then execs what follows. The mount namespace is private, so nothing reaches the host's.
std::vector<std::string> BindFilesWrapper(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::string script = "set -e; ";
  std::vector<std::string> paths;
  for (const auto& [file, over] : files) {
    const size_t n = paths.size();
    script +=
        "mount --bind \"${" + std::to_string(n + 1) + "}\" \"${" + std::to_string(n + 2) + "}\"; ";
    paths.push_back(file);
    paths.push_back(over);
  }
  script += "shift " + std::to_string(paths.size()) + "; exec \"$@\"";
  std::vector<std::string> argv = {"unshare", "--mount", "--propagation", "private", "--",
                                   "sh",      "-c",      script,          "sh"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  return argv;
}

}  // namespace

std::optional<int> FindListeningPort(const std::string& log) {
  // logfmt: `... msg=listening address=127.0.0.1:0 port=40123`
  // JSON:   `{..., "msg":"listening", ..., "port":40123}`
  static const std::regex logfmt(R"(msg="?listening"?\s.*\bport=(\d+))");
  static const std::regex json(R"("msg":"listening".*"port":(\d+))");
  for (const std::string& line : Lines(log)) {
    std::smatch match;
    if (std::regex_search(line, match, logfmt) || std::regex_search(line, match, json)) {
      return std::stoi(match[1].str());
    }
  }
  return std::nullopt;
}

ExporterProcess::ExporterProcess(Options options) : options_(std::move(options)) {
  if (options_.binary.empty()) throw std::invalid_argument("ExporterProcess: no binary given");
  std::vector<std::string> argv;
  if (options_.netns) argv = {"ip", "netns", "exec", *options_.netns};
  if (!options_.bind_files.empty()) {
    const std::vector<std::string> wrapper = BindFilesWrapper(options_.bind_files);
    argv.insert(argv.end(), wrapper.begin(), wrapper.end());
  }
  argv.push_back(options_.binary);
  // Port 0: tests never bind a fixed port; the exporter logs the one it got.
  if (!HasListenAddressFlag(options_.args)) argv.push_back("--web.listen-address=127.0.0.1:0");
  argv.insert(argv.end(), options_.args.begin(), options_.args.end());
  process_ = std::make_unique<Subprocess>(argv);

  const bool listening = process_->WaitForOutput(
      [](const std::string&, const std::string& err) { return FindListeningPort(err).has_value(); },
      options_.start_timeout);
  if (!listening) {
    const auto code = process_->Wait(std::chrono::milliseconds(0));
    std::string argv_text;
    for (const auto& arg : argv) argv_text += arg + " ";
    throw std::runtime_error(
        "exporter did not log a listening line within " +
        std::to_string(options_.start_timeout.count()) + " ms (" +
        (code ? "exited with " + std::to_string(*code) : std::string("still running")) +
        "); argv: " + argv_text + "\nstderr:\n" + process_->Stderr());
  }
  port_ = *FindListeningPort(process_->Stderr());
}

ExporterProcess::~ExporterProcess() {
  if (process_->Running()) process_->Kill();
  if (::testing::Test::HasFailure()) {
    process_->WaitForOutputClosed(std::chrono::seconds(1));
    std::cerr << "----- netif_exporter stderr (" << options_.binary << ") -----\n"
              << process_->Stderr() << "----- end of netif_exporter stderr -----\n";
  }
}

std::vector<std::string> ExporterProcess::ErrorLines() const {
  std::vector<std::string> errors;
  for (const std::string& line : Lines(process_->Stderr())) {
    if (line.find("level=error") != std::string::npos ||
        line.find("\"level\":\"error\"") != std::string::npos) {
      errors.push_back(line);
    }
  }
  return errors;
}

std::optional<HttpResponse> ExporterProcess::Get(const std::string& path,
                                                 const std::vector<std::string>& headers) const {
  if (options_.netns) return HttpGetInNetns(*options_.netns, "127.0.0.1", port_, path, headers);
  return HttpGet("127.0.0.1", port_, path, headers);
}

std::optional<std::string> ExporterProcess::Scrape() const {
  const auto response = Get("/metrics");
  if (!response) {
    ADD_FAILURE() << "GET /metrics on port " << port_ << " failed (no response)";
    return std::nullopt;
  }
  if (response->status != 200) {
    ADD_FAILURE() << "GET /metrics answered " << response->status << ": " << response->body;
    return std::nullopt;
  }
  return response->body;
}

std::optional<ExitCode> ExporterProcess::Stop(std::chrono::milliseconds timeout, int signal) {
  process_->Signal(signal);
  if (auto code = process_->Wait(timeout)) return code;
  process_->Kill();
  return std::nullopt;
}

}  // namespace netif::testing_support
