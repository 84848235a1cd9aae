#!/usr/bin/env python3
"""Issue 16: what scrapers that never read cost one exporter binary, and what a scrape costs.

For each interface count in INTERFACES, on a generated --path.procfs/--path.sysfs fixture tree
(netlink off, so only the fixture's interfaces), BINARY is started on 127.0.0.1:PORT and
  (a) RSS at rest (VmRSS, after a few collection passes);
  (b) scrape latency: SCRAPES sequential scrapes over one keep-alive connection, as Prometheus
      scrapes (HTTP/1.1, Accept-Encoding: gzip), then as many without gzip; p50 and p90 in ms,
      request sent to last byte read, and the body sizes;
  (c) HTTP10 HTTP/1.0 and HTTP11 HTTP/1.1 connections (no gzip) that send GET /metrics and never
      read (a 4 KiB receive buffer): once each has the start of its response (or 20 s passed),
      VmRSS, VmHWM, whether the process is alive, the status of one more scrape, and how many of
      the clients were answered 200 (the others 503: over a cap).
With --memory-limit (root), the exporter runs in a cgroup of its own with that memory limit
(cgroup v2 memory.max, or v1 memory.limit_in_bytes), and the cgroup's peak and OOM kills are
reported too. Prints one JSON object per interface count. Python standard library only; loopback
only; every child is killed and every cgroup and fixture removed on exit.

  bench/http/memory.py build/release/netif_exporter --interfaces 5000,7000 --http10 8 --http11 0
  bench/http/memory.py build/release/netif_exporter --interfaces 7000 --memory-limit 128M
"""
import argparse, http.client, json, os, shutil, signal, socket, statistics, subprocess, sys
import tempfile, time


def write_fixture(root, count):
    """/proc/net/dev and /sys/class/net/<dev>/* for `count` up, full-duplex 10G interfaces."""
    os.makedirs(f"{root}/proc/net")
    lines = ["Inter-|   Receive                                                |  Transmit",
             " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
             "errs drop fifo colls carrier compressed"]
    for i in range(count):
        name = f"veth{i}"
        counters = [i * 1000 + 7, i * 10 + 1, 0, i % 3, 0, 0, 0, i % 5,
                    i * 2000 + 9, i * 20 + 3, 0, 0, 0, 0, 0, 0]
        lines.append(f"{name:>6}: " + " ".join(str(v) for v in counters))
        directory = f"{root}/sys/class/net/{name}"
        os.makedirs(directory)
        attributes = {"operstate": "up", "carrier": "1", "ifindex": str(i + 2),
                      "iflink": str(i + 2), "mtu": "1500", "flags": "0x1003", "type": "1",
                      "address": "02:00:%02x:%02x:%02x:01" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                      "speed": "10000", "duplex": "full", "carrier_changes": "2",
                      "carrier_up_count": "1", "carrier_down_count": "1", "ifalias": ""}
        for attribute, value in attributes.items():
            with open(f"{directory}/{attribute}", "w") as f:
                f.write(value + "\n")
    with open(f"{root}/proc/net/dev", "w") as f:
        f.write("\n".join(lines) + "\n")


class Cgroup:
    """A memory-limited cgroup (v2 if a v2 hierarchy has the memory controller, else v1)."""

    def __init__(self, limit_bytes):
        name = f"netif-http-bench-{os.getpid()}"
        v2 = "/sys/fs/cgroup"
        if os.path.exists(f"{v2}/cgroup.controllers"):
            with open(f"{v2}/cgroup.controllers") as f:
                if "memory" not in f.read().split():
                    raise SystemExit("cgroup v2 without the memory controller")
            self.v2, self.path = True, f"{v2}/{name}"
        else:
            self.v2, self.path = False, f"/sys/fs/cgroup/memory/{name}"
        os.mkdir(self.path)
        self.write("memory.max" if self.v2 else "memory.limit_in_bytes", str(limit_bytes))
        if not self.v2 and os.path.exists(f"{self.path}/memory.memsw.limit_in_bytes"):
            self.write("memory.memsw.limit_in_bytes", str(limit_bytes))  # no swap either

    def write(self, name, value):
        with open(f"{self.path}/{name}", "w") as f:
            f.write(value)

    def read(self, name):
        try:
            with open(f"{self.path}/{name}") as f:
                return f.read()
        except OSError:
            return None

    def procs_file(self):
        return f"{self.path}/cgroup.procs"

    def peak_bytes(self):
        value = self.read("memory.peak" if self.v2 else "memory.max_usage_in_bytes")
        return int(value) if value else None

    def oom_kills(self):
        text = self.read("memory.events" if self.v2 else "memory.oom_control") or ""
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return None

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.1)


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def scrape_once(port, gzip=False, timeout=10):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/metrics", headers={"Accept-Encoding": "gzip"} if gzip else {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body
    except OSError:
        return None, b""


def latency(port, scrapes, gzip):
    """p50/p90 ms over one keep-alive connection, and the body size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    times, size = [], 0
    for i in range(scrapes + 3):
        start = time.perf_counter()
        conn.request("GET", "/metrics", headers=headers)
        response = conn.getresponse()
        body = response.read()
        took = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"scrape answered {response.status}")
        size = len(body)
        if i >= 3:  # the first ones warm up
            times.append(took)
    conn.close()
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 1), "bytes": size}


def never_reading(port, version):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    request = "GET /metrics HTTP/1.0\r\n\r\n" if version == "1.0" else \
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
    s.sendall(request.encode())
    return s


def response_started(s):
    try:
        return len(s.recv(16, socket.MSG_PEEK | socket.MSG_DONTWAIT)) > 0
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset: the exporter is gone, nothing more to wait for


def answered_200(s):
    try:
        return s.recv(12, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"HTTP/1.1 200"
    except OSError:
        return False


def run(args, count, work):
    fixture = f"{work}/fixture{count}"
    write_fixture(fixture, count)
    with open(f"{work}/config.yml", "w") as f:
        f.write("local:\n  netlink: false\n")
    cgroup = Cgroup(args.memory_limit) if args.memory_limit else None
    command = [args.binary, "--config.file", f"{work}/config.yml", "--path.procfs",
               f"{fixture}/proc", "--path.sysfs", f"{fixture}/sys",
               f"--web.listen-address=127.0.0.1:{args.port}", "--log.level=warn"]
    if cgroup:  # in the cgroup before exec, so that everything it allocates is counted there
        command = ["/bin/sh", "-c", f'echo $$ > {cgroup.procs_file()} && exec "$@"', "sh"] + command
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clients = []
    try:
        for _ in range(200):
            if scrape_once(args.port, timeout=1)[0] == 200:
                break
            time.sleep(0.1)
        time.sleep(3)  # a few collection passes, and the spare scrape chunks given back
        result = {"binary": args.binary, "interfaces": count,
                  "rss_at_rest_mib": round(status_kib(proc.pid, "VmRSS") / 1024, 1)}
        result["gzip"] = latency(args.port, args.scrapes, True)
        result["plain"] = latency(args.port, args.scrapes, False)
        time.sleep(3)
        result["rss_before_clients_mib"] = round(status_kib(proc.pid, "VmRSS") / 1024, 1)
        for version, count in (("1.0", args.http10), ("1.1", args.http11)):
            for _ in range(count):
                clients.append(never_reading(args.port, version))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None and \
                not all(response_started(s) for s in clients):
            time.sleep(0.1)
        time.sleep(2)
        alive = proc.poll() is None
        result["never_reading_clients"] = {"http10": args.http10, "http11": args.http11}
        result["responses_started"] = sum(response_started(s) for s in clients)
        result["answered_200"] = sum(answered_200(s) for s in clients)
        result["alive"] = alive
        if alive:
            result["rss_with_clients_mib"] = round(status_kib(proc.pid, "VmRSS") / 1024, 1)
            result["rss_peak_mib"] = round(status_kib(proc.pid, "VmHWM") / 1024, 1)
            result["scrape_while_held"] = scrape_once(args.port, timeout=10)[0]
        else:
            result["exit"] = proc.returncode
        if cgroup:
            peak = cgroup.peak_bytes()
            result["cgroup"] = {"limit_mib": args.memory_limit / 1048576,
                                "peak_mib": round(peak / 1048576, 1) if peak else None,
                                "oom_kill": cgroup.oom_kills()}
        return result
    finally:
        for s in clients:
            s.close()
        proc.kill()
        proc.wait()
        if cgroup:
            cgroup.remove()
        shutil.rmtree(fixture, ignore_errors=True)


def size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--port", type=int, default=10198)
    ap.add_argument("--interfaces", default="5000,7000")
    ap.add_argument("--http10", type=int, default=8, help="HTTP/1.0 clients that never read")
    ap.add_argument("--http11", type=int, default=8, help="HTTP/1.1 clients that never read")
    ap.add_argument("--scrapes", type=int, default=30)
    ap.add_argument("--memory-limit", type=size, default=None, help="e.g. 128M (needs root)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    # tmpfs when there is one: a fixture is ~100,000 small files.
    work = tempfile.mkdtemp(prefix="netif-http-memory-",
                            dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        for count in (int(n) for n in args.interfaces.split(",")):
            print(json.dumps(run(args, count, work)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
