// libFuzzer entry point: ParseBasicAuthorization must accept any bytes without crashing, and
// what it returns must keep its header's promises: the user has no ':', and user + ':' +
// password is what the base64 token decodes to, so it is no longer than 3/4 of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "http/basic_auth.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<netif::BasicCredentials> credentials = netif::ParseBasicAuthorization(text);
  if (credentials) {
    Check(credentials->user.find(':') == std::string_view::npos);
    Check(size >= 6);  // "Basic " at least
    Check((credentials->user.size() + 1 + credentials->password.size()) * 4 <= (size - 6) * 3 + 3);
  }
  return 0;
}
