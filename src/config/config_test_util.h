// Helpers shared by the config tests: parse YAML expecting success or a one-line error, and spell
// the error a line of the file "/etc/x.yml" gets.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
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

}  // namespace netif::config_testing
