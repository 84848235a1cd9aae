// Helpers shared by the config tests: parse YAML expecting success or a one-line error, and spell
// the error a line of the file "/etc/x.yml" gets.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "config/config.h"

namespace netif::config_testing {

inline constexpr std::string_view kFile = "/etc/x.yml";

inline Config ParseOk(std::string_view yaml) {
  std::variant<Config, std::string> parsed = ParseConfigYaml(yaml, kFile);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *error;
    return Config{};
  }
  return std::get<Config>(parsed);
}

inline std::string ParseError(std::string_view yaml) {
  std::variant<Config, std::string> parsed = ParseConfigYaml(yaml, kFile);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    EXPECT_EQ(error->find('\n'), std::string::npos) << "not one line: " << *error;
    return *error;
  }
  ADD_FAILURE() << "unexpectedly parsed:\n" << yaml;
  return "";
}

// "netif_exporter: config error: /etc/x.yml:<line>: <rest>"
inline std::string At(int line, std::string_view rest) {
  return "netif_exporter: config error: /etc/x.yml:" + std::to_string(line) + ": " +
         std::string(rest);
}

// Makes a FIFO at `path` (a file no reader may wait on); fails the test when it cannot.
inline void MakeFifo(const std::string& path) {
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0) << "mkfifo " << path;
}

// Runs `read`, which reads the FIFO at `fifo`, on another thread and waits at most 10 s for it.
// A reader that blocked is released by opening the FIFO for writing (then closing it: end of
// file), so the test ends either way. Returns what `read` returned, or nullopt (and a failure)
// when it blocked.
template <typename Read>
std::optional<std::invoke_result_t<Read>> WithoutBlocking(const std::string& fifo, Read read) {
  auto result = std::async(std::launch::async, std::move(read));
  if (result.wait_for(std::chrono::seconds(10)) == std::future_status::ready) return result.get();
  const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (writer >= 0) ::close(writer);
  ADD_FAILURE() << "reading the FIFO " << fifo << " blocked for 10 s";
  result.wait();
  return std::nullopt;
}

}  // namespace netif::config_testing
