#!/usr/bin/env python3
"""The TLS benchmark's driver (run inside the namespace by run.sh): for each exporter and each of
plain HTTP, TLS, and TLS with basic auth, starts the exporter with the matching web config file,
keeps one connection open (as Prometheus does), asks for gzip (as Prometheus does), and measures
the scrape's wall time (p50, p90) and the exporter's CPU time per scrape. Prints one table with
the ratios to plain HTTP and to node_exporter in the same mode."""

import argparse
import base64
import http.client
import os
import re
import ssl
import statistics
import subprocess
import sys
import time

USER = "prometheus"
PASSWORD = "bench-password"


def sh(args, cwd):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(" ".join(args) + ":\n" + r.stderr)
    return r.stdout


def make_web_configs(d):
    sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", "server.key", "-out", "server.crt"], d)
    hashed = sh(["htpasswd", "-nbBC", "10", USER, PASSWORD], d).strip().split(":", 1)[1]
    tls = f"tls_server_config:\n  cert_file: {d}/server.crt\n  key_file: {d}/server.key\n"
    configs = {"plain": None, "tls": tls, "tls+auth": tls + f"basic_auth_users:\n  {USER}: '{hashed}'\n"}
    paths = {}
    for mode, text in configs.items():
        if text is None:
            paths[mode] = None
            continue
        paths[mode] = os.path.join(d, f"web-{mode}.yml")
        with open(paths[mode], "w") as f:
            f.write(text)
    return paths


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(cmd, log_path):
    log = open(log_path, "w")
    return subprocess.Popen(cmd, stdout=log, stderr=log)


def connection(port, tls):
    if not tls:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=60, context=context)


def scrape(conn, auth):
    headers = {"Accept-Encoding": "gzip"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    conn.request("GET", "/metrics", headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"scrape answered {response.status}")
    return len(body)


def measure(name, cmd, port, mode, scrapes, workdir):
    proc = start(cmd, os.path.join(workdir, f"{name}-{mode}.log"))
    try:
        conn = None
        deadline = time.time() + 60
        while True:
            try:
                conn = connection(port, mode != "plain")
                scrape(conn, mode == "tls+auth")
                break
            except (OSError, RuntimeError, http.client.HTTPException):
                if conn:
                    conn.close()
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{name} ({mode}) never answered; see {workdir}")
                time.sleep(0.5)
        for _ in range(3):  # warm-up: full caches, a first auth check done
            scrape(conn, mode == "tls+auth")
        times = []
        cpu_before = cpu_seconds(proc.pid)
        size = 0
        for _ in range(scrapes):
            start_s = time.perf_counter()
            size = scrape(conn, mode == "tls+auth")
            times.append(time.perf_counter() - start_s)
        cpu = (cpu_seconds(proc.pid) - cpu_before) / scrapes
        conn.close()
        times.sort()
        return {"p50": statistics.median(times), "p90": times[int(0.9 * (len(times) - 1))],
                "cpu": cpu, "bytes": size}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--theirs", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--scrapes", type=int, default=40)
    ap.add_argument("--interfaces", type=int, default=0)
    args = ap.parse_args()
    web = make_web_configs(args.workdir)
    results = {}
    for name in ("ours", "node_exporter"):
        for mode in ("plain", "tls", "tls+auth"):
            port = free_port()
            if name == "ours":
                cmd = [args.ours, f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]
            else:
                cmd = [args.theirs, f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                       "--collector.disable-defaults", "--collector.netdev", "--collector.netclass"]
            if web[mode]:
                cmd.append(f"--web.config.file={web[mode]}")
            results[(name, mode)] = measure(name, cmd, port, mode, args.scrapes, args.workdir)
            print(f"bench: {name} {mode} done", file=sys.stderr, flush=True)

    print(f"TLS benchmark: {args.interfaces} interfaces, {args.scrapes} scrapes per row, one "
          "kept-alive connection, gzip")
    print(f"{'exporter':14} {'mode':9} {'p50 ms':>8} {'p90 ms':>8} {'CPU ms/scrape':>14} "
          f"{'gzip bytes':>11} {'p50 vs plain':>13} {'p50 ours/theirs':>16} {'CPU ours/theirs':>16}")
    for name in ("ours", "node_exporter"):
        for mode in ("plain", "tls", "tls+auth"):
            r = results[(name, mode)]
            plain = results[(name, "plain")]
            vs_plain = f"{r['p50'] / plain['p50']:.2f}x"
            theirs = results[("node_exporter", mode)]
            ratio = f"{r['p50'] / theirs['p50']:.3f}" if name == "ours" else ""
            cpu_ratio = f"{r['cpu'] / theirs['cpu']:.3f}" if name == "ours" and theirs['cpu'] else ""
            print(f"{name:14} {mode:9} {r['p50'] * 1e3:8.1f} {r['p90'] * 1e3:8.1f} "
                  f"{r['cpu'] * 1e3:14.1f} {r['bytes']:11d} {vs_plain:>13} {ratio:>16} {cpu_ratio:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
