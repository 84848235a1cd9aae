// Internal to src/config: the helpers the YAML loaders share (config_yaml.cc for the sections,
// snmp_config_yaml.cc for `snmp:`). A Field is a value in the document with its dotted key path
// and line; ForEachKey loads a map from an explicit list of keys, so an unknown key is an error
// with its file and line. Failures throw LoadError, which ParseConfigYaml() alone catches and
// turns into the one-line message; nothing outside this room includes this header.
//
// Thread-safety: no shared state; a Field records key lines in the KeyLines its caller owns.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "config/duration.h"
#include "config/values.h"

namespace netif::config_yaml {

// Thrown inside the YAML loaders only and turned into the one-line message by ParseConfigYaml(),
// so each key's loader stays one line instead of threading an error value through every call.
struct LoadError {
  int line = 0;     // 1-based; 0 when unknown
  std::string key;  // dotted key path; empty for document-level problems
  std::string why;
};

// The line of every key the file sets, by dotted path ("analytics.windows[1]"), so a rule that
// spans sections can still point at the line to fix.
using KeyLines = std::map<std::string, int>;

// "a single value", "a list", "a map" or "nothing", for messages.
std::string DescribeType(const YAML::Node& node);

// yaml-cpp marks are 0-based; ours are 1-based. An empty value's mark points past it (often at the
// next line), so callers use the key's line for values instead.
int LineOf(const YAML::Node& node, int fallback);

std::string JoinKey(const std::string& parent, std::string_view key);

// A value in the document with what names it in messages: its dotted key path and the line of its
// key (the value itself may start on a later line, as a block list does).
class Field {
 public:
  Field(YAML::Node node, std::string path, int line, KeyLines* key_lines)
      : node_(std::move(node)), path_(std::move(path)), line_(line), key_lines_(key_lines) {
    (*key_lines_)[path_] = line_;
  }

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  KeyLines* key_lines() const { return key_lines_; }

  [[noreturn]] void Fail(std::string why) const { throw LoadError{line_, path_, std::move(why)}; }

  std::string Scalar() const;

  // Runs a values.h parser (any `OrError<T> parse(text)`) over the scalar; its reason on failure.
  template <typename Parser>
  auto Parse(Parser&& parse) const {
    auto parsed = parse(Scalar());
    using T = std::variant_alternative_t<0, decltype(parsed)>;
    if (auto* why = std::get_if<std::string>(&parsed)) Fail(std::move(*why));
    return std::get<T>(std::move(parsed));
  }

  bool Bool() const { return Parse(ParseBool); }

  // A scalar that must not be empty (a file name).
  std::string Path() const;

  std::chrono::milliseconds Duration(std::chrono::milliseconds min,
                                     std::chrono::milliseconds max) const;

  // A fraction such as an error ratio: 0 <= value <= 1.
  double Fraction() const;

  // The elements of a list, each named path[i] at its own line.
  std::vector<Field> Elements(std::string_view example) const;

 private:
  YAML::Node node_;
  std::string path_;
  int line_;
  KeyLines* key_lines_;
};

struct KeyRule {
  std::string_view key;
  std::function<void(const Field& value)> load;
};

// Calls `visit(key, key_line, value_node)` for each entry of a map (an empty value counts as an
// empty map, so `web:` with everything below commented out means "all defaults"). Rejects keys
// that are not plain names and keys given twice: yaml-cpp keeps both, and which one wins would be
// an accident of lookup order.
void ForEachEntry(const Field& map, std::string_view expected,
                  const std::function<void(const std::string&, int, const YAML::Node&)>& visit);

// Loads a map with a fixed set of keys: each key's rule loads its value; any other key is an
// error that lists the keys this map does accept.
void ForEachKey(const Field& map, const std::vector<KeyRule>& rules);
void ForEachKey(const Field& map, std::initializer_list<KeyRule> rules);

// "netif_exporter: config error: FILE:LINE: KEY: why", always one line.
std::string FormatLoadError(std::string_view file_name, const LoadError& error);

// Parses `yaml_text` as one YAML document and calls `load(root)` on it (not at all for an empty
// document or one with only comments). Catches LoadError and yaml-cpp's exceptions; returns the
// one-line message, or nullopt when `load` succeeded. The frame of every file loader here.
std::optional<std::string> LoadYamlDocument(std::string_view yaml_text, std::string_view file_name,
                                            const std::function<void(const Field& root)>& load);

// Reads a whole configuration file with the bounded reader (util/file_reader.h): a regular file
// of at most `max_bytes`; a FIFO, a device or a directory is refused at once, never waited on. On
// failure returns the one-line message "netif_exporter: config error: PATH: cannot read: why" in
// `error`.
struct FileText {
  std::string text;
  std::string error;  // empty on success
};
FileText ReadConfigFile(const std::string& path, size_t max_bytes);

}  // namespace netif::config_yaml
