// The --web.config.file loader: the exporter-toolkit's format over the shared YAML field helpers.
// No message built here quotes a hash or a file's content; user names and file paths are not
// secrets and do appear.
#include "config/web_config_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "config/yaml_fields.h"
#include "util/file_reader.h"

namespace netif {
namespace {

using config_yaml::Field;
using config_yaml::ForEachEntry;
using config_yaml::ForEachKey;
using config_yaml::JoinKey;
using config_yaml::KeyRule;

// A web config file is a few lines; anything larger is surely the wrong file.
constexpr size_t kMaxWebConfigFileBytes = 1 << 20;

struct Named {
  std::string_view name;
  uint16_t id;
};

constexpr std::array<Named, 4> kTlsVersions = {{
    {"TLS10", kTls10},
    {"TLS11", kTls11},
    {"TLS12", kTls12},
    {"TLS13", kTls13},
}};

// The names Go's crypto/tls accepts for tls.Config.CipherSuites through the toolkit: every entry
// of tls.CipherSuites(), plus the four TLS_RSA_* suites that list held up to Go 1.21 (so files
// written for node_exporter builds of that time still load). Ids from the IANA TLS registry.
constexpr std::array<Named, 17> kCipherSuites = {{
    {"TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009d},
    {"TLS_AES_128_GCM_SHA256", 0x1301},
    {"TLS_AES_256_GCM_SHA384", 0x1302},
    {"TLS_CHACHA20_POLY1305_SHA256", 0x1303},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc009},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xc00a},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xc014},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9},
}};

// The toolkit's curve names (tls.CurveID) with their IANA named-group ids.
constexpr std::array<Named, 4> kCurves = {{
    {"CurveP256", 23},
    {"CurveP384", 24},
    {"CurveP521", 25},
    {"X25519", 29},
}};

struct ClientAuthName {
  std::string_view name;
  ClientAuthType type;
};

constexpr std::array<ClientAuthName, 6> kClientAuthTypes = {{
    {"NoClientCert", ClientAuthType::kNoClientCert},
    {"RequestClientCert", ClientAuthType::kRequestClientCert},
    {"RequireAnyClientCert", ClientAuthType::kRequireAnyClientCert},
    {"RequireClientCert", ClientAuthType::kRequireAnyClientCert},  // the toolkit's old alias
    {"VerifyClientCertIfGiven", ClientAuthType::kVerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuthType::kRequireAndVerifyClientCert},
}};

// The only response headers the toolkit lets a file set, with the values it allows (none listed:
// any value). Its list is kept small on purpose, for consistency across the Prometheus ecosystem.
struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;
};

const std::vector<AllowedHeader>& AllowedHeaders() {
  static const std::vector<AllowedHeader> headers = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
  return headers;
}

template <size_t N>
std::string NameList(const std::array<Named, N>& table) {
  std::string names;
  for (const Named& entry : table) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

template <size_t N>
uint16_t LookUp(const Field& f, const std::array<Named, N>& table, std::string_view what,
                bool list_all) {
  const std::string text = f.Scalar();
  for (const Named& entry : table) {
    if (entry.name == text) return entry.id;
  }
  std::string why = "unknown " + std::string(what) + " \"" + text + "\"";
  why += list_all
             ? "; want one of " + NameList(table)
             : "; want a name Go's crypto/tls knows, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
  f.Fail(why);
}

template <size_t N>
std::string_view NameOf(const std::array<Named, N>& table, uint16_t id) {
  for (const Named& entry : table) {
    if (entry.id == id) return entry.name;
  }
  return "";
}

template <size_t N>
std::vector<uint16_t> IdList(const Field& f, const std::array<Named, N>& table,
                             std::string_view what, std::string_view example, bool list_all) {
  std::vector<uint16_t> ids;
  for (const Field& element : f.Elements(example)) {
    const uint16_t id = LookUp(element, table, what, list_all);
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) element.Fail("listed twice");
    ids.push_back(id);
  }
  return ids;
}

// "/etc/x/web.yml" -> "/etc/x/"; "web.yml" -> "" (the current folder, as the file itself).
std::string FolderOf(std::string_view file_name) {
  const size_t slash = file_name.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(file_name.substr(0, slash + 1));
}

// The toolkit joins relative names to the web config file's folder, not the working directory.
std::string ResolvePath(const Field& f, const std::string& folder) {
  std::string path = f.Path();
  if (path.front() != '/') path = folder + path;
  return path;
}

// The keys of the toolkit this version refuses, with what to do instead. Refusing beats
// ignoring: client_allowed_sans or rate_limit silently dropped would leave a server more open
// than its file says.
[[noreturn]] void NotSupported(const Field& f, std::string_view instead) {
  f.Fail("not supported by netif_exporter" +
         (instead.empty() ? std::string() : "; " + std::string(instead)));
}

struct TlsKeys {
  std::optional<Field> cert_file, key_file, client_ca_file, client_auth_type;
  std::optional<Field> min_version, max_version, cipher_suites, prefer_server_cipher_suites,
      curve_preferences;
};

void LoadTls(const Field& section, const std::string& folder, const WebFileCheck& check_file,
             std::optional<TlsServerConfig>& out) {
  TlsServerConfig tls;
  TlsKeys keys;
  const auto path_rule = [&folder](std::string_view key, std::optional<Field>& seen,
                                   std::string& slot) -> KeyRule {
    return {key, [&folder, seen = &seen, slot = &slot](const Field& f) {
              *slot = ResolvePath(f, folder);
              seen->emplace(f);
            }};
  };
  ForEachKey(
      section,
      {
          path_rule("cert_file", keys.cert_file, tls.cert_file),
          path_rule("key_file", keys.key_file, tls.key_file),
          path_rule("client_ca_file", keys.client_ca_file, tls.client_ca_file),
          {"client_auth_type",
           [&](const Field& f) {
             const std::string text = f.Scalar();
             const auto it = std::find_if(kClientAuthTypes.begin(), kClientAuthTypes.end(),
                                          [&](const ClientAuthName& c) { return c.name == text; });
             if (it == kClientAuthTypes.end()) {
               f.Fail("unknown client_auth_type \"" + text +
                      "\"; want one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                      "VerifyClientCertIfGiven, RequireAndVerifyClientCert");
             }
             tls.client_auth_type = it->type;
             keys.client_auth_type.emplace(f);
           }},
          {"min_version",
           [&](const Field& f) {
             tls.min_version = LookUp(f, kTlsVersions, "TLS version", true);
             keys.min_version.emplace(f);
           }},
          {"max_version",
           [&](const Field& f) {
             tls.max_version = LookUp(f, kTlsVersions, "TLS version", true);
             keys.max_version.emplace(f);
           }},
          {"cipher_suites",
           [&](const Field& f) {
             if (!f.node().IsNull()) {
               tls.cipher_suites = IdList(f, kCipherSuites, "cipher suite",
                                          "[TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]", false);
             }
             keys.cipher_suites.emplace(f);
           }},
          {"prefer_server_cipher_suites",
           [&](const Field& f) {
             tls.prefer_server_cipher_suites = f.Bool();
             keys.prefer_server_cipher_suites.emplace(f);
           }},
          {"curve_preferences",
           [&](const Field& f) {
             if (!f.node().IsNull()) {
               tls.curve_preferences = IdList(f, kCurves, "curve", "[X25519, CurveP256]", true);
             }
             keys.curve_preferences.emplace(f);
           }},
          {"cert", [](const Field& f) { NotSupported(f, "put the PEM in a file, cert_file"); }},
          {"key", [](const Field& f) { NotSupported(f, "put the PEM in a file, key_file"); }},
          {"client_ca",
           [](const Field& f) { NotSupported(f, "put the PEM in a file, client_ca_file"); }},
          {"client_allowed_sans",
           [](const Field& f) {
             NotSupported(f, "issue client certificates from a CA of their own instead");
           }},
      });

  const bool any_key = keys.cert_file || keys.key_file || keys.client_ca_file ||
                       keys.client_auth_type || keys.min_version || keys.max_version ||
                       keys.cipher_suites || keys.prefer_server_cipher_suites ||
                       keys.curve_preferences;
  if (!any_key) return;  // `tls_server_config:` with nothing under it: plain HTTP
  // The toolkit quietly serves plain HTTP when a file sets, say, only min_version; a file that
  // says anything about TLS without a certificate is refused here instead.
  if (!keys.cert_file || !keys.key_file) {
    const std::string missing = !keys.cert_file && !keys.key_file ? "cert_file and key_file"
                                : !keys.cert_file                 ? "cert_file"
                                                                  : "key_file";
    section.Fail("missing " + missing + " (TLS needs both; to serve plain HTTP, remove " +
                 "tls_server_config)");
  }
  if (tls.min_version > tls.max_version) {
    keys.min_version
        ? keys.min_version->Fail("min_version " + std::string(TlsVersionName(tls.min_version)) +
                                 " is above max_version " +
                                 std::string(TlsVersionName(tls.max_version)))
        : keys.max_version->Fail("max_version " + std::string(TlsVersionName(tls.max_version)) +
                                 " is below the default min_version TLS12");
  }
  if (ClientAuthVerifies(tls.client_auth_type) && !keys.client_ca_file) {
    keys.client_auth_type->Fail(std::string(ClientAuthTypeName(tls.client_auth_type)) +
                                " needs client_ca_file, the CA that client certificates are " +
                                "verified against");
  }
  if (keys.client_ca_file && !ClientAuthVerifies(tls.client_auth_type)) {
    // The toolkit: "client CA's have been configured without a Client Auth Policy". A CA that is
    // never used to verify anything is a misunderstanding worth stopping at.
    keys.client_ca_file->Fail("client_auth_type " +
                              std::string(ClientAuthTypeName(tls.client_auth_type)) +
                              " does not verify client certificates; set client_auth_type: " +
                              "RequireAndVerifyClientCert (or VerifyClientCertIfGiven)");
  }
  if (check_file) {
    for (const auto& [field, path] :
         {std::pair{&keys.cert_file, &tls.cert_file}, std::pair{&keys.key_file, &tls.key_file},
          std::pair{&keys.client_ca_file, &tls.client_ca_file}}) {
      if (!*field) continue;
      if (std::optional<std::string> why = check_file(*path)) (*field)->Fail(*why);
    }
  }
  out = std::move(tls);
}

void LoadHeaders(const Field& field, std::vector<std::pair<std::string, std::string>>& headers) {
  ForEachEntry(field, "header name: value, e.g. X-Frame-Options: deny",
               [&](const std::string& name, int line, const YAML::Node& node) {
                 const Field value(node, JoinKey(field.path(), name), line, field.key_lines());
                 const auto& allowed = AllowedHeaders();
                 const auto it =
                     std::find_if(allowed.begin(), allowed.end(),
                                  [&](const AllowedHeader& h) { return h.name == name; });
                 if (it == allowed.end()) {
                   std::string names;
                   for (const AllowedHeader& h : allowed) {
                     if (!names.empty()) names += ", ";
                     names += h.name;
                   }
                   value.Fail("this header can not be configured; the toolkit's list: " + names);
                 }
                 const std::string text = value.Scalar();
                 if (text.find_first_of("\r\n") != std::string::npos ||
                     text.find('\0') != std::string::npos) {
                   value.Fail("a header value must be one line");
                 }
                 if (!it->values.empty() &&
                     std::find(it->values.begin(), it->values.end(), text) == it->values.end()) {
                   std::string want;
                   for (std::string_view v : it->values) {
                     if (!want.empty()) want += ", ";
                     want += v;
                   }
                   value.Fail("invalid value \"" + text + "\"; want one of " + want);
                 }
                 // The toolkit leaves a header unset when its value is blank.
                 if (!text.empty()) headers.emplace_back(name, text);
               });
}

void LoadHttp(const Field& section, WebSecurityConfig& web) {
  ForEachKey(section, {
                          {"headers", [&](const Field& f) { LoadHeaders(f, web.headers); }},
                          // HTTP/2 is a Go net/http feature the toolkit can turn off; this
                          // server speaks HTTP/1.1 only, so either value means the same here.
                          {"http2", [&](const Field& f) { (void)f.Bool(); }},
                      });
}

bool IsBcryptBase64(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/';
}

// "$2y$10$" + 22 characters of salt + 31 of hash, as `htpasswd -nBC 10` writes it. The reason
// never quotes the hash.
std::optional<std::string> CheckBcryptHash(std::string_view hash) {
  constexpr std::string_view kWant =
      "want a bcrypt hash such as htpasswd -nBC 10 \"\" | tr -d ':\\n' makes ($2y$10$ and 53 more "
      "characters)";
  const bool prefix = hash.size() >= 7 && hash.substr(0, 2) == "$2" &&
                      (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$' &&
                      hash[6] == '$';
  if (!prefix)
    return "not a bcrypt hash (it does not start with $2a$, $2b$ or $2y$); " + std::string(kWant);
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') {
    return "not a bcrypt hash (no two-digit cost after the prefix); " + std::string(kWant);
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) {
    return "bcrypt cost " + std::to_string(cost) + " is outside 4..31";
  }
  if (hash.size() != 60 || !std::all_of(hash.begin() + 7, hash.end(), IsBcryptBase64)) {
    return "not a bcrypt hash (want 60 characters, " + std::to_string(hash.size()) +
           " given, or a character outside ./A-Za-z0-9); " + std::string(kWant);
  }
  return std::nullopt;
}

void LoadUsers(const Field& field, std::map<std::string, std::string, std::less<>>& users) {
  ForEachEntry(field, "user name: bcrypt hash",
               [&](const std::string& name, int line, const YAML::Node& node) {
                 const Field hash(node, JoinKey(field.path(), name), line, field.key_lines());
                 // Basic auth splits "user:password" on the first colon: such a user could never
                 // log in.
                 if (name.find(':') != std::string::npos)
                   hash.Fail("a user name can not contain ':'");
                 if (std::any_of(name.begin(), name.end(), [](char c) {
                       return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                     })) {
                   hash.Fail("a user name can not contain control characters");
                 }
                 if (!node.IsNull() && !node.IsScalar()) {
                   hash.Fail("want a bcrypt hash, got " + config_yaml::DescribeType(node));
                 }
                 if (node.IsNull()) hash.Fail("missing the bcrypt hash");
                 const std::string text = node.Scalar();
                 if (std::optional<std::string> why = CheckBcryptHash(text)) hash.Fail(*why);
                 users.emplace(name, text);
               });
}

// A broken document can fold a hash into a key (an unknown key is quoted in its error) or into a
// value that is quoted (an unknown TLS version). Whatever follows a '$' up to the next space,
// quote or ':' is cut from the message when it is 20 characters or more, so not even a mangled
// hash leaves the process in an error. Paths, names and short values have no such run.
std::string RedactHashes(std::string message) {
  constexpr size_t kMinRun = 20;
  const auto delimits = [](char c) {
    return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ':' || c == '$';
  };
  for (size_t dollar = message.find('$'); dollar != std::string::npos;
       dollar = message.find('$', dollar + 1)) {
    // Runs of '$'-separated parts ("2y", "10", the salt and hash) count as one run.
    size_t end = dollar + 1;
    while (end < message.size() && (!delimits(message[end]) || message[end] == '$')) ++end;
    if (end - dollar - 1 >= kMinRun) message.replace(dollar + 1, end - dollar - 1, "[redacted]");
  }
  return message;
}

}  // namespace

std::string_view ClientAuthTypeName(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::kNoClientCert:
      return "NoClientCert";
    case ClientAuthType::kRequestClientCert:
      return "RequestClientCert";
    case ClientAuthType::kRequireAnyClientCert:
      return "RequireAnyClientCert";
    case ClientAuthType::kVerifyClientCertIfGiven:
      return "VerifyClientCertIfGiven";
    case ClientAuthType::kRequireAndVerifyClientCert:
      return "RequireAndVerifyClientCert";
  }
  return "";
}

bool ClientAuthVerifies(ClientAuthType type) {
  return type == ClientAuthType::kVerifyClientCertIfGiven ||
         type == ClientAuthType::kRequireAndVerifyClientCert;
}

std::string_view TlsVersionName(uint16_t version) { return NameOf(kTlsVersions, version); }
std::string_view CipherSuiteName(uint16_t id) { return NameOf(kCipherSuites, id); }
std::string_view CurveName(uint16_t id) { return NameOf(kCurves, id); }

std::optional<std::string> CheckPemFileReadable(const std::string& path) {
  const FileRead read = ReadRegularFile(path, kMaxPemFileBytes);
  if (!read.ok()) return "cannot read " + path + ": " + read.Describe();
  const std::string& text = read.contents;
  if (text.find("-----BEGIN ") != std::string::npos) return std::nullopt;
  if (text.empty()) return path + " is empty";
  // Never quote the content: this may be the private key.
  return path + " holds no PEM block (no \"-----BEGIN \" line)";
}

std::variant<WebSecurityConfig, std::string> ParseWebConfigYaml(std::string_view yaml_text,
                                                                std::string_view file_name,
                                                                const WebFileCheck& check_file) {
  WebSecurityConfig web;
  const std::string folder = FolderOf(file_name);
  if (std::optional<std::string> error =
          config_yaml::LoadYamlDocument(yaml_text, file_name, [&](const Field& root) {
            ForEachKey(root, {
                                 {"tls_server_config",
                                  [&](const Field& f) { LoadTls(f, folder, check_file, web.tls); }},
                                 {"http_server_config", [&](const Field& f) { LoadHttp(f, web); }},
                                 {"basic_auth_users",
                                  [&](const Field& f) { LoadUsers(f, web.basic_auth_users); }},
                                 {"rate_limit",
                                  [](const Field& f) {
                                    NotSupported(f, "limit request rates in a reverse proxy");
                                  }},
                             });
          })) {
    return RedactHashes(std::move(*error));
  }
  return web;
}

std::variant<WebSecurityConfig, std::string> LoadWebConfigFile(const std::string& path) {
  config_yaml::FileText contents = config_yaml::ReadConfigFile(path, kMaxWebConfigFileBytes);
  if (!contents.error.empty()) return std::move(contents.error);
  return ParseWebConfigYaml(contents.text, path, CheckPemFileReadable);
}

}  // namespace netif
