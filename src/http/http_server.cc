#include "http/http_server.h"

#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "http/basic_auth.h"
#include "http/gzip.h"
#include "http/gzip_encoding.h"
#include "http/gzip_reader.h"
#include "http/listen_socket.h"
#include "http/page_assets.h"
#include "util/log.h"
#include "util/work_pool.h"

namespace netif {
namespace {

constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
constexpr const char* kReadOnlyMethods = "GET, HEAD, OPTIONS";

// Generous for any real client (Prometheus sends a few hundred bytes of headers): a request line
// and headers longer than this get 431. Also what an idle connection may hold at most.
constexpr std::size_t kConnectionMemoryLimit = 32 * 1024;
// Connections per daemon, far above what scrapers need. libmicrohttpd splits the limit evenly
// between the pool threads, but which thread accepts a connection is the kernel's choice, so the
// limit leaves each thread room for 4096. Past RLIMIT_NOFILE accept() fails and libmicrohttpd
// pauses accepting until a connection closes.
constexpr unsigned kConnectionLimitPerThread = 4096;
// A scraper without gzip gets the text inflated in pieces of this size, each when its socket has
// room: small enough that one piece is a fraction of a millisecond on the polling thread, large
// enough that a big body takes few calls. libmicrohttpd holds one such buffer per response.
constexpr std::size_t kInflatedPieceBytes = 64 * 1024;
// Below this much text (the last scrape's), a scraper without gzip gets the text rendered as it
// is: then the text costs less memory than the zlib streams that deflating and inflating it take,
// and a small scrape is not slowed down by them.
constexpr uint64_t kPlainRenderMaxBytes = 1 << 20;
// The socket send buffer of such a response. Left to itself the kernel grows it to tcp_wmem's
// maximum of text queued for a client that never reads, memory a cgroup v2 counts
// against the exporter's limit; this bounds it (the kernel doubles the value for its overhead)
// and still fills a fast link. gzip responses keep the kernel's tuning: they queue at most their
// compressed body.
constexpr int kInflatedSendBufferBytes = 256 * 1024;
// Idle keep-alive connections are closed after this long: Prometheus scrapes every 15-60 s and
// reuses its connection, and an idle connection costs only its socket and buffer.
constexpr unsigned kConnectionTimeoutSeconds = 120;

// What a reload may change and a request reads: one immutable version at a time.
struct Settings {
  std::function<bool(std::string_view, std::string_view)> authenticate;
  std::vector<std::pair<std::string, std::string>> headers;
  bool enable_lifecycle = false;
  int max_metrics_requests = 40;
  std::size_t max_metrics_body_bytes = 32 << 20;
};

std::shared_ptr<const Settings> SettingsOf(const HttpServerOptions& options) {
  auto settings = std::make_shared<Settings>();
  settings->authenticate = options.authenticate;
  settings->headers = options.headers;
  settings->enable_lifecycle = options.enable_lifecycle;
  settings->max_metrics_requests = options.max_metrics_requests;
  settings->max_metrics_body_bytes = options.max_metrics_body_bytes;
  return settings;
}

// The /metrics bodies held until their responses are sent, and their bytes.
class HeldBodies {
 public:
  // Counts a body of `bytes` as held, or returns false when it does not fit in `max_bytes`
  // beside those held. The first kAlwaysHeld bodies fit whatever their size: on an exporter whose
  // compressed body is larger than the budget, two Prometheus servers scraping at the same moment
  // must both be answered.
  bool TryHold(std::size_t bytes, std::size_t max_bytes) {
    std::lock_guard lock(mutex_);
    if (count_ >= kAlwaysHeld && bytes_ + bytes > max_bytes) return false;
    ++count_;
    bytes_ += bytes;
    return true;
  }
  void Release(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    --count_;
    bytes_ -= bytes;
  }

 private:
  static constexpr int kAlwaysHeld = 2;
  std::mutex mutex_;
  int count_ = 0;
  std::size_t bytes_ = 0;
};

// Shared by every daemon of a server and outliving them: what the libmicrohttpd callbacks get.
struct ServerState {
  HttpCallbacks callbacks;
  std::atomic<int> metrics_in_flight{0};
  HeldBodies metrics_bodies;  // held for /metrics responses in flight
  // Of the last /metrics body rendered; unknown before the first (then the body is deflated).
  std::atomic<uint64_t> last_text_length{UINT64_MAX};
  mutable std::mutex mutex;  // guards the two below
  std::shared_ptr<const Settings> settings;
  std::string last_library_message;  // the start error libmicrohttpd logged, for Start's reply

  std::shared_ptr<const Settings> CurrentSettings() const {
    std::lock_guard lock(mutex);
    return settings;
  }
};

// A request's context points at the first once its headers are read, at the second while it holds
// one of the max_metrics_requests slots (the completion callback gives the slot back).
char kHeadersSeen;
char kHoldsMetricsSlot;

// The request's path: a request in absolute form ("GET http://host/metrics HTTP/1.1", RFC 9112
// section 3.2.2) is routed by its path, as Go's net/http does. libmicrohttpd has already cut off
// the query.
std::string_view PathOf(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.size() < scheme.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < scheme.size() && same; ++i) {
      same = (url[i] | 0x20) == scheme[i] || url[i] == scheme[i];
    }
    if (!same) continue;
    const std::string_view rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  return url;
}

void FreeString(void* body) { delete static_cast<std::string*>(body); }

struct Header {
  const char* name;
  std::string value;
};

// Adds the headers to `response` and queues it (its reference is given up either way).
MHD_Result Queue(MHD_Connection* connection, const Settings* settings, unsigned status,
                 std::string_view content_type, MHD_Response* response,
                 std::initializer_list<Header> extra) {
  if (response == nullptr) return MHD_NO;  // out of memory: libmicrohttpd closes the connection
  if (!content_type.empty()) {
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            std::string(content_type).c_str());
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
  for (const Header& header : extra) {
    MHD_add_response_header(response, header.name, header.value.c_str());
  }
  if (settings != nullptr) {
    for (const auto& [name, value] : settings->headers) {
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
  }
  const MHD_Result result = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return result;
}

// Queues a response with a Content-Length (libmicrohttpd sends no body for HEAD).
MHD_Result Respond(MHD_Connection* connection, const Settings* settings, unsigned status,
                   std::string_view content_type, std::string body,
                   std::initializer_list<Header> extra = {}) {
  auto* owned = new std::string(std::move(body));
  MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
      owned->size(), owned->data(), &FreeString, owned);
  if (response == nullptr) delete owned;
  return Queue(connection, settings, status, content_type, response, extra);
}

MHD_Result RespondText(MHD_Connection* connection, const Settings& settings, unsigned status,
                       std::string body, std::initializer_list<Header> extra = {}) {
  return Respond(connection, &settings, status, kTextContentType, std::move(body), extra);
}

// A rendered /metrics body: a gzip member, or the text itself (small and for a scraper without
// gzip, or when deflating failed).
struct RenderedMetrics {
  std::string bytes;
  bool gzip = false;
  uint64_t text_length = 0;
};

// Renders the exposition, its segments rendered (and deflated, when `deflate`) on the shared pool.
RenderedMetrics RenderMetrics(const HttpCallbacks& callbacks, const MetricsQuery& query,
                              bool deflate) {
  RenderedMetrics rendered;
  const SegmentEncoding::Sink append = [&rendered](std::string_view piece) {
    rendered.bytes.append(piece);
  };
  if (deflate) {
    GzipEncoding deflated;
    SegmentedBody segmented(WorkPool::Shared(), deflated, append);
    callbacks.render_metrics(segmented, query);
    if (segmented.Finish()) {
      rendered.gzip = true;
      rendered.text_length = deflated.text_length();
      return rendered;
    }
  }
  // The text as it is: asked for, or zlib was out of memory (what it deflated goes).
  rendered.bytes = std::string();
  IdentityEncoding identity;
  SegmentedBody segmented(WorkPool::Shared(), identity, append);
  callbacks.render_metrics(segmented, query);
  segmented.Finish();
  rendered.text_length = rendered.bytes.size();
  return rendered;
}

// A /metrics body held until libmicrohttpd is done with its response, counted against
// max_metrics_body_bytes meanwhile. For a scraper without gzip, `reader` inflates `bytes`.
struct MetricsBody {
  MetricsBody(ServerState& server, std::string held) : server(server), bytes(std::move(held)) {}
  ~MetricsBody() { server.metrics_bodies.Release(bytes.size()); }
  MetricsBody(const MetricsBody&) = delete;
  MetricsBody& operator=(const MetricsBody&) = delete;

  ServerState& server;
  const std::string bytes;
  std::optional<GunzipReader> reader;
};

void LimitSendBuffer(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (info == nullptr) return;
  const int bytes = kInflatedSendBufferBytes;
  ::setsockopt(info->connect_fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

void FreeMetricsBody(void* body) { delete static_cast<MetricsBody*>(body); }

// libmicrohttpd asks for the next piece of a non-gzip body when the client's socket has room.
ssize_t ReadInflated(void* cls, uint64_t, char* out, size_t capacity) {
  auto& body = *static_cast<MetricsBody*>(cls);
  const std::optional<std::size_t> read = body.reader->Read(out, capacity);
  // It asks only for bytes within the length announced: running short cannot happen with the
  // member we deflated, and closes the connection if it did.
  if (!read || *read == 0) return MHD_CONTENT_READER_END_WITH_ERROR;
  return static_cast<ssize_t>(*read);
}

// The whole body is rendered before the first byte goes out: libmicrohttpd pulls a body from the
// thread that polls many connections, so a body still being rendered would stall them all. It is
// held compressed: a client that does not accept gzip gets the text inflated piece by piece as
// its socket takes it, so a client that never reads pins the compressed body (counted against
// max_metrics_body_bytes) and one zlib stream, never the whole text (unless that text is small).
// The query's `collect[]` values (libmicrohttpd has decoded keys and values; a repeated key is
// listed once per occurrence).
MetricsQuery QueryOf(MHD_Connection* connection) {
  MetricsQuery query;
  MHD_get_connection_values(
      connection, MHD_GET_ARGUMENT_KIND,
      [](void* cls, MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
        if (key != nullptr && std::string_view(key) == "collect[]") {
          static_cast<MetricsQuery*>(cls)->collect.emplace_back(value == nullptr ? "" : value);
        }
        return MHD_YES;
      },
      &query);
  return query;
}

MHD_Result ServeMetrics(ServerState& server, const Settings& settings, MHD_Connection* connection,
                        void** request_context) {
  const MetricsQuery query = QueryOf(connection);
  if (server.callbacks.check_metrics_query) {
    if (std::string error = server.callbacks.check_metrics_query(query); !error.empty()) {
      return RespondText(connection, settings, MHD_HTTP_BAD_REQUEST, error + "\n");
    }
  }
  if (server.metrics_in_flight.fetch_add(1) >= settings.max_metrics_requests) {
    server.metrics_in_flight.fetch_sub(1);
    return RespondText(connection, settings, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "Too many concurrent scrapes; try again later.\n");
  }
  *request_context = &kHoldsMetricsSlot;
  const char* accept =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  const bool accepts_gzip = accept != nullptr && AcceptsGzip(accept);
  const bool deflate = accepts_gzip || server.last_text_length.load() >= kPlainRenderMaxBytes;
  RenderedMetrics rendered = RenderMetrics(server.callbacks, query, deflate);
  server.last_text_length.store(rendered.text_length);
  if (!server.metrics_bodies.TryHold(rendered.bytes.size(), settings.max_metrics_body_bytes)) {
    return RespondText(connection, settings, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "Too many scrapes in flight; try again later.\n");
  }
  auto* body = new MetricsBody(server, std::move(rendered.bytes));
  MHD_Response* response = nullptr;
  if (rendered.gzip && !accepts_gzip) {
    body->reader.emplace(body->bytes);
    LimitSendBuffer(connection);
    response = MHD_create_response_from_callback(rendered.text_length, kInflatedPieceBytes,
                                                 &ReadInflated, body, &FreeMetricsBody);
  } else {
    response = MHD_create_response_from_buffer_with_free_callback_cls(
        body->bytes.size(), const_cast<char*>(body->bytes.data()), &FreeMetricsBody, body);
  }
  if (response == nullptr) {
    delete body;
    return MHD_NO;
  }
  if (rendered.gzip && accepts_gzip) {
    return Queue(connection, &settings, MHD_HTTP_OK, kExpositionContentType, response,
                 {{MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip"}});
  }
  return Queue(connection, &settings, MHD_HTTP_OK, kExpositionContentType, response, {});
}

MHD_Result ServeReload(ServerState& server, const Settings& settings, MHD_Connection* connection) {
  if (!settings.enable_lifecycle) {
    return RespondText(connection, settings, MHD_HTTP_FORBIDDEN, "Lifecycle API is not enabled.\n");
  }
  const std::string error = server.callbacks.reload ? server.callbacks.reload() : "";
  if (!error.empty()) {
    return RespondText(connection, settings, MHD_HTTP_INTERNAL_SERVER_ERROR,
                       "failed to reload config: " + error + "\n");
  }
  return RespondText(connection, settings, MHD_HTTP_OK, "");
}

// True when the request may go on; otherwise a 401 is queued in `result`.
bool Authorized(const Settings& settings, MHD_Connection* connection, MHD_Result* result) {
  if (!settings.authenticate) return true;
  const char* header =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (header != nullptr) {
    const auto credentials = ParseBasicAuthorization(header);
    if (credentials && settings.authenticate(credentials->user, credentials->password)) {
      return true;
    }
  }
  *result = RespondText(connection, settings, MHD_HTTP_UNAUTHORIZED, "Unauthorized\n",
                        {{MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"netif_exporter\""}});
  return false;
}

// The read-only endpoints answer GET and HEAD; OPTIONS lists them; anything else is 405.
std::optional<MHD_Result> RejectedMethod(const Settings& settings, MHD_Connection* connection,
                                         std::string_view method) {
  if (method == MHD_HTTP_METHOD_GET || method == MHD_HTTP_METHOD_HEAD) return std::nullopt;
  if (method == MHD_HTTP_METHOD_OPTIONS) {
    return Respond(connection, &settings, MHD_HTTP_NO_CONTENT, "", "",
                   {{MHD_HTTP_HEADER_ALLOW, kReadOnlyMethods}});
  }
  return RespondText(connection, settings, MHD_HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed\n",
                     {{MHD_HTTP_HEADER_ALLOW, kReadOnlyMethods}});
}

// The page's own files: static bytes, sent without a copy.
MHD_Result ServePageAsset(const Settings& settings, MHD_Connection* connection,
                          const PageAsset& asset) {
  MHD_Response* response = MHD_create_response_from_buffer(
      asset.body.size(), const_cast<char*>(asset.body.data()), MHD_RESPMEM_PERSISTENT);
  return Queue(connection, &settings, MHD_HTTP_OK, asset.content_type, response,
               {{"Content-Security-Policy", std::string(kPageContentSecurityPolicy)},
                {"X-Content-Type-Options", "nosniff"},
                {"Referrer-Policy", "no-referrer"}});
}

// /api/v1/...: the app renders the JSON from the latest snapshot; a path it does not know is 404.
MHD_Result ServeApi(const ServerState& server, const Settings& settings, MHD_Connection* connection,
                    std::string_view path) {
  std::optional<std::string> body;
  if (server.callbacks.render_api) body = server.callbacks.render_api(path);
  if (!body) {
    return Respond(connection, &settings, MHD_HTTP_NOT_FOUND, "application/json",
                   "{\"error\":\"no such API endpoint\"}\n");
  }
  const char* accept =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  std::optional<std::string> gzip;
  if (accept != nullptr && AcceptsGzip(accept)) gzip = GzipText(*body);
  return Respond(connection, &settings, MHD_HTTP_OK, "application/json",
                 gzip ? std::move(*gzip) : std::move(*body),
                 {{"Content-Security-Policy", std::string(kPageContentSecurityPolicy)},
                  {"X-Content-Type-Options", "nosniff"},
                  {MHD_HTTP_HEADER_VARY, "Accept-Encoding"},
                  {MHD_HTTP_HEADER_CONTENT_ENCODING, gzip ? "gzip" : "identity"}});
}

// RFC 9110 token characters: what Go's net/http accepts in a method (400 otherwise).
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// libmicrohttpd's access handler. It is called when the headers are in (the request context is
// still null), then for each piece of a body, then once more with none left: the answer is given
// on that last call. Answering earlier would make libmicrohttpd close the connection after the
// response ("Connection: close"), and Prometheus could not keep its connection between scrapes.
// No endpoint reads a body: one is skipped.
MHD_Result HandleRequest(void* cls, MHD_Connection* connection, const char* url,
                         const char* method_text, const char*, const char*,
                         size_t* upload_data_size, void** request_context) {
  if (*request_context == nullptr) {
    *request_context = &kHeadersSeen;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  ServerState& server = *static_cast<ServerState*>(cls);
  const std::string_view method = method_text;
  if (!IsToken(method)) {
    // Closed afterwards, as Go does after a malformed request: what follows is not trusted.
    return Respond(connection, nullptr, MHD_HTTP_BAD_REQUEST, kTextContentType,
                   "400 Bad Request: invalid method\n", {{MHD_HTTP_HEADER_CONNECTION, "close"}});
  }
  // Go answers "OPTIONS *" itself, before any handler (or auth): 200 with an empty body.
  if (method == MHD_HTTP_METHOD_OPTIONS && std::string_view(url) == "*") {
    return Respond(connection, nullptr, MHD_HTTP_OK, "", "");
  }
  const auto settings = server.CurrentSettings();
  MHD_Result result = MHD_NO;
  if (!Authorized(*settings, connection, &result)) return result;
  const std::string_view path = PathOf(url);
  if (path == "/-/reload") {
    if (method == MHD_HTTP_METHOD_POST || method == MHD_HTTP_METHOD_PUT) {
      return ServeReload(server, *settings, connection);
    }
    return RespondText(connection, *settings, MHD_HTTP_METHOD_NOT_ALLOWED,
                       "This endpoint requires a POST or PUT request.\n",
                       {{MHD_HTTP_HEADER_ALLOW, "POST, PUT"}});
  }
  const PageAsset* asset = FindPageAsset(path);
  const bool api = path.starts_with("/api/");
  const bool known =
      asset != nullptr || api || path == "/metrics" || path == "/-/healthy" || path == "/-/ready";
  if (!known) return RespondText(connection, *settings, MHD_HTTP_NOT_FOUND, "404 page not found\n");
  if (auto rejected = RejectedMethod(*settings, connection, method)) return *rejected;
  if (path == "/metrics") return ServeMetrics(server, *settings, connection, request_context);
  if (asset != nullptr) return ServePageAsset(*settings, connection, *asset);
  if (api) return ServeApi(server, *settings, connection, path);
  if (path == "/-/healthy") return RespondText(connection, *settings, MHD_HTTP_OK, "Healthy\n");
  if (server.callbacks.ready && !server.callbacks.ready()) {
    return RespondText(connection, *settings, MHD_HTTP_SERVICE_UNAVAILABLE, "Not ready\n");
  }
  return RespondText(connection, *settings, MHD_HTTP_OK, "Ready\n");
}

// Called once a request ends, whether its response was sent or the client went away.
void RequestCompleted(void* cls, MHD_Connection*, void** request_context,
                      MHD_RequestTerminationCode) {
  if (*request_context == &kHoldsMetricsSlot) {
    static_cast<ServerState*>(cls)->metrics_in_flight.fetch_sub(1);
    *request_context = nullptr;
  }
}

// libmicrohttpd's own messages (a failed accept, a TLS handshake error, a malformed request) say
// what a client did, never what it sent: debug level. The last one explains a failed start.
void LogLibraryMessage(void* cls, const char* format, va_list arguments) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, arguments);
  std::string_view message(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  auto& server = *static_cast<ServerState*>(cls);
  {
    std::lock_guard lock(server.mutex);
    server.last_library_message = std::string(message);
  }
  LogDebug("http server", {{"detail", message}});
}

// Client certificates, per Go's modes. libmicrohttpd only asks for one (and never checks it) when
// it has a trust list, so each TLS connection's GnuTLS session is set up here, before the
// handshake: a mode that requires a certificate fails the handshake without one, and a verifying
// mode fails it when the certificate does not chain to client_ca_pem.
int VerifyPeerIfGiven(gnutls_session_t session) {
  unsigned count = 0;
  if (gnutls_certificate_get_peers(session, &count) == nullptr || count == 0) return 0;
  unsigned status = 0;
  if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS) return -1;
  return status == 0 ? 0 : -1;
}

int VerifyPeer(gnutls_session_t session) {
  unsigned count = 0;
  if (gnutls_certificate_get_peers(session, &count) == nullptr || count == 0) return -1;
  return VerifyPeerIfGiven(session);
}

constexpr ClientAuth kClientAuthModes[] = {
    ClientAuth::kNoClientCert, ClientAuth::kRequestClientCert, ClientAuth::kRequireAnyClientCert,
    ClientAuth::kVerifyClientCertIfGiven, ClientAuth::kRequireAndVerifyClientCert};

void SetUpTlsSession(void* cls, MHD_Connection* connection, void**,
                     MHD_ConnectionNotificationCode code) {
  if (code != MHD_CONNECTION_NOTIFY_STARTED) return;
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (info == nullptr || info->tls_session == nullptr) return;
  auto session = static_cast<gnutls_session_t>(info->tls_session);
  switch (*static_cast<const ClientAuth*>(cls)) {
    case ClientAuth::kNoClientCert:
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_IGNORE);
      break;
    case ClientAuth::kRequestClientCert:
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST);
      break;
    case ClientAuth::kRequireAnyClientCert:
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST);
      gnutls_session_set_verify_function(session, &VerifyPeerIfGiven);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
      gnutls_session_set_verify_function(session, &VerifyPeer);
      break;
  }
}

// Go raises the soft open-files limit to the hard one at start; each connection is a descriptor,
// and the default soft limit (1024) would refuse connections long before the connection limit.
void RaiseOpenFilesLimit() {
  static std::once_flag raised;
  std::call_once(raised, [] {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
  });
}

// TLS material and priority of one daemon generation; the strings must outlive the daemon.
struct TlsMaterial {
  HttpTlsOptions options;
  std::string priority;
};

// A daemon serving the listening socket `fd`, or null with the reason in `error`. The daemon gets
// a duplicate of `fd` (libmicrohttpd closes the socket it was given when it fails to start), so
// the socket itself stays open for the next daemon whatever happens to this one.
MHD_Daemon* StartDaemon(ServerState& server, int listen_fd, const TlsMaterial* tls, int threads,
                        std::string* error) {
  const int fd = ::fcntl(listen_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("cannot duplicate the listening socket: ") + std::strerror(errno);
    return nullptr;
  }
  unsigned flags =
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  std::vector<MHD_OptionItem> items = {
      // First, so that libmicrohttpd's messages about the other options come here too.
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&LogLibraryMessage), &server},
      {MHD_OPTION_LISTEN_SOCKET, fd, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, kConnectionLimitPerThread * std::max(threads, 1), nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(kConnectionMemoryLimit), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutSeconds, nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&RequestCompleted), &server},
  };
  if (threads > 1) items.push_back({MHD_OPTION_THREAD_POOL_SIZE, threads, nullptr});
  if (tls != nullptr) {
    flags |= MHD_USE_TLS;
    const HttpTlsOptions& options = tls->options;
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(options.cert_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(options.key_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(tls->priority.c_str())});
    const bool verifies = options.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                          options.client_auth == ClientAuth::kRequireAndVerifyClientCert;
    if (verifies) {
      items.push_back(
          {MHD_OPTION_HTTPS_MEM_TRUST, 0, const_cast<char*>(options.client_ca_pem.c_str())});
    }
    items.push_back(
        {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&SetUpTlsSession),
         const_cast<ClientAuth*>(&kClientAuthModes[static_cast<int>(options.client_auth)])});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  {
    std::lock_guard lock(server.mutex);
    server.last_library_message.clear();
  }
  MHD_Daemon* daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &HandleRequest, &server,
                                        MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END);
  if (daemon == nullptr) {
    std::lock_guard lock(server.mutex);
    *error = server.last_library_message.empty() ? "libmicrohttpd could not start"
                                                 : server.last_library_message;
  }
  return daemon;
}

// Stops a daemon, waiting for its threads; its connections are closed. It is quiesced first:
// stopping calls shutdown() on its listening socket, which would end listening for the other
// duplicates too. Its duplicate is closed here instead.
void StopDaemon(MHD_Daemon* daemon) {
  const MHD_socket fd = MHD_quiesce_daemon(daemon);
  MHD_stop_daemon(daemon);
  if (fd != MHD_INVALID_SOCKET) ::close(fd);
}

std::optional<TlsMaterial> MakeTlsMaterial(const HttpTlsOptions& options, std::string* error) {
  if (options.client_auth == ClientAuth::kRequireAndVerifyClientCert ||
      options.client_auth == ClientAuth::kVerifyClientCertIfGiven) {
    if (options.client_ca_pem.empty()) {
      *error = "client certificate verification needs a client CA";
      return std::nullopt;
    }
  }
  auto priority = TlsPriorityString(options, error);
  if (!priority) return std::nullopt;
  return TlsMaterial{options, std::move(*priority)};
}

}  // namespace

struct HttpServer::Impl {
  ServerState state;
  std::vector<std::string> listen_addresses;
  int threads = 4;
  std::vector<ListenSocket> sockets;
  std::unique_ptr<TlsMaterial> tls;  // null: plain HTTP
  std::vector<MHD_Daemon*> daemons;  // one per socket, same order

  // Daemons on every socket with `material`, or an error (none left running then).
  std::variant<std::vector<MHD_Daemon*>, std::string> StartDaemons(const TlsMaterial* material) {
    std::vector<MHD_Daemon*> started;
    for (std::size_t i = 0; i < sockets.size(); ++i) {
      std::string error;
      MHD_Daemon* daemon = StartDaemon(state, sockets[i].fd(), material, threads, &error);
      if (daemon == nullptr) {
        for (MHD_Daemon* running : started) StopDaemon(running);
        return "cannot serve on \"" + listen_addresses[i] + "\": " + error;
      }
      started.push_back(daemon);
    }
    return started;
  }

  ~Impl() {
    for (MHD_Daemon* daemon : daemons) StopDaemon(daemon);
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

std::variant<std::unique_ptr<HttpServer>, std::string> HttpServer::Start(HttpServerOptions options,
                                                                         HttpCallbacks callbacks) {
  RaiseOpenFilesLimit();
  if (options.listen_addresses.empty()) return std::string("no listen address");
  auto impl = std::make_unique<Impl>();
  impl->state.callbacks = std::move(callbacks);
  impl->state.settings = SettingsOf(options);
  impl->listen_addresses = options.listen_addresses;
  impl->threads = options.threads;
  if (options.tls) {
    std::string error;
    auto material = MakeTlsMaterial(*options.tls, &error);
    if (!material) return "TLS: " + error;
    impl->tls = std::make_unique<TlsMaterial>(std::move(*material));
  }
  for (const std::string& text : options.listen_addresses) {
    std::string error;
    const auto address = ParseHttpListenAddress(text, &error);
    if (!address) return "listen address \"" + text + "\": " + error;
    auto socket = ListenSocket::Open(*address);
    if (auto* failure = std::get_if<std::string>(&socket)) {
      return "cannot listen on \"" + text + "\": " + *failure;
    }
    impl->sockets.push_back(std::move(std::get<ListenSocket>(socket)));
  }
  auto daemons = impl->StartDaemons(impl->tls.get());
  if (auto* error = std::get_if<std::string>(&daemons)) return *error;
  impl->daemons = std::move(std::get<0>(daemons));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::Reconfigure(HttpServerOptions options) {
  if (options.listen_addresses != impl_->listen_addresses) {
    return "the listen addresses cannot change without a restart";
  }
  const bool tls_changed = static_cast<bool>(options.tls) != static_cast<bool>(impl_->tls) ||
                           (options.tls && !(*options.tls == impl_->tls->options));
  if (tls_changed) {
    std::unique_ptr<TlsMaterial> material;
    if (options.tls) {
      std::string error;
      auto made = MakeTlsMaterial(*options.tls, &error);
      if (!made) return "TLS: " + error;
      material = std::make_unique<TlsMaterial>(std::move(*made));
    }
    // The new daemons start on the same sockets while the old ones still accept (both poll the
    // socket; either may take a connection), so the port never stops answering; then the old
    // ones stop. A new daemon that fails leaves the old ones in place.
    auto started = impl_->StartDaemons(material.get());
    if (auto* error = std::get_if<std::string>(&started)) return *error;
    for (MHD_Daemon* daemon : impl_->daemons) StopDaemon(daemon);
    impl_->daemons = std::move(std::get<0>(started));
    impl_->tls = std::move(material);
  }
  auto settings = SettingsOf(options);
  std::lock_guard lock(impl_->state.mutex);
  impl_->state.settings = std::move(settings);
  return "";
}

std::string HttpServer::CheckTls(const HttpTlsOptions& tls) {
  std::string error;
  return MakeTlsMaterial(tls, &error) ? std::string() : "TLS: " + error;
}

std::vector<int> HttpServer::BoundPorts() const {
  std::vector<int> ports;
  for (const ListenSocket& socket : impl_->sockets) ports.push_back(socket.port());
  return ports;
}

}  // namespace netif
