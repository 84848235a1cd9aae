// The status page's files (src/http/page/), compiled into the binary by cmake/EmbedFiles.cmake,
// and the headers they are served with.
//
// Thread-safety: immutable data.
#pragma once

#include <string_view>
#include <vector>

namespace netif {

struct EmbeddedFile {
  std::string_view name;  // "index.html", "app.js", ...
  std::string_view bytes;
};

// Every file of src/http/page/, by name (generated).
const std::vector<EmbeddedFile>& EmbeddedPageFiles();

struct PageAsset {
  std::string_view body;
  std::string_view content_type;
};

// What a GET of `path` serves from the page: "/" is index.html, "/static/<name>" any other file.
// Null for anything else.
const PageAsset* FindPageAsset(std::string_view path);

// Sent with the page and the API: only this origin's own scripts, styles, images and requests;
// no inline script, no frame, no form target, no plugin.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace netif
