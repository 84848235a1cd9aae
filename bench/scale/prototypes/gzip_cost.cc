// Scratch: CPU cost of gzip for one exposition body: zlib (as GzipCompress: level 1, with and
// without the zero-filled deflateBound buffer) vs libdeflate levels 1..6.
#include <libdeflate.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>
static double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static size_t Zlib(const std::string& in, std::string& out, int level, int mem_level,
                   bool zero_fill) {
  z_stream s{};
  deflateInit2(&s, level, Z_DEFLATED, 31, mem_level, Z_DEFAULT_STRATEGY);
  size_t bound = deflateBound(&s, in.size());
  static std::unique_ptr<char[]> raw;
  static size_t raw_size = 0;
  char* dst;
  if (zero_fill) {
    out.resize(bound);
    dst = out.data();
  } else {
    if (raw_size < bound) {
      raw.reset(new char[bound]);
      raw_size = bound;
    }
    dst = raw.get();
  }
  s.next_in = (Bytef*)in.data();
  s.avail_in = in.size();
  s.next_out = (Bytef*)dst;
  s.avail_out = bound;
  deflate(&s, Z_FINISH);
  size_t n = s.total_out;
  deflateEnd(&s);
  return n;
}
int main(int argc, char** argv) {
  std::ifstream f(argv[1]);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string in = ss.str();
  std::string out;
  out.reserve(in.size());
  auto measure = [&](const char* name, auto fn) {
    std::vector<double> v;
    size_t n = 0;
    for (int i = 0; i < 15; ++i) {
      double t = CpuMs();
      n = fn();
      v.push_back(CpuMs() - t);
    }
    std::sort(v.begin(), v.end());
    std::printf("%-44s CPU median %6.2f ms  min %6.2f ms  -> %zu bytes\n", name, v[v.size() / 2],
                v[0], n);
  };
  std::printf("input %zu bytes\n", in.size());
  measure("zlib level 1 (GzipCompress: zero-filled out)",
          [&] { return Zlib(in, out, 1, 8, true); });
  measure("zlib level 1, no zero fill", [&] { return Zlib(in, out, 1, 8, false); });
  measure("zlib level 1, memLevel 9, no zero fill", [&] { return Zlib(in, out, 1, 9, false); });
  std::vector<char> buf(in.size() + 1024);
  for (int level : {1, 2, 3, 6}) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    char name[64];
    std::snprintf(name, sizeof name, "libdeflate level %d", level);
    measure(name, [&] {
      return libdeflate_gzip_compress(c, in.data(), in.size(), buf.data(), buf.size());
    });
    libdeflate_free_compressor(c);
  }
  measure("memcpy of the body (reference)", [&] {
    std::copy(in.begin(), in.end(), buf.begin());
    return in.size();
  });
}
