#!/usr/bin/env python3
"""Issue 15: one exporter binary's HTTP server under idle connections, on loopback.

Starts BINARY with its default configuration on 127.0.0.1:PORT, then measures
  (a) the latency of SCRAPES sequential GET /metrics (new connection each, like curl): p50, p90;
  (b) for each N in IDLE: N TCP connections that send nothing are opened, then one scrape is
      timed with a TIMEOUT-second client timeout (status, seconds; "timeout" when none came).
Prints one JSON object. Python standard library only; run as root or not (loopback only).

  bench/http/compare.py /work/main/build/release/netif_exporter      # CivetWeb (main)
  bench/http/compare.py build/release/netif_exporter                 # libmicrohttpd
"""
import argparse, json, os, resource, socket, statistics, subprocess, sys, time


def scrape(port, timeout):
    start = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
        return status, time.perf_counter() - start
    except (socket.timeout, OSError):
        return None, time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--port", type=int, default=10199)
    ap.add_argument("--scrapes", type=int, default=200)
    ap.add_argument("--idle", default="8,1000")
    ap.add_argument("--timeout", type=float, default=15.0)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    proc = subprocess.Popen([args.binary, f"--web.listen-address=127.0.0.1:{args.port}",
                             "--log.level=warn"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if scrape(args.port, 1)[0] == 200:
                break
            time.sleep(0.1)
        for _ in range(5):
            scrape(args.port, args.timeout)  # warm-up
        latencies = []
        for _ in range(args.scrapes):
            status, seconds = scrape(args.port, args.timeout)
            if status == 200:
                latencies.append(seconds * 1000)
        latencies.sort()
        result = {"binary": args.binary, "scrapes_ok": len(latencies),
                  "p50_ms": round(statistics.median(latencies), 2),
                  "p90_ms": round(latencies[int(len(latencies) * 0.9) - 1], 2), "idle": {}}
        for n in [int(x) for x in args.idle.split(",")]:
            held = []
            for _ in range(n):
                try:
                    held.append(socket.create_connection(("127.0.0.1", args.port), timeout=2))
                except OSError:
                    break
            time.sleep(0.3)
            status, seconds = scrape(args.port, args.timeout)
            result["idle"][str(n)] = {"connected": len(held), "status": status or "timeout",
                                      "seconds": round(seconds, 3)}
            for s in held:
                s.close()
            time.sleep(1)
        json.dump(result, sys.stdout)
        print()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
