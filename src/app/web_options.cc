#include "app/web_options.h"

#include <optional>
#include <utility>

#include "config/web_config_file.h"
#include "http/basic_auth.h"
#include "util/file_reader.h"

namespace netif {
namespace {

// The bounded reader (a FIFO named as a certificate is refused, never waited on), with the cap
// the web config's own check used.
std::optional<std::string> ReadPem(const std::string& path, std::string* error) {
  FileRead read = ReadRegularFile(path, kMaxPemFileBytes);
  if (!read.ok()) {
    *error = "cannot read " + path + ": " + read.Describe();
    return std::nullopt;
  }
  return std::move(read.contents);
}

TlsVersion ToTlsVersion(uint16_t version) {
  switch (version) {
    case kTls10:
      return TlsVersion::kTls10;
    case kTls11:
      return TlsVersion::kTls11;
    case kTls12:
      return TlsVersion::kTls12;
    default:
      return TlsVersion::kTls13;
  }
}

ClientAuth ToClientAuth(ClientAuthType type) {
  switch (type) {
    case ClientAuthType::kRequestClientCert:
      return ClientAuth::kRequestClientCert;
    case ClientAuthType::kRequireAnyClientCert:
      return ClientAuth::kRequireAnyClientCert;
    case ClientAuthType::kVerifyClientCertIfGiven:
      return ClientAuth::kVerifyClientCertIfGiven;
    case ClientAuthType::kRequireAndVerifyClientCert:
      return ClientAuth::kRequireAndVerifyClientCert;
    case ClientAuthType::kNoClientCert:
      break;
  }
  return ClientAuth::kNoClientCert;
}

std::variant<HttpTlsOptions, std::string> TlsOptions(const TlsServerConfig& tls) {
  HttpTlsOptions options;
  std::string error;
  const auto read = [&error](const std::string& path, std::string& out) {
    if (path.empty()) return true;
    auto pem = ReadPem(path, &error);
    if (!pem) return false;
    out = std::move(*pem);
    return true;
  };
  if (!read(tls.cert_file, options.cert_pem) || !read(tls.key_file, options.key_pem) ||
      !read(tls.client_ca_file, options.client_ca_pem)) {
    return "--web.config.file: " + error;
  }
  options.client_auth = ToClientAuth(tls.client_auth_type);
  options.min_version = ToTlsVersion(tls.min_version);
  options.max_version = ToTlsVersion(tls.max_version);
  for (const uint16_t id : tls.cipher_suites) {
    options.cipher_suites.emplace_back(CipherSuiteName(id));
  }
  for (const uint16_t id : tls.curve_preferences) options.curves.emplace_back(CurveName(id));
  options.prefer_server_cipher_suites = tls.prefer_server_cipher_suites;
  if (std::string problem = HttpServer::CheckTls(options); !problem.empty()) {
    return "--web.config.file: " + problem;
  }
  return options;
}

}  // namespace

std::variant<HttpServerOptions, std::string> HttpServerOptionsFromConfig(const Config& config) {
  HttpServerOptions options;
  for (const ListenAddress& address : config.web.listen_addresses) {
    options.listen_addresses.push_back(address.ToString());
  }
  options.enable_lifecycle = config.web_enable_lifecycle;
  const WebSecurityConfig& security = config.web.security;
  if (security.tls) {
    auto tls = TlsOptions(*security.tls);
    if (auto* error = std::get_if<std::string>(&tls)) return std::move(*error);
    options.tls = std::move(std::get<HttpTlsOptions>(tls));
  }
  options.headers = security.headers;
  if (!security.basic_auth_users.empty()) {
    // Shared by the hook's copies; its cache of checked credentials lives as long as they do.
    auto users = std::make_shared<const BasicAuthUsers>(
        BasicAuthUsers::Users(security.basic_auth_users.begin(), security.basic_auth_users.end()));
    options.authenticate = [users](std::string_view user, std::string_view password) {
      return users->Check(user, password);
    };
  }
  return options;
}

}  // namespace netif
