#!/usr/bin/python3
"""The status page and its JSON API against the built exporter, in a real browser (issue 21).

Two private network namespaces joined by a veth pair (pv0 in the exporter's namespace, pv1 in the
peer's) with ping traffic between them; a second veth pair whose end carries a name that is not
UTF-8 and an alias that is HTML. Inside the exporter's namespace (its own loopback, no route out):

  - the API: /api/v1/interfaces, /history, /events, /targets, /status answer valid JSON (the
    non-UTF-8 name with U+FFFD), /metrics, /-/healthy and /-/ready still answer as before;
  - SNMP: the synthetic agent as target sw-up, a closed port as sw-down: /api/v1/targets and the
    page's targets table say which is up; the community is in neither the API, the page nor the log;
  - Debian's chromium, headless, driven through the DevTools protocol: rows for pv0 and lo are
    there, pv0's sparkline is drawn, `ip link set pv0 down` shows in the event list, the HTML
    alias is text (no element made from it), the console has no error (a CSP violation is one),
    and every request went to 127.0.0.1. A screenshot is kept in --artifacts.

Needs root, ip(8), ping, chromium and python3-websocket: fails (never skips) without them.

  status_page_test.py --exporter build/release/netif_exporter --artifacts build/release/artifacts
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support", "browser"))

failures = []
COMMUNITY = "s3cret-community-21"


def start_agent(binary):
    """The synthetic SNMP agent (4 ports) on the namespace's loopback: its address."""
    proc = subprocess.Popen([binary, "--ports", "4", "--community", COMMUNITY],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"listening (\S+)", line)
    if not m:
        proc.kill()
        raise RuntimeError("snmp_synthetic_agent did not start: " + line)
    return proc, m.group(1)


def write_config(path, agent_address):
    # sw-down: a UDP port nobody listens on, so its polls fail at once.
    with open(path, "w") as f:
        f.write(f"""snmp:
  defaults:
    interval: 1s
    timeout: 200ms
    retries: 0
  targets:
    - name: sw-up
      address: {agent_address}
      community_env: NETIF_TEST_COMMUNITY
    - name: sw-down
      address: 127.0.0.1:9
      community_env: NETIF_TEST_COMMUNITY
""")


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def sh(*args, check_rc=True):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    if check_rc and r.returncode != 0:
        raise RuntimeError(" ".join(args) + ": " + r.stderr)
    return r


def get(port, path, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def get_json(port, path):
    status, _, body = get(port, path)
    if status != 200:
        raise AssertionError(f"{path}: HTTP {status}")
    return json.loads(body.decode("utf-8"))  # strict: invalid UTF-8 raises


def wait(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s: {what}")


def start_exporter(binary, log_path, config_path):
    log = open(log_path, "w")
    proc = subprocess.Popen([binary, "--web.listen-address=127.0.0.1:0",
                             f"--config.file={config_path}"], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "NETIF_TEST_COMMUNITY": COMMUNITY})
    def port():
        if proc.poll() is not None:
            raise RuntimeError("exporter exited:\n" + open(log_path).read())
        m = re.search(r"msg=listening.*port=(\d+)", open(log_path).read())
        return int(m.group(1)) if m else None
    return proc, wait(port, 30, "the exporter listening")


class Traffic:
    """UDP datagrams to the peer's discard port, ~1 MB/s, from a thread (the peer answers with
    ICMP port unreachable, so pv0 both sends and receives)."""

    def __init__(self, address):
        import socket
        import threading
        self.stopped = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.thread = threading.Thread(target=self.run, args=(address,), daemon=True)
        self.thread.start()

    def run(self, address):
        payload = b"x" * 1000
        while not self.stopped.is_set():
            for _ in range(50):
                try:
                    self.sock.sendto(payload, (address, 9))
                except OSError:  # an ICMP error reported on the socket, or the link is down
                    pass
            self.stopped.wait(0.05)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


def api_checks(port):
    interfaces = get_json(port, "/api/v1/interfaces")
    check(interfaces["api_version"] == 1, "interfaces: api_version 1")
    rows = {row["name"]: row for row in interfaces["interfaces"]}
    check("pv0" in rows and "lo" in rows, "interfaces: pv0 and lo listed")
    check("pv\ufffd" in rows, "interfaces: the non-UTF-8 name is served with U+FFFD")
    pv0 = rows.get("pv0", {})
    check(pv0.get("oper") == "up" and pv0.get("admin_up") is True and pv0.get("carrier") is True,
          "interfaces: pv0 is up (admin, oper, carrier)")
    check(isinstance(pv0.get("tx_bps"), (int, float)) and pv0["tx_bps"] > 0,
          f"interfaces: pv0 has a positive tx rate ({pv0.get('tx_bps')})")
    check(rows.get("pq0", {}).get("alias") == '<img src=x onerror="document.title=1"> & "q"',
          "interfaces: the HTML alias is served as its text")
    for key in ("source", "id", "alias", "admin_up", "oper", "carrier", "speed_bps", "rx_bps",
                "tx_bps", "utilization", "errors_per_second", "drops_per_second", "anomaly",
                "anomaly_score", "flaps_1h"):
        check(key in pv0, f"interfaces: field {key}")
    history = get_json(port, "/api/v1/history")
    check(history["points"] == 60 and history["step_seconds"] == 60, "history: 60 one-minute points")
    check(all(len(h["rx_bps"]) == 60 for h in history["interfaces"]), "history: 60 values each")
    targets = {t["name"]: t for t in get_json(port, "/api/v1/targets")["targets"]}
    check(sorted(targets) == ["sw-down", "sw-up"], f"targets: both listed ({sorted(targets)})")
    up, down = targets.get("sw-up", {}), targets.get("sw-down", {})
    check(up.get("up") is True and up.get("last_success_unix_seconds") and
          up.get("poll_duration_seconds") is not None and up.get("interfaces") == 4,
          f"targets: sw-up is up with its last poll and 4 ports ({up})")
    check(down.get("up") is False and down.get("last_success_unix_seconds") is None and
          sum(down.get("errors", {}).values()) > 0,
          f"targets: sw-down is down, never polled, with errors ({down})")
    sources = sorted({r["source"] for r in get_json(port, "/api/v1/interfaces")["interfaces"]})
    check("snmp/sw-up" in sources, f"interfaces: sw-up's ports are listed (sources {sources})")
    status_body = get(port, "/api/v1/status")[2].decode()
    check(COMMUNITY not in status_body and "<redacted>" in status_body.replace("\\u003c", "<"),
          "status: the community is redacted")
    status = get_json(port, "/api/v1/status")
    check(any(p["name"] == "version" for p in status["build"]), "status: build version")
    check(any(p["name"] == "collection.interval" for p in status["config"]), "status: config summary")
    code, _, _ = get(port, "/api/v1/nope")
    check(code == 404, "api: unknown endpoint is 404")
    code, headers, body = get(port, "/api/v1/interfaces", {"Accept-Encoding": "gzip"})
    check(code == 200 and headers.get("Content-Encoding") == "gzip" and body[:2] == b"\x1f\x8b",
          "api: gzip when asked")
    code, headers, body = get(port, "/")
    check(code == 200 and "default-src 'none'" in headers.get("Content-Security-Policy", ""),
          "page: served with its Content-Security-Policy")
    code, headers, body = get(port, "/metrics")
    check(code == 200 and b"netif_receive_bytes_total" in body and
          headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          "/metrics unchanged")
    check(get(port, "/-/healthy")[2] == b"Healthy\n", "/-/healthy unchanged")
    check(get(port, "/-/ready")[2] == b"Ready\n", "/-/ready unchanged")


def browser_checks(port, artifacts):
    from cdp import Browser
    browser = Browser()
    try:
        url = f"http://127.0.0.1:{port}/"
        browser.navigate(url)
        browser.wait_for("document.querySelector('#interface-rows tr[data-name=\"pv0\"]') !== null",
                         60, "the pv0 row")
        check(browser.evaluate("document.querySelector('#interface-rows tr[data-name=\"lo\"]') !== null"),
              "browser: a row for lo")
        browser.wait_for(
            "document.querySelectorAll('#interface-rows tr[data-name=\"pv0\"] svg.spark polyline').length > 0",
            90, "pv0's sparkline")
        check(True, "browser: pv0's sparkline is drawn")
        check(browser.evaluate("document.querySelectorAll('#interface-rows img').length") == 0 and
              browser.evaluate("document.title") == "netif_exporter",
              "browser: the HTML alias stayed text")
        alias_shown = browser.evaluate(
            "Array.from(document.querySelectorAll('#interface-rows .alias')).some(e => e.textContent.includes('<img'))")
        check(alias_shown, "browser: the alias is shown as written")
        # Filters: text, then state.
        browser.evaluate("(() => { const i = document.getElementById('filter-text'); i.value = 'pv0';"
                         " i.dispatchEvent(new Event('input')); })()")
        names = browser.evaluate("Array.from(document.querySelectorAll('#interface-rows tr')).map(r => r.dataset.name)")
        check(names == ["pv0"], f"browser: text filter leaves pv0 alone ({names})")
        browser.evaluate("(() => { const i = document.getElementById('filter-text'); i.value = '';"
                         " i.dispatchEvent(new Event('input')); })()")
        sh("ip", "link", "set", "pv0", "down")
        browser.wait_for(
            "Array.from(document.querySelectorAll('#events li[data-name=\"pv0\"]')).some(li => /up → down/.test(li.textContent))",
            60, "pv0 going down in the event list")
        check(True, "browser: `ip link set pv0 down` is in the event list")
        browser.evaluate("(() => { const s = document.getElementById('filter-state'); s.value = 'down';"
                         " s.dispatchEvent(new Event('change')); })()")
        names = browser.evaluate("Array.from(document.querySelectorAll('#interface-rows tr')).map(r => r.dataset.name)")
        check("pv0" in names and "lo" not in names,
              f"browser: state filter 'down' shows pv0, not lo (oper unknown) ({names})")
        browser.evaluate("(() => { const s = document.getElementById('filter-state'); s.value = 'all';"
                         " s.dispatchEvent(new Event('change')); })()")
        targets = browser.wait_for(
            "(() => { const r = Array.from(document.querySelectorAll('#target-rows tr'))"
            ".map(tr => Array.from(tr.cells).map(c => c.textContent).join('|'));"
            " return r.length === 2 ? r : null; })()", 30, "the SNMP targets table")
        check(targets[0].startswith("sw-down|down|never") and targets[1].startswith("sw-up|up|"),
              f"browser: SNMP targets table shows sw-down down and sw-up up ({targets})")
        check(COMMUNITY not in browser.evaluate("document.body.textContent"),
              "browser: the community is nowhere on the page")
        browser.pump(2)
        os.makedirs(artifacts, exist_ok=True)
        shot = os.path.join(artifacts, "status_page.png")
        browser.screenshot(shot)
        check(os.path.getsize(shot) > 1000, f"browser: screenshot kept in {shot}")
        check(not browser.errors, "browser: no console error: " + " | ".join(browser.errors))
        outside = [u for u in browser.requests
                   if not (u.startswith(f"http://127.0.0.1:{port}/") or u.startswith("data:")
                           or u == "about:blank")]
        check(not outside, "browser: every request went to 127.0.0.1: " + " ".join(outside))
        check(len(browser.requests) > 3, f"browser: requests were recorded ({len(browser.requests)})")
    finally:
        browser.close()


def inside(args):
    """Runs in the exporter's namespace."""
    d = tempfile.mkdtemp(prefix="netif-page-")
    exporter = ping = agent = None
    try:
        agent, agent_address = start_agent(args.snmp_agent)
        config = os.path.join(d, "netif_exporter.yml")
        write_config(config, agent_address)
        exporter, port = start_exporter(args.exporter, os.path.join(d, "exporter.log"), config)
        ping = Traffic("10.210.0.2")
        # Rates need two samples and the history takes the snapshot every 5 s.
        wait(lambda: any(h["id"] == "pv0" and any(v for v in h["tx_bps"] if v is not None)
                         for h in get_json(port, "/api/v1/history")["interfaces"]),
             60, "pv0 in the history")
        api_checks(port)
        browser_checks(port, args.artifacts)
    finally:
        if ping:
            ping.stop()
        for proc in (exporter, agent):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if exporter:
            log = open(os.path.join(d, "exporter.log")).read()
            check(COMMUNITY not in log, "exporter: the community never reaches the log")
            errors = [line for line in log.splitlines()
                      if "level=error" in line and "sw-down" not in line]
            check(not errors, "exporter: no error logged but sw-down's: " + " | ".join(errors))
        shutil.rmtree(d, ignore_errors=True)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--snmp-agent", required=True, help="tests/snmp_synthetic_agent")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        sys.exit(inside(args))
    if os.geteuid() != 0:
        sys.exit("status_page_test: needs root (network namespaces)")
    for tool in ("ip",):
        if shutil.which(tool) is None:
            sys.exit(f"status_page_test: {tool} is missing")
    from cdp import find_chromium
    find_chromium()  # raises when chromium is missing
    import websocket  # noqa: F401 (python3-websocket; raises when missing)
    ns, peer = f"netif-page-{os.getpid()}", f"netif-peer-{os.getpid()}"
    try:
        sh("ip", "netns", "add", ns)
        sh("ip", "netns", "add", peer)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "add", "pv0", "type", "veth", "peer", "name", "pv1", "netns", peer)
        sh("ip", "-n", ns, "addr", "add", "10.210.0.1/24", "dev", "pv0")
        sh("ip", "-n", peer, "addr", "add", "10.210.0.2/24", "dev", "pv1")
        sh("ip", "-n", ns, "link", "set", "pv0", "up")
        sh("ip", "-n", peer, "link", "set", "pv1", "up")
        # A name that is not UTF-8 and an alias that is HTML.
        subprocess.run([b"ip", b"-n", ns.encode(), b"link", b"add", b"pv\xff", b"type", b"veth",
                        b"peer", b"name", b"pq0"], check=True, timeout=30)
        sh("ip", "-n", ns, "link", "set", "pq0", "alias", '<img src=x onerror="document.title=1"> & "q"')
        rc = subprocess.call(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                              "--inside", "--exporter", os.path.abspath(args.exporter),
                              "--artifacts", os.path.abspath(args.artifacts),
                              "--snmp-agent", os.path.abspath(args.snmp_agent)])
    finally:
        sh("ip", "netns", "del", ns, check_rc=False)
        sh("ip", "netns", "del", peer, check_rc=False)
    print("PASS" if rc == 0 else "FAILED", flush=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
