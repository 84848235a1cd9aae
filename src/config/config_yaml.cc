// ParseConfigYaml: walks the YAML tree section by section. Every key is looked up in an explicit
// list, so an unknown key (a typo, or a section this version does not have) is an error with its
// file and line, never silently ignored.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
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

std::string KnownKeys(const std::vector<KeyRule>& rules) {
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
void ForEachKey(const Field& map, const std::vector<KeyRule>& rules) {
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

void ForEachKey(const Field& map, std::initializer_list<KeyRule> rules) {
  ForEachKey(map, std::vector<KeyRule>(rules));
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

// ---- snmp: ----

uint32_t UnsignedInRange(const Field& f, uint32_t min, uint32_t max) {
  const std::string text = f.Scalar();
  uint64_t value = 0;
  const bool digits =
      !text.empty() && text.size() <= 10 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    for (char c : text) value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!digits)
    f.Fail("want a whole number " + std::to_string(min) + ".." + std::to_string(max) + ", got \"" +
           text + "\"");
  if (value < min || value > max) {
    f.Fail(text + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<uint32_t>(value);
}

// The keys `snmp.defaults` has, which a target may also set to override the defaults.
std::vector<KeyRule> PollSettingRules(SnmpPollSettings& s) {
  return {
      {"interval",
       [&](const Field& f) { s.interval = f.Duration(kMinSnmpInterval, kMaxSnmpInterval); }},
      {"timeout",
       [&](const Field& f) { s.timeout = f.Duration(kMinSnmpTimeout, kMaxSnmpTimeout); }},
      {"retries", [&](const Field& f) { s.retries = UnsignedInRange(f, 0, kMaxSnmpRetries); }},
      {"max_repetitions",
       [&](const Field& f) { s.max_repetitions = UnsignedInRange(f, 1, kMaxSnmpMaxRepetitions); }},
      {"stale_after",
       [&](const Field& f) { s.stale_after = f.Duration(kMinSnmpInterval, kMaxSnmpStaleAfter); }},
      {"metadata_every",
       [&](const Field& f) { s.metadata_every = UnsignedInRange(f, 1, kMaxSnmpMetadataEvery); }},
      {"interface_include",
       [&](const Field& f) { s.interface_include = f.Parse(AnchoredRegex::Compile); }},
      {"interface_exclude",
       [&](const Field& f) { s.interface_exclude = f.Parse(AnchoredRegex::Compile); }},
  };
}

// A stale_after shorter than the interval would drop a target's series between two good polls.
void CheckStaleAfter(const Field& where, const SnmpPollSettings& s) {
  if (s.stale_after && *s.stale_after < s.interval) {
    where.Fail("stale_after " + FormatDuration(*s.stale_after) + " is shorter than interval " +
               FormatDuration(s.interval));
  }
}

// Reads a secret file whole; one trailing newline (as `echo` writes it) is not part of the
// secret. Any failure is a config error at the key that named the file.
std::string ReadSecretFile(const Field& f) {
  const std::string path = f.Path();
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) f.Fail("cannot read " + path + ": " + std::strerror(errno));
  std::string text;
  char buffer[1024];
  while (true) {
    const size_t n = std::fread(buffer, 1, sizeof(buffer), file.get());
    text.append(buffer, n);
    if (text.size() > kMaxSnmpSecretFileBytes) {
      f.Fail(path + " is larger than " + std::to_string(kMaxSnmpSecretFileBytes) +
             " bytes; is it the right file?");
    }
    if (n < sizeof(buffer)) break;
  }
  if (std::ferror(file.get())) f.Fail("cannot read " + path + ": " + std::strerror(errno));
  if (text.ends_with("\r\n")) {
    text.resize(text.size() - 2);
  } else if (text.ends_with("\n")) {
    text.pop_back();
  }
  if (text.empty()) f.Fail(path + " is empty");
  return text;
}

std::string ReadSecretEnv(const Field& f) {
  const std::string name = f.Scalar();
  if (name.empty()) f.Fail("must name an environment variable");
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) f.Fail("environment variable " + name + " is not set");
  if (*value == '\0') f.Fail("environment variable " + name + " is empty");
  return value;
}

// One secret that may be given inline (`community`), from the environment (`community_env`) or
// from a file (`community_file`): at most one of the three.
class SecretKeys {
 public:
  explicit SecretKeys(std::string_view key) : key_(key) {}

  void AddRules(std::vector<KeyRule>& rules) {
    rules.push_back({key_, [this](const Field& f) { Set(f, &Field::Scalar, true); }});
    env_key_ = std::string(key_) + "_env";
    file_key_ = std::string(key_) + "_file";
    rules.push_back({env_key_, [this](const Field& f) { Set(f, ReadSecretEnv, false); }});
    rules.push_back({file_key_, [this](const Field& f) { Set(f, ReadSecretFile, false); }});
  }

  bool given() const { return field_.has_value(); }
  const Field& field() const { return *field_; }
  const std::string& value() const { return value_; }
  bool inline_given() const { return inline_; }

 private:
  // Reads the secret with `read` only once it is known to be the only one given, so a second
  // key is reported as such rather than as whatever reading it would have failed on.
  template <typename Reader>
  void Set(const Field& f, Reader read, bool is_inline) {
    if (field_) {
      f.Fail("give only one of " + std::string(key_) + ", " + env_key_ + ", " + file_key_ + " (" +
             field_->path() + " is already set on line " + std::to_string(field_->line()) + ")");
    }
    value_ = std::invoke(read, f);
    field_.emplace(f);
    inline_ = is_inline;
  }

  std::string_view key_;
  std::string env_key_;
  std::string file_key_;
  std::optional<Field> field_;
  std::string value_;
  bool inline_ = false;
};

void LoadTargetLabels(const Field& field, std::map<std::string, std::string>& labels) {
  ForEachEntry(field, "label name: value, e.g. site: lab",
               [&](const std::string& name, int line, const YAML::Node& value) {
                 const Field label(value, JoinKey(field.path(), name), line, field.key_lines());
                 if (std::optional<std::string> why = CheckSnmpLabelName(name)) label.Fail(*why);
                 labels[name] = label.Scalar();
               });
}

// Checks the credentials against the version and security level, once the whole target map is
// read (keys may come in any order). `element` names the target for a missing key.
void CheckCredentials(const Field& element, SnmpTargetConfig& target, SecretKeys& community,
                      SecretKeys& auth, SecretKeys& priv, const std::optional<Field>& username,
                      const std::optional<Field>& v3_only_key) {
  const auto note_inline = [&](const SecretKeys& secret) {
    if (secret.given() && secret.inline_given()) {
      target.inline_secret_keys.push_back(secret.field().path());
    }
  };
  if (target.version != SnmpVersion::kV3) {
    for (const SecretKeys* secret : {&auth, &priv}) {
      if (secret->given()) secret->field().Fail("applies to version 3 only");
    }
    if (username) username->Fail("applies to version 3 only");
    if (v3_only_key) v3_only_key->Fail("applies to version 3 only");
    if (!community.given()) {
      element.Fail("version " + std::string(SnmpVersionName(target.version)) +
                   " needs one of community, community_env, community_file");
    }
    target.credentials.community = community.value();
    note_inline(community);
    return;
  }
  if (community.given()) community.field().Fail("applies to versions 1 and 2c only");
  if (!username) element.Fail("version 3 needs username");
  const SnmpSecurityLevel level = target.credentials.security_level;
  const bool wants_auth = level != SnmpSecurityLevel::kNoAuthNoPriv;
  const bool wants_priv = level == SnmpSecurityLevel::kAuthPriv;
  const std::string level_name(SnmpSecurityLevelName(level));
  const auto check = [&](SecretKeys& secret, bool wanted, std::string_view what,
                         std::string& slot) {
    if (!wanted) {
      if (secret.given()) secret.field().Fail("not used at security_level " + level_name);
      return;
    }
    if (!secret.given()) {
      element.Fail("security_level " + level_name + " needs one of " + std::string(what) + ", " +
                   std::string(what) + "_env, " + std::string(what) + "_file");
    }
    if (secret.value().size() < kMinSnmpPasswordLength) {
      secret.field().Fail("the password is shorter than " + std::to_string(kMinSnmpPasswordLength) +
                          " characters, which SNMPv3 (USM) refuses");
    }
    slot = secret.value();
    note_inline(secret);
  };
  check(auth, wants_auth, "auth_password", target.credentials.auth_password);
  check(priv, wants_priv, "priv_password", target.credentials.priv_password);
}

SnmpTargetConfig LoadTarget(const Field& element, const SnmpPollSettings& defaults) {
  SnmpTargetConfig target;
  target.settings = defaults;
  std::optional<Field> name_field, address_field, username_field, v3_only_key;
  SecretKeys community("community"), auth("auth_password"), priv("priv_password");
  std::vector<KeyRule> rules = {
      {"name",
       [&](const Field& f) {
         target.name = f.Scalar();
         if (std::optional<std::string> why = CheckSnmpTargetName(target.name)) f.Fail(*why);
         name_field.emplace(f);
       }},
      {"address",
       [&](const Field& f) {
         target.address = f.Parse(ParseSnmpAddress);
         address_field.emplace(f);
       }},
      {"version", [&](const Field& f) { target.version = f.Parse(ParseSnmpVersion); }},
      {"username",
       [&](const Field& f) {
         target.credentials.username = f.Scalar();
         if (target.credentials.username.empty()) f.Fail("must not be empty");
         username_field.emplace(f);
       }},
      {"security_level",
       [&](const Field& f) {
         target.credentials.security_level = f.Parse(ParseSnmpSecurityLevel);
         v3_only_key.emplace(f);
       }},
      {"auth_protocol",
       [&](const Field& f) {
         target.credentials.auth_protocol = f.Parse(ParseSnmpAuthProtocol);
         v3_only_key.emplace(f);
       }},
      {"priv_protocol",
       [&](const Field& f) {
         target.credentials.priv_protocol = f.Parse(ParseSnmpPrivProtocol);
         v3_only_key.emplace(f);
       }},
      {"context_name",
       [&](const Field& f) {
         target.credentials.context_name = f.Scalar();
         v3_only_key.emplace(f);
       }},
      {"labels", [&](const Field& f) { LoadTargetLabels(f, target.labels); }},
  };
  community.AddRules(rules);
  auth.AddRules(rules);
  priv.AddRules(rules);
  for (KeyRule& rule : PollSettingRules(target.settings)) rules.push_back(std::move(rule));
  if (!element.node().IsMap()) {
    element.Fail("want a map (name, address, version, ...), got " + DescribeType(element.node()));
  }
  ForEachKey(element, rules);
  if (!name_field) element.Fail("missing key name");
  if (!address_field) element.Fail("missing key address");
  CheckCredentials(element, target, community, auth, priv, username_field, v3_only_key);
  CheckStaleAfter(element, target.settings);
  return target;
}

void LoadTargets(const Field& field, const SnmpPollSettings& defaults,
                 std::vector<SnmpTargetConfig>& targets) {
  if (field.node().IsNull()) return;      // every target commented out
  std::map<std::string, int> first_line;  // by target name
  for (const Field& element : field.Elements("[{name: sw1, address: 10.0.0.1, ...}]")) {
    SnmpTargetConfig target = LoadTarget(element, defaults);
    const auto [first, inserted] = first_line.emplace(target.name, element.line());
    if (!inserted) {
      element.Fail("duplicate target name \"" + target.name + "\" (first on line " +
                   std::to_string(first->second) + ")");
    }
    targets.push_back(std::move(target));
  }
}

void LoadSnmp(const Field& section, SnmpConfig& snmp) {
  // Defaults apply to every target wherever the file puts them, so both keys are read first and
  // loaded in that order.
  std::optional<Field> defaults, targets;
  ForEachKey(section, {
                          {"defaults", [&](const Field& f) { defaults.emplace(f); }},
                          {"targets", [&](const Field& f) { targets.emplace(f); }},
                      });
  if (defaults) {
    ForEachKey(*defaults, PollSettingRules(snmp.defaults));
    CheckStaleAfter(*defaults, snmp.defaults);
  }
  if (targets) LoadTargets(*targets, snmp.defaults, snmp.targets);
}

// The top-level sections. A new section is one row here.
void LoadSections(const Field& root, Config& config) {
  ForEachKey(root,
             {
                 {"web", [&](const Field& f) { LoadWeb(f, config.web); }},
                 {"log", [&](const Field& f) { LoadLog(f, config.log); }},
                 {"collection", [&](const Field& f) { LoadCollection(f, config.collection); }},
                 {"local", [&](const Field& f) { LoadLocal(f, config.local); }},
                 {"analytics", [&](const Field& f) { LoadAnalytics(f, config.analytics); }},
                 {"snmp", [&](const Field& f) { LoadSnmp(f, config.snmp); }},
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
