// Scratch: CPU cost of the alternatives to procfs+sysfs for one collection of every interface.
//   nl_dump_cost [runs]
// 1) RTM_GETLINK dump (all attributes the kernel sends, incl. IFLA_STATS64), parsed for name,
//    operstate, carrier, mtu and stats64; 2) RTM_GETSTATS dump with only IFLA_STATS_LINK_64;
// 3) /proc/net/dev read with an 8 KiB buffer (as RealFileReader) and with a 1 MiB buffer.
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static std::vector<char> g_buf(1 << 20);

struct Totals {
  size_t links = 0, bytes = 0, messages = 0;
  uint64_t rx = 0;
};

static Totals Dump(int type, bool stats_only) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int rcv = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  struct {
    nlmsghdr h;
    union {
      ifinfomsg ifi;
      if_stats_msg st;
    };
    char pad[64];
  } req{};
  req.h.nlmsg_type = type;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  if (stats_only) {
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(if_stats_msg));
    req.st.family = AF_UNSPEC;
    req.st.filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
  } else {
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    req.ifi.ifi_family = AF_UNSPEC;
  }
  send(fd, &req, req.h.nlmsg_len, 0);
  Totals t;
  for (bool done = false; !done;) {
    ssize_t n = recv(fd, g_buf.data(), g_buf.size(), 0);
    if (n <= 0) break;
    t.bytes += n;
    for (auto* h = reinterpret_cast<nlmsghdr*>(g_buf.data()); NLMSG_OK(h, n);
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      ++t.messages;
      if (stats_only) {
        auto* st = static_cast<if_stats_msg*>(NLMSG_DATA(h));
        int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*st));
        for (auto* a =
                 reinterpret_cast<rtattr*>(reinterpret_cast<char*>(st) + NLMSG_ALIGN(sizeof(*st)));
             RTA_OK(a, len); a = RTA_NEXT(a, len)) {
          if (a->rta_type == IFLA_STATS_LINK_64) {
            rtnl_link_stats64 s;
            std::memcpy(&s, RTA_DATA(a), sizeof s);
            t.rx += s.rx_bytes;
            ++t.links;
          }
        }
      } else {
        auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(h));
        int len = IFLA_PAYLOAD(h);
        for (auto* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
          if (a->rta_type == IFLA_STATS64) {
            rtnl_link_stats64 s;
            std::memcpy(&s, RTA_DATA(a), sizeof s);
            t.rx += s.rx_bytes;
            ++t.links;
          }
        }
      }
    }
  }
  close(fd);
  return t;
}

static size_t ReadProcNetDev(size_t chunk) {
  std::string out;
  std::vector<char> b(chunk);
  int fd = open("/proc/net/dev", O_RDONLY | O_CLOEXEC);
  for (;;) {
    ssize_t n = read(fd, b.data(), b.size());
    if (n <= 0) break;
    out.append(b.data(), n);
  }
  close(fd);
  return out.size();
}

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  auto measure = [&](const char* name, auto fn) {
    std::vector<double> ms;
    size_t info = 0;
    for (int i = 0; i < runs; ++i) {
      const double t0 = CpuMs();
      info = fn();
      ms.push_back(CpuMs() - t0);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-40s CPU median %7.2f ms  min %7.2f ms  (%zu)\n", name, ms[ms.size() / 2], ms[0],
                info);
  };
  measure("RTM_GETLINK dump (bytes)", [] { return Dump(RTM_GETLINK, false).bytes; });
  measure("RTM_GETLINK dump (links with STATS64)", [] { return Dump(RTM_GETLINK, false).links; });
  measure("RTM_GETSTATS LINK_64 dump (bytes)", [] { return Dump(RTM_GETSTATS, true).bytes; });
  measure("/proc/net/dev, 8 KiB reads (bytes)", [] { return ReadProcNetDev(8192); });
  measure("/proc/net/dev, 1 MiB reads (bytes)", [] { return ReadProcNetDev(1 << 20); });
  return 0;
}
