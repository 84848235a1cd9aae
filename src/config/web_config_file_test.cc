// The web config file (--web.config.file): every honoured key, every refused key, every error
// path with its file, line and key, and that no error ever quotes a hash.
#include "config/web_config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_test_util.h"
#include "config/flags.h"

namespace netif {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

constexpr std::string_view kFile = "/etc/netif/web.yml";
// `htpasswd -nbBC 10 user pass` (a $2y$ hash, as the toolkit's docs make them).
constexpr std::string_view kHash = "$2y$10$oWSSVH.fZj4.CqtB8aJKfujiFdS5Y5p8oP5bicmlnbucS7ccmivKW";

// "netif_exporter: config error: /etc/netif/web.yml:<line>: <rest>"
std::string At(int line, std::string_view rest) {
  return "netif_exporter: config error: " + std::string(kFile) + ":" + std::to_string(line) + ": " +
         std::string(rest);
}

WebSecurityConfig ParseOk(std::string_view yaml, const WebFileCheck& check = {}) {
  std::variant<WebSecurityConfig, std::string> parsed = ParseWebConfigYaml(yaml, kFile, check);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *error;
    return {};
  }
  return std::get<WebSecurityConfig>(parsed);
}

std::string ParseError(std::string_view yaml, const WebFileCheck& check = {}) {
  std::variant<WebSecurityConfig, std::string> parsed = ParseWebConfigYaml(yaml, kFile, check);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    EXPECT_EQ(error->find('\n'), std::string::npos) << "not one line: " << *error;
    EXPECT_THAT(*error, Not(HasSubstr(std::string(kHash.substr(7)))))
        << "an error quotes a hash: " << *error;
    return *error;
  }
  ADD_FAILURE() << "unexpectedly parsed:\n" << yaml;
  return "";
}

constexpr char kTls[] = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";

TEST(WebConfigFileTest, EmptyDocumentIsPlainHttpWithoutAuth) {
  EXPECT_EQ(ParseOk(""), WebSecurityConfig{});
  EXPECT_EQ(ParseOk("# only a comment\n"), WebSecurityConfig{});
  EXPECT_EQ(ParseOk("tls_server_config:\nhttp_server_config:\nbasic_auth_users:\n"),
            WebSecurityConfig{});
}

TEST(WebConfigFileTest, EveryHonouredKey) {
  const WebSecurityConfig web = ParseOk(std::string(R"(tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca/clients.pem
  min_version: TLS13
  max_version: TLS13
  cipher_suites:
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  prefer_server_cipher_suites: false
  curve_preferences: [X25519, CurveP256]
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
    X-XSS-Protection: ""
basic_auth_users:
  alice: )") + std::string(kHash) + "\n");
  ASSERT_TRUE(web.tls);
  // Relative names are joined to the web config file's folder, as the toolkit does.
  EXPECT_EQ(web.tls->cert_file, "/etc/netif/server.crt");
  EXPECT_EQ(web.tls->key_file, "/abs/server.key");
  EXPECT_EQ(web.tls->client_ca_file, "/etc/netif/ca/clients.pem");
  EXPECT_EQ(web.tls->client_auth_type, ClientAuthType::kRequireAndVerifyClientCert);
  EXPECT_EQ(web.tls->min_version, kTls13);
  EXPECT_EQ(web.tls->max_version, kTls13);
  EXPECT_THAT(web.tls->cipher_suites, ElementsAre(0xc030, 0xc02f));  // the order written
  EXPECT_FALSE(web.tls->prefer_server_cipher_suites);
  EXPECT_THAT(web.tls->curve_preferences, ElementsAre(29, 23));
  // A blank value leaves the header unset, as in the toolkit.
  EXPECT_THAT(web.headers, ElementsAre(Pair("X-Frame-Options", "deny"),
                                       Pair("Strict-Transport-Security", "max-age=31536000")));
  EXPECT_THAT(web.basic_auth_users, ElementsAre(Pair("alice", std::string(kHash))));
}

TEST(WebConfigFileTest, TlsDefaults) {
  const WebSecurityConfig web = ParseOk(kTls);
  ASSERT_TRUE(web.tls);
  EXPECT_EQ(web.tls->client_auth_type, ClientAuthType::kNoClientCert);
  EXPECT_EQ(web.tls->client_ca_file, "");
  EXPECT_EQ(web.tls->min_version, kTls12);
  EXPECT_EQ(web.tls->max_version, kTls13);
  EXPECT_TRUE(web.tls->cipher_suites.empty());
  EXPECT_TRUE(web.tls->prefer_server_cipher_suites);
  EXPECT_TRUE(web.tls->curve_preferences.empty());
  // A bare file name sits in the current folder, like the web config file itself.
  std::variant<WebSecurityConfig, std::string> bare = ParseWebConfigYaml(kTls, "web.yml");
  ASSERT_TRUE(std::holds_alternative<WebSecurityConfig>(bare));
  EXPECT_EQ(std::get<WebSecurityConfig>(bare).tls->cert_file, "server.crt");
}

TEST(WebConfigFileTest, ClientAuthTypes) {
  const auto type = [](std::string_view name, std::string_view extra = "") {
    return ParseOk(std::string(kTls) + "  client_auth_type: " + std::string(name) + "\n" +
                   std::string(extra))
        .tls.value_or(TlsServerConfig{})
        .client_auth_type;
  };
  EXPECT_EQ(type("NoClientCert"), ClientAuthType::kNoClientCert);
  EXPECT_EQ(type("RequestClientCert"), ClientAuthType::kRequestClientCert);
  EXPECT_EQ(type("RequireAnyClientCert"), ClientAuthType::kRequireAnyClientCert);
  EXPECT_EQ(type("RequireClientCert"), ClientAuthType::kRequireAnyClientCert);  // old alias
  EXPECT_EQ(type("VerifyClientCertIfGiven", "  client_ca_file: ca.pem\n"),
            ClientAuthType::kVerifyClientCertIfGiven);
  EXPECT_EQ(ClientAuthTypeName(ClientAuthType::kVerifyClientCertIfGiven),
            "VerifyClientCertIfGiven");
  EXPECT_TRUE(ClientAuthVerifies(ClientAuthType::kRequireAndVerifyClientCert));
  EXPECT_FALSE(ClientAuthVerifies(ClientAuthType::kRequireAnyClientCert));
}

TEST(WebConfigFileTest, NamesOfIds) {
  EXPECT_EQ(TlsVersionName(kTls10), "TLS10");
  EXPECT_EQ(TlsVersionName(0x0305), "");
  EXPECT_EQ(CipherSuiteName(0xcca8), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(CipherSuiteName(0x0005), "");  // RC4: Go never offered it by name here
  EXPECT_EQ(CurveName(24), "CurveP384");
}

TEST(WebConfigFileTest, UnknownKeys) {
  EXPECT_EQ(ParseError("tls_config:\n  cert_file: x\n"),
            At(1,
               "tls_config: unknown key; known top-level keys: tls_server_config, "
               "http_server_config, basic_auth_users, rate_limit"));
  EXPECT_THAT(ParseError(std::string(kTls) + "  certfile: x\n"),
              HasSubstr(":4: tls_server_config.certfile: unknown key; known keys in "
                        "tls_server_config: cert_file, key_file,"));
  EXPECT_THAT(ParseError("http_server_config:\n  gzip: true\n"),
              HasSubstr(":2: http_server_config.gzip: unknown key"));
  EXPECT_THAT(ParseError("- a\n"), HasSubstr("the top level must be a map"));
  EXPECT_THAT(ParseError("a: [\n"), HasSubstr("YAML syntax error"));
  EXPECT_THAT(ParseError("a: 1\n---\nb: 2\n"), HasSubstr("more than one YAML document"));
  EXPECT_THAT(ParseError("basic_auth_users: {}\nbasic_auth_users: {}\n"),
              HasSubstr(":2: basic_auth_users: duplicate key (first set on line 1)"));
}

TEST(WebConfigFileTest, ToolkitKeysThatAreNotSupported) {
  EXPECT_EQ(ParseError("tls_server_config:\n  cert: |\n    -----BEGIN CERTIFICATE-----\n"),
            At(2,
               "tls_server_config.cert: not supported by netif_exporter; put the PEM in a "
               "file, cert_file"));
  EXPECT_EQ(ParseError("tls_server_config:\n  key: secret-pem\n"),
            At(2,
               "tls_server_config.key: not supported by netif_exporter; put the PEM in a "
               "file, key_file"));
  EXPECT_THAT(ParseError("tls_server_config:\n  key: secret-pem\n"), Not(HasSubstr("secret-pem")));
  EXPECT_THAT(ParseError("tls_server_config:\n  client_ca: x\n"),
              HasSubstr("tls_server_config.client_ca: not supported by netif_exporter"));
  EXPECT_THAT(ParseError(std::string(kTls) + "  client_allowed_sans: [a.example]\n"),
              HasSubstr(":4: tls_server_config.client_allowed_sans: not supported"));
  EXPECT_EQ(ParseError("rate_limit:\n  interval: 1s\n  burst: 20\n"),
            At(1,
               "rate_limit: not supported by netif_exporter; limit request rates in a reverse "
               "proxy"));
}

TEST(WebConfigFileTest, CertAndKeyBothOrNeither) {
  EXPECT_EQ(ParseError("tls_server_config:\n  cert_file: a.crt\n"),
            At(1,
               "tls_server_config: missing key_file (TLS needs both; to serve plain HTTP, "
               "remove tls_server_config)"));
  EXPECT_THAT(ParseError("tls_server_config:\n  key_file: a.key\n"),
              HasSubstr(":1: tls_server_config: missing cert_file (TLS needs both"));
  // Unlike the toolkit, a TLS setting without a certificate is not quietly plain HTTP.
  EXPECT_THAT(ParseError("tls_server_config:\n  min_version: TLS13\n"),
              HasSubstr("tls_server_config: missing cert_file and key_file"));
  EXPECT_THAT(ParseError("tls_server_config:\n  cert_file: \"\"\n  key_file: k\n"),
              HasSubstr(":2: tls_server_config.cert_file: must not be empty"));
  EXPECT_THAT(ParseError("tls_server_config:\n  cert_file:\n  key_file: k\n"),
              HasSubstr(":2: tls_server_config.cert_file: missing value"));
}

TEST(WebConfigFileTest, TlsVersions) {
  EXPECT_EQ(ParseOk(std::string(kTls) + "  min_version: TLS10\n").tls->min_version, kTls10);
  EXPECT_EQ(ParseOk(std::string(kTls) + "  max_version: TLS12\n").tls->max_version, kTls12);
  EXPECT_EQ(ParseError(std::string(kTls) + "  min_version: TLSv1.2\n"),
            At(4,
               "tls_server_config.min_version: unknown TLS version \"TLSv1.2\"; want one of "
               "TLS10, TLS11, TLS12, TLS13"));
  EXPECT_EQ(ParseError(std::string(kTls) + "  min_version: TLS13\n  max_version: TLS12\n"),
            At(4, "tls_server_config.min_version: min_version TLS13 is above max_version TLS12"));
  EXPECT_EQ(ParseError(std::string(kTls) + "  max_version: TLS11\n"),
            At(4,
               "tls_server_config.max_version: max_version TLS11 is below the default "
               "min_version TLS12"));
}

TEST(WebConfigFileTest, CipherSuitesAndCurves) {
  EXPECT_EQ(ParseError(std::string(kTls) + "  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n"),
            At(4,
               "tls_server_config.cipher_suites[0]: unknown cipher suite "
               "\"TLS_RSA_WITH_RC4_128_SHA\"; want a name Go's crypto/tls knows, e.g. "
               "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
  // OpenSSL's spelling is not Go's.
  EXPECT_THAT(ParseError(std::string(kTls) + "  cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]\n"),
              HasSubstr("unknown cipher suite"));
  EXPECT_THAT(
      ParseError(std::string(kTls) + "  cipher_suites:\n    - TLS_AES_128_GCM_SHA256\n    - "
                                     "TLS_AES_128_GCM_SHA256\n"),
      HasSubstr(":6: tls_server_config.cipher_suites[1]: listed twice"));
  EXPECT_THAT(ParseError(std::string(kTls) + "  cipher_suites: TLS_AES_128_GCM_SHA256\n"),
              HasSubstr("cipher_suites: want a list"));
  EXPECT_EQ(ParseError(std::string(kTls) + "  curve_preferences: [P256]\n"),
            At(4,
               "tls_server_config.curve_preferences[0]: unknown curve \"P256\"; want one of "
               "CurveP256, CurveP384, CurveP521, X25519"));
  // Every name of the table parses to the id it names.
  for (const uint16_t id : {0x002f, 0x0035, 0x009c, 0x009d, 0x1301, 0x1302, 0x1303, 0xc009, 0xc00a,
                            0xc013, 0xc014, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9}) {
    const std::string name(CipherSuiteName(id));
    ASSERT_FALSE(name.empty()) << id;
    EXPECT_THAT(ParseOk(std::string(kTls) + "  cipher_suites: [" + name + "]\n").tls->cipher_suites,
                ElementsAre(id));
  }
}

TEST(WebConfigFileTest, ClientAuthRules) {
  EXPECT_EQ(ParseError(std::string(kTls) + "  client_auth_type: RequireAndVerify\n"),
            At(4,
               "tls_server_config.client_auth_type: unknown client_auth_type "
               "\"RequireAndVerify\"; want one of NoClientCert, RequestClientCert, "
               "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert"));
  EXPECT_EQ(ParseError(std::string(kTls) + "  client_auth_type: RequireAndVerifyClientCert\n"),
            At(4,
               "tls_server_config.client_auth_type: RequireAndVerifyClientCert needs "
               "client_ca_file, the CA that client certificates are verified against"));
  EXPECT_THAT(ParseError(std::string(kTls) + "  client_auth_type: VerifyClientCertIfGiven\n"),
              HasSubstr("VerifyClientCertIfGiven needs client_ca_file"));
  EXPECT_EQ(ParseError(std::string(kTls) + "  client_ca_file: ca.pem\n"),
            At(4,
               "tls_server_config.client_ca_file: client_auth_type NoClientCert does not verify "
               "client certificates; set client_auth_type: RequireAndVerifyClientCert (or "
               "VerifyClientCertIfGiven)"));
  EXPECT_THAT(ParseError(std::string(kTls) +
                         "  client_auth_type: RequireAnyClientCert\n  client_ca_file: ca.pem\n"),
              HasSubstr("client_auth_type RequireAnyClientCert does not verify"));
}

TEST(WebConfigFileTest, Headers) {
  EXPECT_EQ(ParseError("http_server_config:\n  headers:\n    Content-Type: text/plain\n"),
            At(3,
               "http_server_config.headers.Content-Type: this header can not be configured; "
               "the toolkit's list: Strict-Transport-Security, X-Content-Type-Options, "
               "X-Frame-Options, X-XSS-Protection, Content-Security-Policy"));
  EXPECT_THAT(ParseError("http_server_config:\n  headers:\n    Authorization: x\n"),
              HasSubstr("headers.Authorization: this header can not be configured"));
  // Names are matched exactly, as the toolkit's map lookup does.
  EXPECT_THAT(ParseError("http_server_config:\n  headers:\n    x-frame-options: deny\n"),
              HasSubstr("can not be configured"));
  EXPECT_EQ(ParseError("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"),
            At(3,
               "http_server_config.headers.X-Frame-Options: invalid value \"allow\"; want one "
               "of deny, sameorigin"));
  EXPECT_THAT(ParseError("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n"),
              HasSubstr("want one of nosniff"));
  EXPECT_THAT(ParseError("http_server_config:\n  headers:\n    X-XSS-Protection: [1]\n"),
              HasSubstr("want a single value, got a list"));
  EXPECT_THAT(
      ParseError("http_server_config:\n  headers:\n    X-XSS-Protection: \"1\\r\\nX: y\"\n"),
      HasSubstr("a header value must be one line"));
  EXPECT_THAT(ParseError("http_server_config:\n  headers: [a]\n"), HasSubstr("want a map"));
  EXPECT_THAT(ParseOk("http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n    "
                      "Content-Security-Policy: default-src 'self'\n")
                  .headers,
              ElementsAre(Pair("X-Content-Type-Options", "nosniff"),
                          Pair("Content-Security-Policy", "default-src 'self'")));
}

TEST(WebConfigFileTest, Http2IsAcceptedAndIgnored) {
  EXPECT_EQ(ParseOk("http_server_config:\n  http2: true\n"), WebSecurityConfig{});
  EXPECT_EQ(ParseOk("http_server_config:\n  http2: false\n"), WebSecurityConfig{});
  EXPECT_THAT(ParseError("http_server_config:\n  http2: yes\n"),
              HasSubstr(":2: http_server_config.http2: "));
}

TEST(WebConfigFileTest, BasicAuthUsers) {
  const std::string b(kHash.substr(4));  // "10$..." after the "$2y$"
  const WebSecurityConfig web =
      ParseOk("basic_auth_users:\n  a: $2a$" + b + "\n  b: $2b$" + b + "\n  c: '$2y$" + b + "'\n");
  EXPECT_THAT(web.basic_auth_users,
              ElementsAre(Pair("a", "$2a$" + b), Pair("b", "$2b$" + b), Pair("c", "$2y$" + b)));
  EXPECT_EQ(ParseOk(std::string("basic_auth_users:\n  \"\": ") + std::string(kHash) + "\n")
                .basic_auth_users.count(""),
            1u);
}

TEST(WebConfigFileTest, BasicAuthUsersRefusesWhatIsNotBcrypt) {
  const std::string b(kHash.substr(4));
  const auto error = [](const std::string& hash) {
    return ParseError("basic_auth_users:\n  alice: '" + hash + "'\n");
  };
  EXPECT_EQ(error("hunter2"),
            At(2,
               "basic_auth_users.alice: not a bcrypt hash (it does not start with $2a$, $2b$ "
               "or $2y$); want a bcrypt hash such as htpasswd -nBC 10 \"\" | tr -d ':\\n' makes "
               "($2y$10$ and 53 more characters)"));
  EXPECT_THAT(error("hunter2"), Not(HasSubstr("hunter2")));
  // SHA-512 crypt and apr1 (htpasswd without -B) are not bcrypt.
  EXPECT_THAT(error("$6$salt$abcdefghijklmnopqrstuvwxyz"), HasSubstr("not a bcrypt hash"));
  EXPECT_THAT(error("$apr1$salt$abcdefghijklmnopqrstuv"), HasSubstr("not a bcrypt hash"));
  EXPECT_THAT(error("$2x$" + b), HasSubstr("does not start with $2a$, $2b$ or $2y$"));
  EXPECT_THAT(error("$2y$1a" + b.substr(2)), HasSubstr("no two-digit cost"));
  EXPECT_EQ(error("$2y$03" + b.substr(2)),
            At(2, "basic_auth_users.alice: bcrypt cost 3 is outside 4..31"));
  EXPECT_THAT(error("$2y$32" + b.substr(2)), HasSubstr("bcrypt cost 32 is outside 4..31"));
  EXPECT_THAT(error(std::string(kHash) + "x"), HasSubstr("want 60 characters, 61 given"));
  EXPECT_THAT(error(std::string(kHash.substr(0, 59))), HasSubstr("want 60 characters, 59 given"));
  EXPECT_THAT(error(std::string(kHash.substr(0, 59)) + "!"), HasSubstr("a character outside"));
  EXPECT_EQ(ParseError("basic_auth_users:\n  alice:\n"),
            At(2, "basic_auth_users.alice: missing the bcrypt hash"));
  EXPECT_THAT(ParseError("basic_auth_users:\n  alice: [x]\n"),
              HasSubstr("basic_auth_users.alice: want a bcrypt hash, got a list"));
  EXPECT_THAT(ParseError("basic_auth_users:\n  'a:b': " + std::string(kHash) + "\n"),
              HasSubstr("basic_auth_users.a:b: a user name can not contain ':'"));
  EXPECT_THAT(ParseError("basic_auth_users:\n  \"a\\tb\": " + std::string(kHash) + "\n"),
              HasSubstr("a user name can not contain control characters"));
  EXPECT_THAT(ParseError("basic_auth_users: [alice]\n"), HasSubstr("want a map"));
}

// Found by the fuzz target: broken indentation folds the lines below into one key, hash
// included, and an unknown key is quoted in its error. Whatever follows a '$' and looks like
// bcrypt's base64 is cut from every message.
TEST(WebConfigFileTest, ErrorsNeverQuoteAHashEvenFromBrokenYaml) {
  const std::string folded =
      "http_server_config:\n  headers:\n\"   X-Frame-Options: deny\n  u: " + std::string(kHash) +
      "\n";
  const std::string error = ParseError(folded);
  EXPECT_THAT(error, HasSubstr("u: $[redacted] : unknown key"));
  // A mangled prefix still has its tail cut.
  const std::string mangled = ParseError("\"u 2y$" + std::string(kHash.substr(4)) + "\": 1\n");
  EXPECT_THAT(mangled, HasSubstr("u 2y$[redacted]: unknown key"));
  // So has one with a character outside bcrypt's alphabet, in a quoted value.
  const std::string value = ParseError(std::string(kTls) + "  min_version: $2y$10$oWSS-VH." +
                                       std::string(kHash.substr(12)) + "\n");
  EXPECT_THAT(value, HasSubstr("unknown TLS version \"$[redacted]\""));
  // Paths and other text are left alone: a '$' must come first.
  EXPECT_THAT(ParseError("/etc/prometheus/certificates/server.crt: 1\n"),
              HasSubstr(":1: /etc/prometheus/certificates/server.crt: unknown key"));
}

// Also found by the fuzz target: a quoted key may hold a newline; the message stays one line.
TEST(WebConfigFileTest, KeyWithANewlineStaysOneLine) {
  EXPECT_EQ(ParseError("\"a\\nb\\tc\": 1\n"), At(1,
                                                 "a b c: unknown key; known top-level keys: "
                                                 "tls_server_config, http_server_config, "
                                                 "basic_auth_users, rate_limit"));
}

TEST(WebConfigFileTest, FileCheckRunsOnEveryNamedFileAtItsKey) {
  std::vector<std::string> checked;
  const WebFileCheck record = [&](const std::string& path) -> std::optional<std::string> {
    checked.push_back(path);
    return std::nullopt;
  };
  ParseOk(std::string(kTls) +
              "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: /ca.pem\n",
          record);
  EXPECT_THAT(checked, ElementsAre("/etc/netif/server.crt", "/etc/netif/server.key", "/ca.pem"));

  const WebFileCheck refuse_key = [](const std::string& path) -> std::optional<std::string> {
    if (path.ends_with(".key")) return "cannot read " + path + ": Permission denied";
    return std::nullopt;
  };
  EXPECT_EQ(ParseError(kTls, refuse_key),
            At(3,
               "tls_server_config.key_file: cannot read /etc/netif/server.key: Permission "
               "denied"));
}

class WebConfigFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (std::string("netif_web_config_test_") + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << contents;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr char kPemCert[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr char kPemKey[] =
    "-----BEGIN PRIVATE KEY-----\nsecretkeybytes\n-----END PRIVATE KEY-----\n";

TEST_F(WebConfigFilesTest, CheckPemFileReadable) {
  EXPECT_EQ(CheckPemFileReadable(Write("a.crt", kPemCert)), std::nullopt);
  const std::string missing = (dir_ / "none.crt").string();
  EXPECT_EQ(CheckPemFileReadable(missing),
            "cannot read " + missing + ": No such file or directory");
  EXPECT_EQ(CheckPemFileReadable(dir_.string()),
            "cannot read " + dir_.string() + ": not a regular file (a directory)");
  const std::string fifo = (dir_ / "fifo.crt").string();
  config_testing::MakeFifo(fifo);
  EXPECT_EQ(config_testing::WithoutBlocking(fifo, [&] { return CheckPemFileReadable(fifo); }),
            "cannot read " + fifo + ": not a regular file (a FIFO)");
  EXPECT_EQ(CheckPemFileReadable("/dev/zero"),
            "cannot read /dev/zero: not a regular file (a character device)");
  const std::string huge = Write("huge.pem", std::string(kMaxPemFileBytes, '#') + kPemCert);
  EXPECT_EQ(CheckPemFileReadable(huge), "cannot read " + huge + ": larger than 1048576 bytes");
  const std::string empty = Write("empty.crt", "");
  EXPECT_EQ(CheckPemFileReadable(empty), empty + " is empty");
  const std::string der = Write("key.der", "secretkeybytes-not-pem");
  EXPECT_EQ(CheckPemFileReadable(der), der + " holds no PEM block (no \"-----BEGIN \" line)");
  // A PEM block after a long preamble (a bundle with comments) is still found.
  EXPECT_EQ(CheckPemFileReadable(Write("long.pem", std::string(40000, '#') + "\n" + kPemCert)),
            std::nullopt);
}

TEST_F(WebConfigFilesTest, LoadWebConfigFile) {
  Write("server.crt", kPemCert);
  Write("server.key", kPemKey);
  const std::string path = Write(
      "web.yml", std::string(kTls) + "basic_auth_users:\n  alice: " + std::string(kHash) + "\n");
  std::variant<WebSecurityConfig, std::string> loaded = LoadWebConfigFile(path);
  ASSERT_TRUE(std::holds_alternative<WebSecurityConfig>(loaded)) << std::get<std::string>(loaded);
  const WebSecurityConfig& web = std::get<WebSecurityConfig>(loaded);
  ASSERT_TRUE(web.tls);
  EXPECT_EQ(web.tls->cert_file, (dir_ / "server.crt").string());
  EXPECT_EQ(web.basic_auth_users.size(), 1u);

  const std::string missing = (dir_ / "missing.yml").string();
  EXPECT_EQ(
      std::get<std::string>(LoadWebConfigFile(missing)),
      "netif_exporter: config error: " + missing + ": cannot read: No such file or directory");

  std::filesystem::remove(dir_ / "server.key");
  EXPECT_EQ(std::get<std::string>(LoadWebConfigFile(path)),
            "netif_exporter: config error: " + path +
                ":3: tls_server_config.key_file: cannot read " + (dir_ / "server.key").string() +
                ": No such file or directory");
  Write("server.key", "not a key\n");
  const std::string not_pem = std::get<std::string>(LoadWebConfigFile(path));
  EXPECT_THAT(not_pem, HasSubstr("tls_server_config.key_file: "));
  EXPECT_THAT(not_pem, HasSubstr("holds no PEM block"));
  EXPECT_THAT(not_pem, Not(HasSubstr("not a key")));
}

TEST_F(WebConfigFilesTest, LoadConfigReadsTheFlagsFile) {
  const std::string path =
      Write("web.yml", "basic_auth_users:\n  alice: " + std::string(kHash) + "\n");
  CommandLine cli;
  cli.web_config_file = path;
  std::variant<Config, std::string> loaded = LoadConfig(cli);
  ASSERT_TRUE(std::holds_alternative<Config>(loaded)) << std::get<std::string>(loaded);
  const Config& config = std::get<Config>(loaded);
  EXPECT_EQ(config.web_config_file, path);
  EXPECT_THAT(config.web.security.basic_auth_users, ElementsAre(Pair("alice", std::string(kHash))));
  // A reload can tell the change: another user is another Config.
  Config other = config;
  other.web.security.basic_auth_users["bob"] = std::string(kHash);
  EXPECT_NE(other, config);

  // Errors flow as the main file's do: one line, naming the web config file.
  Write("web.yml", "basic_auth_users:\n  alice: plain\n");
  const std::string error = std::get<std::string>(LoadConfig(cli));
  EXPECT_EQ(
      error.rfind("netif_exporter: config error: " + path + ":2: basic_auth_users.alice: ", 0), 0u)
      << error;
  cli.web_config_file = (dir_ / "missing.yml").string();
  EXPECT_THAT(std::get<std::string>(LoadConfig(cli)), HasSubstr("missing.yml: cannot read: "));
  // Without the flag: no TLS, no auth.
  EXPECT_EQ(std::get<Config>(LoadConfig(CommandLine{})).web.security, WebSecurityConfig{});
}

// The shipped example parses, and says what the docs say it does.
TEST(WebConfigFileTest, ShippedExampleParses) {
  const std::string path = std::string(NETIF_SOURCE_DIR) + "/config/web-config.example.yml";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::variant<WebSecurityConfig, std::string> parsed = ParseWebConfigYaml(text, path);
  ASSERT_TRUE(std::holds_alternative<WebSecurityConfig>(parsed)) << std::get<std::string>(parsed);
  const WebSecurityConfig& web = std::get<WebSecurityConfig>(parsed);
  ASSERT_TRUE(web.tls);
  EXPECT_EQ(web.tls->cert_file, std::string(NETIF_SOURCE_DIR) + "/config/server.crt");
  EXPECT_EQ(web.headers.size(), 2u);
  EXPECT_EQ(web.basic_auth_users.count("prometheus"), 1u);
}

// Every honoured and every refused key is in docs/configuration.md.
TEST(WebConfigFileTest, DocsListEveryKey) {
  std::ifstream in(std::string(NETIF_SOURCE_DIR) + "/docs/configuration.md");
  const std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* key :
       {"tls_server_config.cert_file", "tls_server_config.key_file",
        "tls_server_config.client_auth_type", "tls_server_config.client_ca_file",
        "tls_server_config.min_version", "tls_server_config.max_version",
        "tls_server_config.cipher_suites", "tls_server_config.prefer_server_cipher_suites",
        "tls_server_config.curve_preferences", "http_server_config.headers",
        "http_server_config.http2", "basic_auth_users", "tls_server_config.client_allowed_sans",
        "rate_limit", "--web.config.file"}) {
    EXPECT_THAT(docs, HasSubstr(std::string("`") + key + "`")) << key;
  }
}

}  // namespace
}  // namespace netif
