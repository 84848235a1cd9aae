#!/usr/bin/env python3
"""Issue 16: scrape latency of two exporter binaries, A and B, side by side on the same host.

Both run at once on one generated fixture tree of INTERFACES interfaces (bench/http/memory.py's,
netlink off) and are scraped in alternation, A then B, SCRAPES times each, over one keep-alive
connection per binary: first as Prometheus scrapes (HTTP/1.1, Accept-Encoding: gzip), then without
gzip. Alternating makes a busy machine slow both alike. Prints one JSON object: p50 and p90 in
ms (request sent to last byte read) per binary and mode, the body sizes, and the exporter's CPU per
scrape (process CPU over the scrapes minus its idle rate, measured for 10 s first: steadier than
latency on a loaded machine). Python standard library only; loopback only; children killed and the
fixture removed on exit.

  bench/http/latency_ab.py OLD_BINARY NEW_BINARY --interfaces 5000 --scrapes 200
  bench/http/latency_ab.py OLD NEW --b-config 'metrics: {profile: full}'   # B's config only

--b-config adds YAML to B's configuration alone, for a key A does not know (A would refuse it).
"""
import argparse, http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import write_fixture  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def cpu_seconds(pid):
    """utime + stime of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_rates(procs, seconds=10):
    """CPU seconds per second of each exporter while nobody scrapes (its collection), so that
    what a scrape costs can be told apart from what collecting costs meanwhile."""
    before = [cpu_seconds(p.pid) for p in procs]
    start = time.monotonic()
    time.sleep(seconds)
    took = time.monotonic() - start
    return [(cpu_seconds(p.pid) - b) / took for p, b in zip(procs, before)]


def wait_until_ready(ports, procs, budget_s=120):
    """A loaded machine can take many seconds to load a 5,000-interface fixture."""
    deadline = time.monotonic() + budget_s
    for port, proc in zip(ports, procs):
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"exporter on port {port} exited with {proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/-/ready")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"exporter on port {port} not ready after {budget_s} s")
            time.sleep(0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--interfaces", type=int, default=5000)
    ap.add_argument("--scrapes", type=int, default=200)
    ap.add_argument("--ports", default="10196,10197")
    ap.add_argument("--b-config", default="", help="YAML appended to B's configuration only")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = tempfile.mkdtemp(prefix="netif-http-ab-",
                            dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    procs = []
    try:
        write_fixture(f"{work}/fixture", args.interfaces)
        for name, extra in (("a", ""), ("b", args.b_config)):
            with open(f"{work}/config-{name}.yml", "w") as f:
                f.write("local:\n  netlink: false\n" + (extra + "\n" if extra else ""))
        ports = [int(p) for p in args.ports.split(",")]
        for binary, port, name in zip((args.a, args.b), ports, ("a", "b")):
            procs.append(subprocess.Popen(
                [binary, "--config.file", f"{work}/config-{name}.yml", "--path.procfs",
                 f"{work}/fixture/proc", "--path.sysfs", f"{work}/fixture/sys",
                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_until_ready(ports, procs)
        result = {"interfaces": args.interfaces, "scrapes": args.scrapes}
        idle = idle_cpu_rates(procs)
        for mode, headers in (("gzip", {"Accept-Encoding": "gzip"}), ("plain", {})):
            conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports]
            times = [[], []]
            cpu_before = [cpu_seconds(p.pid) for p in procs]
            started = time.monotonic()
            sizes = [0, 0]
            for i in range(args.scrapes + 5):
                for k, conn in enumerate(conns):
                    start = time.perf_counter()
                    conn.request("GET", "/metrics", headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    took = (time.perf_counter() - start) * 1000
                    if response.status != 200:
                        raise SystemExit(f"{mode} scrape of {(args.a, args.b)[k]}: "
                                         f"{response.status}")
                    sizes[k] = len(body)
                    if i >= 5:
                        times[k].append(took)
            elapsed = time.monotonic() - started
            cpu_ms = [(cpu_seconds(p.pid) - b - rate * elapsed) * 1000 / (args.scrapes + 5)
                      for p, b, rate in zip(procs, cpu_before, idle)]
            for conn in conns:
                conn.close()
            for k, name in enumerate(("a", "b")):
                result[f"{name}_{mode}"] = {
                    "p50_ms": round(statistics.median(times[k]), 1),
                    "p90_ms": round(percentile(times[k], 0.9), 1), "bytes": sizes[k],
                    "cpu_ms_per_scrape": round(cpu_ms[k], 1)}
        result["a"], result["b"] = args.a, args.b
        if args.b_config:
            result["b_config"] = args.b_config
        print(json.dumps(result), flush=True)
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
