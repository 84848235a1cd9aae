#!/usr/bin/python3
"""First render of the status page in headless Chromium at N interfaces (issue 21: <= 1 s at 5,001).

Serves the page's own files (src/http/page) and a synthetic /api/v1 (N interfaces with history,
events, targets) from Python on loopback, inside a private network namespace (`unshare -n`, so
nothing can leave the host), opens the page in Debian's chromium through the DevTools protocol and
reads how long after navigation start the first table was drawn (the page sets
`data-first-render-ms` on <body>, performance.now() when its first interfaces render ends) and
how long sorting by Rx takes. Prints one line per run and the median.

  sudo bench/page/first_render.py [--interfaces 5001] [--runs 5] [--screenshot out.png]
"""

import argparse
import http.server
import json
import math
import os
import random
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support", "browser"))
PAGE = os.path.join(ROOT, "src", "http", "page")


def synthetic(n, now):
    rng = random.Random(21)
    interfaces, history = [], []
    for i in range(n):
        source = "local" if i < 1000 else f"sw{i // 48:03d}"
        name = f"veth{i}" if source == "local" else f"Gi0/{i % 48}"
        up = rng.random() > 0.05
        rx = rng.random() * 1e9 if up else 0
        tx = rng.random() * 1e9 if up else 0
        interfaces.append({
            "source": source, "id": name if source == "local" else str(i % 48), "name": name,
            "alias": f"uplink to rack {i % 97}" if i % 3 == 0 else None,
            "admin_up": True, "oper": "up" if up else "down", "carrier": up,
            "speed_bps": 10_000_000_000, "rx_bps": rx, "tx_bps": tx,
            "utilization": max(rx, tx) / 1e10, "errors_per_second": 0 if i % 50 else 1.5,
            "drops_per_second": 0, "anomaly": ["spike"] if i % 400 == 0 else [],
            "anomaly_score": 0.9 if i % 400 == 0 else 0.1, "flaps_1h": 0 if up else 2,
            "transitions_down_total": 0 if up else 2, "last_change_unix_seconds": now - 100})
        history.append({
            "source": interfaces[-1]["source"], "id": interfaces[-1]["id"],
            "rx_bps": [round(rx * (0.55 + 0.4 * math.sin(k / 7 + i)), -3) for k in range(60)],
            "tx_bps": [round(tx * (0.55 + 0.4 * math.cos(k / 9 + i)), -3) for k in range(60)],
            "utilization": [round(max(rx, tx) / 1e10 * (0.55 + 0.4 * math.sin(k / 7 + i)), 4)
                            for k in range(60)]})
    header = {"api_version": 1, "generated_unix_seconds": now}
    return {
        "/api/v1/interfaces": json.dumps({**header, "interfaces": interfaces}).encode(),
        "/api/v1/history": json.dumps({**header, "step_seconds": 60, "points": 60,
                                       "interfaces": history}).encode(),
        "/api/v1/events": json.dumps({**header, "events": [
            {"sequence": k + 1, "unix_seconds": now - 60 + k, "source": "local", "id": f"veth{k}",
             "name": f"veth{k}", "kind": "link", "from": "up", "to": "down"} for k in range(50)]}).encode(),
        "/api/v1/targets": json.dumps({**header, "targets": [
            {"name": f"sw{t:03d}", "up": t % 10 != 0, "last_success_unix_seconds": now - 20,
             "poll_duration_seconds": 0.2, "interfaces": 48, "errors": {"timeout": t % 10 == 0}}
            for t in range(max(0, (n - 1000) // 48 + 1))]}).encode(),
        "/api/v1/status": json.dumps({**header, "build": [{"name": "version", "value": "bench"}],
                                      "config": [{"name": "interfaces", "value": str(n)}]}).encode(),
    }


def serve(bodies):
    files = {"/": ("index.html", "text/html; charset=utf-8")}
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        files["/static/" + name] = (name, kind)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in bodies:
                body, kind = bodies[self.path], "application/json"
            elif self.path in files:
                name, kind = files[self.path]
                with open(os.path.join(PAGE, name), "rb") as f:
                    body = f.read()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def inside(args):
    from cdp import Browser
    bodies = synthetic(args.interfaces, time.time())
    server = serve(bodies)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"interfaces={args.interfaces} interfaces_json_bytes={len(bodies['/api/v1/interfaces'])} "
          f"history_json_bytes={len(bodies['/api/v1/history'])}")
    firsts, sorts = [], []
    for run in range(args.runs):
        browser = Browser(width=args.width, height=args.height)
        try:
            browser.navigate(url)
            first = float(browser.wait_for("document.body.dataset.firstRenderMs", 30, "first render"))
            browser.wait_for("document.body.dataset.historyLoaded", 30, "history")
            sort_ms = browser.evaluate(
                "(() => { const t = performance.now();"
                " document.querySelector('th[data-key=rx_bps] button').click();"
                " return performance.now() - t; })()")
            rows = browser.evaluate("document.querySelectorAll('#interface-rows tr').length")
            browser.pump(1)
            print(f"run={run} first_render_ms={first:.0f} sort_rx_ms={sort_ms:.0f} rows_drawn={rows} "
                  f"console_errors={len(browser.errors)}")
            firsts.append(first)
            sorts.append(sort_ms)
            if browser.errors:
                print("  " + "\n  ".join(browser.errors))
            if args.screenshot and run == 0:
                browser.screenshot(args.screenshot)
        finally:
            browser.close()
    print(f"median first_render_ms={statistics.median(firsts):.0f} "
          f"median sort_rx_ms={statistics.median(sorts):.0f}")
    server.shutdown()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interfaces", type=int, default=5001)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args)
        return
    command = [sys.executable, os.path.abspath(__file__), "--inside",
               f"--interfaces={args.interfaces}", f"--runs={args.runs}",
               f"--width={args.width}", f"--height={args.height}"]
    if args.screenshot:
        command.append("--screenshot=" + os.path.abspath(args.screenshot))
    sys.exit(subprocess.call(["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                              *command]))


if __name__ == "__main__":
    main()
