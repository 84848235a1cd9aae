// Names the calling thread as `top -H`, perf and /proc/<pid>/task/<tid>/comm show it, so an
// operator (and bench/scale) can tell collection from scrape work. Linux keeps the first 15 bytes.
//
// Thread-safety: affects the calling thread only.
#pragma once

#include <pthread.h>

#include <string>
#include <string_view>

namespace netif {

inline void NameThisThread(std::string_view name) {
  const std::string truncated(name.substr(0, 15));
  pthread_setname_np(pthread_self(), truncated.c_str());
}

}  // namespace netif
