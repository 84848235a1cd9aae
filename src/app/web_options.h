// The HTTP server's options from the configuration: the listen address, the lifecycle API, and
// what --web.config.file asks for (TLS material read from its files, basic auth users, headers).
//
// Thread-safety: pure apart from reading the TLS files; safe for concurrent use.
#pragma once

#include <string>
#include <variant>

#include "config/config.h"
#include "http/http_server.h"

namespace netif {

// The options, or a one-line error (a TLS file that cannot be read, TLS settings the server
// cannot serve). Reads the files each time, so a reload picks up a renewed certificate kept
// under the same name.
std::variant<HttpServerOptions, std::string> HttpServerOptionsFromConfig(const Config& config);

}  // namespace netif
