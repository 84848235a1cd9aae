// netif_exporter_without_netlink: runs the built netif_exporter (path compiled in) with every
// socket(AF_NETLINK, ...) refused (EACCES) by a seccomp filter, as a locked-down container may
// refuse it. The integration tests start it in place of the exporter to see the /proc/net/dev
// fallback of the local counters through a real failure, not a test hook.
//
//   netif_exporter_without_netlink [exporter flags...]
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#define NETIF_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NETIF_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "netif_exporter_without_netlink: unknown architecture for the seccomp filter"
#endif

int main(int argc, char** argv) {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETIF_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
      // The domain, args[0]: its low 32 bits (little endian) are the int the call passed.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    std::fprintf(stderr, "netif_exporter_without_netlink: seccomp: %s\n", std::strerror(errno));
    return 2;
  }
  std::vector<char*> args;
  args.push_back(const_cast<char*>(NETIF_EXPORTER_BINARY));
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(NETIF_EXPORTER_BINARY, args.data());
  std::fprintf(stderr, "netif_exporter_without_netlink: exec %s: %s\n", NETIF_EXPORTER_BINARY,
               std::strerror(errno));
  return 2;
}
