#include "http/page_assets.h"

#include <map>
#include <string>

namespace netif {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

std::map<std::string, PageAsset, std::less<>> MakeAssets() {
  std::map<std::string, PageAsset, std::less<>> assets;
  for (const EmbeddedFile& file : EmbeddedPageFiles()) {
    const PageAsset asset{file.bytes, ContentTypeOf(file.name)};
    if (file.name == "index.html") assets.emplace("/", asset);
    assets.emplace("/static/" + std::string(file.name), asset);
  }
  return assets;
}

}  // namespace

const PageAsset* FindPageAsset(std::string_view path) {
  static const auto assets = MakeAssets();
  const auto it = assets.find(path);
  return it == assets.end() ? nullptr : &it->second;
}

}  // namespace netif
