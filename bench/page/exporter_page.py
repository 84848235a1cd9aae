#!/usr/bin/python3
"""The status page of the real exporter at 5,001 interfaces (2,500 veth pairs and lo in a private
network namespace): the API's render time and size, and the page's first render in headless
Chromium (the page sets `data-first-render-ms`, performance.now() after its first table).

  sudo bench/page/exporter_page.py --exporter build/release/netif_exporter [--pairs 2500] [--runs 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "support", "browser"))


def timed_get(port, path, gzip=False):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Accept-Encoding": "gzip"} if gzip else {})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - start) * 1000, len(body)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def inside(args):
    from cdp import Browser
    d = tempfile.mkdtemp(prefix="netif-page-bench-")
    log_path = os.path.join(d, "exporter.log")
    exporter = subprocess.Popen([args.exporter, "--web.listen-address=127.0.0.1:0"],
                                stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    try:
        port = None
        deadline = time.time() + 120
        while port is None and time.time() < deadline:
            m = re.search(r"msg=listening.*port=(\d+)", open(log_path).read())
            port = int(m.group(1)) if m else None
            time.sleep(0.2)
        time.sleep(12)  # rates, and two history samples
        for path in ("/api/v1/interfaces", "/api/v1/history", "/metrics"):
            plain = [timed_get(port, path) for _ in range(5)]
            packed = [timed_get(port, path, gzip=True) for _ in range(5)]
            print(f"{path}: median {statistics.median(t for t, _ in plain):.0f} ms, "
                  f"{plain[-1][1]} bytes; gzip median {statistics.median(t for t, _ in packed):.0f} ms, "
                  f"{packed[-1][1]} bytes")
        print(f"exporter RSS {rss_kb(exporter.pid)} kB")
        firsts = []
        for run in range(args.runs):
            browser = Browser(width=1200, height=800)
            try:
                browser.navigate(f"http://127.0.0.1:{port}/")
                first = float(browser.wait_for("document.body.dataset.firstRenderMs", 60, "first render"))
                rows = browser.evaluate("document.querySelectorAll('#interface-rows tr').length")
                if run == 0:
                    print(browser.evaluate(
                        "performance.getEntries().map(e => e.name.replace(/^http:[/][/][^/]+/, '') + ' start '"
                        " + e.startTime.toFixed(0) + ' ms, took ' + e.duration.toFixed(0) + ' ms').join('\\n')"))
                count = browser.evaluate("document.getElementById('row-count').textContent")
                browser.wait_for("document.body.dataset.historyLoaded", 60, "history")
                browser.pump(1)
                print(f"run={run} first_render_ms={first:.0f} rows_drawn={rows} ({count}) "
                      f"console_errors={len(browser.errors)}")
                firsts.append(first)
            finally:
                browser.close()
        print(f"median first_render_ms={statistics.median(firsts):.0f}")
    finally:
        exporter.terminate()
        exporter.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--pairs", type=int, default=2500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args)
        return
    ns = f"netif-page-bench-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        batch = "".join(f"link add pb{i}a type veth peer name pb{i}b\n" for i in range(args.pairs))
        batch += "link set lo up\n"
        subprocess.run(["ip", "-n", ns, "-batch", "-"], input=batch, text=True, check=True)
        subprocess.call(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                         "--inside", "--exporter", os.path.abspath(args.exporter),
                         f"--runs={args.runs}"])
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__":
    main()
