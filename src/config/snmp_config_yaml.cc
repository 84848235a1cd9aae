// The `snmp:` section of the YAML file: poll settings (`snmp.defaults`, overridable per target),
// targets with their credentials, secrets resolved from the environment or files, and labels.
#include "config/snmp_config_yaml.h"

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
#include <utility>
#include <vector>

#include "config/duration.h"
#include "util/file_reader.h"

namespace netif::config_yaml {
namespace {

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
      {"max_interfaces",
       [&](const Field& f) { s.max_interfaces = UnsignedInRange(f, 1, kMaxSnmpMaxInterfaces); }},
      {"max_varbinds",
       [&](const Field& f) { s.max_varbinds = UnsignedInRange(f, 1, kMaxSnmpMaxVarbinds); }},
      {"walk_timeout",
       [&](const Field& f) { s.walk_timeout = f.Duration(kMinSnmpTimeout, kMaxSnmpInterval); }},
      {"interface_include",
       [&](const Field& f) { s.interface_include = f.Parse(AnchoredRegex::Compile); }},
      {"interface_exclude",
       [&](const Field& f) { s.interface_exclude = f.Parse(AnchoredRegex::Compile); }},
  };
}

// A stale_after shorter than the interval would drop a target's series between two good polls;
// a walk_timeout shorter than one request's timeout would fail every poll that needs an answer.
void CheckDurations(const Field& where, const SnmpPollSettings& s) {
  if (s.stale_after && *s.stale_after < s.interval) {
    where.Fail("stale_after " + FormatDuration(*s.stale_after) + " is shorter than interval " +
               FormatDuration(s.interval));
  }
  if (s.walk_timeout && *s.walk_timeout < s.timeout) {
    where.Fail("walk_timeout " + FormatDuration(*s.walk_timeout) + " is shorter than timeout " +
               FormatDuration(s.timeout));
  }
}

// Reads a secret file whole; one trailing newline (as `echo` writes it) is not part of the
// secret. Any failure is a config error at the key that named the file.
std::string ReadSecretFile(const Field& f) {
  const std::string path = f.Path();
  // The bounded reader: a FIFO or a device named here is refused at once, never waited on.
  FileRead read = ReadRegularFile(path, kMaxSnmpSecretFileBytes);
  if (read.status == FileReadStatus::kTooLarge) {
    f.Fail(path + " is larger than " + std::to_string(kMaxSnmpSecretFileBytes) +
           " bytes; is it the right file?");
  }
  if (!read.ok()) f.Fail("cannot read " + path + ": " + read.Describe());
  std::string text = std::move(read.contents);
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
  CheckDurations(element, target.settings);
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

}  // namespace

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
    CheckDurations(*defaults, snmp.defaults);
  }
  if (targets) LoadTargets(*targets, snmp.defaults, snmp.targets);
}

}  // namespace netif::config_yaml
