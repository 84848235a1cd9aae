// ParseConfigYaml: walks the YAML tree section by section. Every key is looked up in an explicit
// list, so an unknown key (a typo, or a section this version does not have) is an error with its
// file and line, never silently ignored.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/config.h"

namespace netif {
namespace {

using std::chrono::milliseconds;

// Thrown inside this file only and turned into the one-line message by ParseConfigYaml(), so each
// key's loader stays one line instead of threading an error value through every call.
struct LoadError {
  int line = 0;     // 1-based; 0 when unknown
  std::string key;  // dotted key path; empty for document-level problems
  std::string why;
};

// The line of every key the file sets, by dotted path ("analytics.windows[1]"), so a rule that
// spans sections can still point at the line to fix.
using KeyLines = std::map<std::string, int>;

std::string DescribeType(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// yaml-cpp marks are 0-based; ours are 1-based. An empty value's mark points past it (often at the
// next line), so callers use the key's line for values instead.
int LineOf(const YAML::Node& node, int fallback) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return fallback;
  return mark.line + 1;
}

std::string JoinKey(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

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

  std::string Scalar() const {
    if (node_.IsNull()) Fail("missing value (write \"\" for an empty string)");
    if (!node_.IsScalar()) Fail("want a single value, got " + DescribeType(node_));
    return node_.Scalar();
  }

  // Runs a values.h parser (any `OrError<T> parse(text)`) over the scalar; its reason on failure.
  template <typename Parser>
  auto Parse(Parser&& parse) const {
    auto parsed = parse(Scalar());
    using T = std::variant_alternative_t<0, decltype(parsed)>;
    if (auto* why = std::get_if<std::string>(&parsed)) Fail(std::move(*why));
    return std::get<T>(std::move(parsed));
  }

  bool Bool() const { return Parse(ParseBool); }

  std::string Path() const {
    std::string path = Scalar();
    if (path.empty()) Fail("must not be empty");
    return path;
  }

  milliseconds Duration(milliseconds min, milliseconds max) const {
    const milliseconds duration = Parse(ParseDuration);
    if (std::optional<std::string> why = CheckDurationRange(duration, min, max)) Fail(*why);
    return duration;
  }

  // A fraction such as an error ratio: 0 <= value <= 1.
  double Fraction() const {
    const double value = Parse(ParseNumber);
    if (value < 0 || value > 1) {
      Fail(Scalar() + " is not between 0 and 1 (a fraction: 0.001 means 0.1 %)");
    }
    return value;
  }

  // The elements of a list, each named path[i] at its own line.
  std::vector<Field> Elements(std::string_view example) const {
    if (!node_.IsSequence()) {
      Fail("want a list, e.g. " + std::string(example) + ", got " + DescribeType(node_));
    }
    std::vector<Field> elements;
    for (size_t i = 0; i < node_.size(); ++i) {
      elements.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]",
                            LineOf(node_[i], line_), key_lines_);
    }
    return elements;
  }

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

std::string KnownKeys(std::initializer_list<KeyRule> rules) {
  std::string names;
  for (const KeyRule& rule : rules) {
    if (!names.empty()) names += ", ";
    names += rule.key;
  }
  return names;
}

// Calls `visit(key, key_line, value_node)` for each entry of a map (an empty value counts as an
// empty map, so `web:` with everything below commented out means "all defaults"). Rejects keys
// that are not plain names and keys given twice: yaml-cpp keeps both, and which one wins would be
// an accident of lookup order.
void ForEachEntry(const Field& map, std::string_view expected,
                  const std::function<void(const std::string&, int, const YAML::Node&)>& visit) {
  if (map.node().IsNull()) return;
  if (!map.node().IsMap()) {
    if (map.path().empty()) {
      throw LoadError{map.line(), "",
                      "the top level must be a map of sections (" + std::string(expected) +
                          "), got " + DescribeType(map.node())};
    }
    map.Fail("want a map (" + std::string(expected) + "), got " + DescribeType(map.node()));
  }
  std::map<std::string, int> seen;
  for (const auto& entry : map.node()) {
    const int line = LineOf(entry.first, map.line());
    if (!entry.first.IsScalar()) {
      throw LoadError{line, map.path(),
                      "keys must be plain names, got " + DescribeType(entry.first)};
    }
    const std::string& key = entry.first.Scalar();
    if (const auto [first, inserted] = seen.emplace(key, line); !inserted) {
      throw LoadError{line, JoinKey(map.path(), key),
                      "duplicate key (first set on line " + std::to_string(first->second) + ")"};
    }
    visit(key, line, entry.second);
  }
}

// Loads a map with a fixed set of keys: each key's rule loads its value; any other key is an
// error that lists the keys this map does accept.
void ForEachKey(const Field& map, std::initializer_list<KeyRule> rules) {
  const std::string known = KnownKeys(rules);
  ForEachEntry(
      map, "keys: " + known, [&](const std::string& key, int line, const YAML::Node& value) {
        const std::string path = JoinKey(map.path(), key);
        const auto rule = std::find_if(rules.begin(), rules.end(),
                                       [&](const KeyRule& r) { return r.key == key; });
        if (rule == rules.end()) {
          const std::string where = map.path().empty() ? "top-level keys" : "keys in " + map.path();
          throw LoadError{line, path, "unknown key; known " + where + ": " + known};
        }
        rule->load(Field(value, path, line, map.key_lines()));
      });
}

void LoadWeb(const Field& section, WebConfig& web) {
  ForEachKey(section,
             {
                 {"listen_address",
                  [&](const Field& f) { web.listen_address = f.Parse(ParseListenAddress); }},
             });
}

void LoadLog(const Field& section, LogConfig& log) {
  ForEachKey(section, {
                          {"level", [&](const Field& f) { log.level = f.Parse(ParseLogLevel); }},
                          {"format", [&](const Field& f) { log.format = f.Parse(ParseLogFormat); }},
                      });
}

void LoadCollection(const Field& section, CollectionConfig& collection) {
  ForEachKey(section, {
                          {"interval",
                           [&](const Field& f) {
                             collection.interval =
                                 f.Duration(kMinCollectionInterval, kMaxCollectionInterval);
                           }},
                      });
}

void LoadLocal(const Field& section, LocalConfig& local) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { local.enabled = f.Bool(); }},
                 {"netlink", [&](const Field& f) { local.netlink = f.Bool(); }},
                 {"path_procfs", [&](const Field& f) { local.path_procfs = f.Path(); }},
                 {"path_sysfs", [&](const Field& f) { local.path_sysfs = f.Path(); }},
                 {"device_include",
                  [&](const Field& f) { local.device_include = f.Parse(AnchoredRegex::Compile); }},
                 {"device_exclude",
                  [&](const Field& f) { local.device_exclude = f.Parse(AnchoredRegex::Compile); }},
             });
}

void LoadWindows(const Field& field, std::vector<milliseconds>& windows) {
  const std::vector<Field> elements = field.Elements("[1m, 5m, 1h]");
  if (elements.empty() || elements.size() > kMaxAnalyticsWindows) {
    field.Fail("want 1 to " + std::to_string(kMaxAnalyticsWindows) + " windows, got " +
               std::to_string(elements.size()));
  }
  windows.clear();
  for (const Field& element : elements) {
    const milliseconds window = element.Duration(kMinAnalyticsWindow, kMaxAnalyticsWindow);
    // "60s" and "1m" are the same window and would export the same series twice.
    if (std::find(windows.begin(), windows.end(), window) != windows.end()) {
      element.Fail("window " + FormatDuration(window) + " is listed twice");
    }
    windows.push_back(window);
  }
}

void LoadCapacities(const Field& field, std::map<std::string, uint64_t, std::less<>>& capacities) {
  capacities.clear();
  ForEachEntry(field, "device name: bits/s, e.g. eth0: 10G",
               [&](const std::string& device, int line, const YAML::Node& value) {
                 const Field capacity(value, JoinKey(field.path(), device), line,
                                      field.key_lines());
                 if (device.empty()) capacity.Fail("the device name must not be empty");
                 const uint64_t bits_per_second = capacity.Parse(ParseBitRate);
                 if (bits_per_second == 0) capacity.Fail("the capacity must be above 0");
                 capacities[device] = bits_per_second;
               });
}

void LoadHealth(const Field& section, HealthConfig& health) {
  ForEachKey(section,
             {
                 {"window",
                  [&](const Field& f) {
                    health.window = f.Duration(kMinAnalyticsWindow, kMaxAnalyticsWindow);
                  }},
                 {"error_ratio", [&](const Field& f) { health.error_ratio = f.Fraction(); }},
                 {"drop_ratio", [&](const Field& f) { health.drop_ratio = f.Fraction(); }},
             });
}

void LoadAnomaly(const Field& section, AnomalyConfig& anomaly) {
  ForEachKey(section, {
                          {"enabled", [&](const Field& f) { anomaly.enabled = f.Bool(); }},
                      });
}

void LoadAsymmetric(const Field& section, AsymmetricConfig& asymmetric) {
  ForEachKey(section,
             {
                 {"enabled", [&](const Field& f) { asymmetric.enabled = f.Bool(); }},
                 {"ratio",
                  [&](const Field& f) {
                    asymmetric.ratio = f.Parse(ParseNumber);
                    // Below 1 "tx > ratio * rx" holds for ordinary symmetric traffic.
                    if (asymmetric.ratio < 1) f.Fail(f.Scalar() + " is below the minimum 1");
                  }},
                 {"min_bps", [&](const Field& f) { asymmetric.min_bps = f.Parse(ParseBitRate); }},
             });
}

void LoadAnalytics(const Field& section, AnalyticsConfig& analytics) {
  ForEachKey(
      section,
      {
          {"windows", [&](const Field& f) { LoadWindows(f, analytics.windows); }},
          {"capacity_bps", [&](const Field& f) { LoadCapacities(f, analytics.capacity_bps); }},
          {"health", [&](const Field& f) { LoadHealth(f, analytics.health); }},
          {"anomaly", [&](const Field& f) { LoadAnomaly(f, analytics.anomaly); }},
          {"asymmetric", [&](const Field& f) { LoadAsymmetric(f, analytics.asymmetric); }},
      });
}

// The top-level sections. A new section (issue 5's `snmp:`) is one row here.
void LoadSections(const Field& root, Config& config) {
  ForEachKey(root,
             {
                 {"web", [&](const Field& f) { LoadWeb(f, config.web); }},
                 {"log", [&](const Field& f) { LoadLog(f, config.log); }},
                 {"collection", [&](const Field& f) { LoadCollection(f, config.collection); }},
                 {"local", [&](const Field& f) { LoadLocal(f, config.local); }},
                 {"analytics", [&](const Field& f) { LoadAnalytics(f, config.analytics); }},
             });
}

// Rules that span sections, checked once every section is loaded (the file may give collection
// after analytics). The message points at whichever of the two keys the file set.
void CheckAcrossSections(const Config& config, const KeyLines& key_lines) {
  const std::optional<WindowConflict> conflict = FindWindowShorterThanInterval(config);
  if (!conflict) return;
  const std::string interval = FormatDuration(config.collection.interval);
  const std::string window = FormatDuration(conflict->window);
  if (const auto it = key_lines.find(conflict->key); it != key_lines.end()) {
    throw LoadError{it->second, conflict->key,
                    "window " + window + " is shorter than collection.interval " + interval};
  }
  // The window is a default, so the file's interval is what broke the rule.
  const auto it = key_lines.find("collection.interval");
  throw LoadError{it == key_lines.end() ? 0 : it->second, "collection.interval",
                  interval + " is longer than " + conflict->key + " " + window +
                      " (the default); shorten the interval or set longer windows"};
}

std::string FormatError(std::string_view file_name, const LoadError& error) {
  std::string message = "netif_exporter: config error: " + std::string(file_name);
  if (error.line > 0) message += ":" + std::to_string(error.line);
  message += ": ";
  if (!error.key.empty()) message += error.key + ": ";
  // One line, whatever the reason contains (yaml-cpp messages and regex errors are single-line
  // today, but the caller's contract is one line).
  std::string why = error.why;
  std::replace(why.begin(), why.end(), '\n', ' ');
  return message + why;
}

}  // namespace

std::variant<Config, std::string> ParseConfigYaml(std::string_view yaml_text,
                                                  std::string_view file_name) {
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml_text));
    Config config;
    if (documents.empty()) return config;  // empty file or only comments: all defaults
    if (documents.size() > 1) {
      throw LoadError{LineOf(documents[1], 0), "",
                      "more than one YAML document (\"---\"); put every section in one"};
    }
    KeyLines key_lines;
    const Field root(documents[0], "", LineOf(documents[0], 1), &key_lines);
    LoadSections(root, config);
    CheckAcrossSections(config, key_lines);
    return config;
  } catch (const LoadError& error) {
    return FormatError(file_name, error);
  } catch (const YAML::ParserException& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return FormatError(file_name, LoadError{line, "", "YAML syntax error: " + e.msg});
  } catch (const YAML::Exception& e) {
    // Not expected (values are read as text and parsed by us), but never a raw yaml-cpp text
    // without the file, and never a crash.
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return FormatError(file_name, LoadError{line, "", "YAML error: " + e.msg});
  }
}

}  // namespace netif
