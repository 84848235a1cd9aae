#!/usr/bin/env python3
"""Inner driver of bench/scale/run.sh: runs INSIDE the benchmark's network namespace.

run.sh creates the namespace and its veth pairs, then starts this script with `ip netns exec`, so
every process started here (both exporters, curl, wrk, ip) lives in that namespace and sees its
/sys. Measures, for one interface count:

  * idle collection cost (CPU seconds per second without scrapes) of both exporters;
  * alternating scrape series, plain then gzip, each exporter over its own keep-alive connection
    as Prometheus scrapes: client-side latency (request sent to last byte read), bytes,
    CPU per scrape (utime+stime from /proc/<pid>/stat, and for our exporter also split by thread:
    HTTP server threads = scrape work, the other threads = collection);
  * RSS after the run; promtool check of one body of each exporter;
  * optionally the concurrency check (wrk -c 8, then 8 validating scrapers) and the churn check.

Writes one JSON object to --json. Python 3 standard library only. Everything is bounded by
timeouts; every child is killed on exit.
"""

import argparse
import gzip
import http.client
import socket
import itertools
import json
import math
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
OURS_PORT = 10100
THEIRS_PORT = 9100
CHILDREN = []  # Popen objects to kill on exit


# --------------------------------------------------------------------------- process accounting

def read_stat_ticks(path):
    """utime+stime in clock ticks from a /proc/.../stat file (fields 14 and 15)."""
    with open(path) as f:
        text = f.read()
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def process_cpu_seconds(pid):
    return read_stat_ticks(f"/proc/{pid}/stat") / CLK_TCK


def threads(pid):
    """{tid: (comm, cpu_seconds, voluntary_ctxt_switches, syscr)} for every live thread (CPU from
    /proc/<pid>/task/<tid>/schedstat)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(f"{base}/comm") as f:
                comm = f.read().strip()
            # schedstat's first field is the thread's time on CPU in ns: the tick-based stat
            # fields are too coarse (10 ms) to split a few ms of scrape work by thread.
            with open(f"{base}/schedstat") as f:
                cpu = int(f.read().split()[0]) / 1e9
            vcs = 0
            with open(f"{base}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vcs = int(line.split()[1])
            syscr = 0
            with open(f"{base}/io") as f:
                for line in f:
                    if line.startswith("syscr:"):
                        syscr = int(line.split()[1])
            out[int(tid)] = (comm, cpu, vcs, syscr)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


def ours_split(pid):
    """Our exporter's CPU split: (scrape_cpu, collection_cpu, collector_vcs, collector_syscr).

    Scrapes run on the HTTP server's threads (libmicrohttpd's MHD-worker/MHD-listen; civetweb-*
    in builds before issue 15) and on the scrape work pool (named netif-scrape); collection runs
    on the other non-main threads (the periodic sampler, netlink). The collector thread is
    the non-HTTP, non-main thread with the most read syscalls.
    """
    scrape = collection = 0.0
    best = None
    for tid, (comm, cpu, vcs, syscr) in threads(pid).items():
        if comm.startswith(("MHD-", "civetweb", "netif-scrape")):
            scrape += cpu
        elif tid != pid:
            collection += cpu
            if best is None or syscr > best[1]:
                best = (vcs, syscr)
        else:
            collection += cpu  # the main thread: start-up only, idle afterwards
    vcs, syscr = best if best else (0, 0)
    return scrape, collection, vcs, syscr


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


# Long enough for the exporter to give back its spare scrape chunks: 1 s without scrapes, then its
# next 1 s collection pass.
REST_SECONDS = 2.5


def settled_rss_kb(pid, readings=21, interval=0.1):
    """VmRSS over 2 s: (median, min, max). Ours moves with its 1 s collection cycle (a sample
    briefly holds the old and the new views), so one reading lands on a peak or not by chance;
    the median is the resident size between samples. VmHWM keeps the all-time peak."""
    values = []
    for i in range(readings):
        if i:
            time.sleep(interval)
        value = status_kb(pid, "VmRSS")
        if value is not None:
            values.append(value)
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


# --------------------------------------------------------------------------- scraping

def curl_scrape(port, use_gzip, out_path=None, timeout=60):
    """One scrape with curl; returns (ok, bytes, seconds, http_code)."""
    cmd = ["curl", "-s", "--max-time", str(timeout), "-o", out_path or "/dev/null",
           "-w", "%{http_code} %{size_download} %{time_total}"]
    if use_gzip:
        cmd += ["-H", "Accept-Encoding: gzip"]
    cmd.append(f"http://127.0.0.1:{port}/metrics")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 10)
    parts = r.stdout.split()
    if r.returncode != 0 or len(parts) != 3:
        return False, 0, float("nan"), 0
    code, size, total = int(parts[0]), int(parts[1]), float(parts[2])
    return code == 200, size, total, code


class KeepAliveClient:
    """Scrapes over one persistent connection, as Prometheus does (HTTP/1.1 keep-alive), and times
    each scrape from sending the request to reading the body's last byte.

    A raw socket reading into one reused buffer, not http.client: at 15 MB per scrape the stdlib's
    chunk-by-chunk reads and joins added about 8 ms to every scrape (measured against curl), for
    both exporters alike, which hid the servers' own latency. The body's framing (Content-Length,
    or every chunk whole and the last empty chunk present) is checked after the clock stops."""

    def __init__(self, port, timeout=120):
        self.port, self.timeout, self.sock = port, timeout, None
        self.buffer = bytearray(32 << 20)

    def _connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _read_response(self):
        """Reads one whole response into self.buffer; returns (status, headers, body_start, end)."""
        view, n = memoryview(self.buffer), 0
        header_end, length, chunked = -1, None, False
        while True:
            if n == len(self.buffer):
                self.buffer.extend(bytes(len(self.buffer)))
                view = memoryview(self.buffer)
            got = self.sock.recv_into(view[n:])
            if got == 0:
                raise ConnectionError("server closed the connection")
            n += got
            if header_end < 0:
                header_end = self.buffer.find(b"\r\n\r\n", 0, n)
                if header_end < 0:
                    continue
                lines = bytes(self.buffer[:header_end]).decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                header_end += 4
                if "content-length" in headers:
                    length = int(headers["content-length"])
                chunked = headers.get("transfer-encoding", "").lower() == "chunked"
            if length is not None and n >= header_end + length:
                return status, headers, header_end, header_end + length
            if chunked and n - header_end >= 5 and self.buffer.endswith(b"0\r\n\r\n", 0, n) and \
                    (n - header_end == 5 or self.buffer.endswith(b"\r\n0\r\n\r\n", 0, n)):
                return status, headers, header_end, n

    def _dechunk(self, start, end):
        """The body of a chunked message in buffer[start:end], or None when the framing is bad."""
        pieces, at, view = [], start, memoryview(self.buffer)
        while True:
            line_end = self.buffer.find(b"\r\n", at, end)
            if line_end < 0:
                return None
            size = int(bytes(self.buffer[at:line_end]).split(b";")[0], 16)
            at = line_end + 2
            if size == 0:
                return b"".join(pieces) if at + 2 == end else None
            if at + size + 2 > end or self.buffer[at + size:at + size + 2] != b"\r\n":
                return None
            pieces.append(view[at:at + size])
            at += size + 2

    def scrape(self, use_gzip):
        """Returns (ok, body bytes, seconds, status)."""
        encoding = "gzip" if use_gzip else "identity"
        request = ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: "
                   f"{encoding}\r\n\r\n").encode()
        for attempt in (0, 1):  # one reconnect if the server closed an idle connection
            try:
                if self.sock is None:
                    self._connect()
                start = time.perf_counter()
                self.sock.sendall(request)
                status, headers, body_start, end = self._read_response()
                seconds = time.perf_counter() - start
            except (OSError, ValueError, IndexError):
                self.close()
                if attempt:
                    return False, 0, float("nan"), 0
                continue
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = self._dechunk(body_start, end)
                if body is None:
                    self.close()
                    return False, 0, seconds, status
            else:
                body = self.buffer[body_start:end]
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status == 200, len(body), seconds, status
        return False, 0, float("nan"), 0

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def http_get(port, path="/metrics", use_gzip=False, timeout=60):
    """(status, headers dict lower-cased, body bytes) with the stdlib client."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Accept-Encoding": "gzip"} if use_gzip else {}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def wait_ready(port, path, deadline_s):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            status, _, _ = http_get(port, path, timeout=5)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- exposition checks

NAME_RE = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABELS_RE = (r"\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\n]|\\[\\\"n])*\""
             r"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\n]|\\[\\\"n])*\")*,?)?\}")
VALUE_RE = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)"
# One regular expression for every valid line (text format 0.0.4), so whole bodies are checked at
# C speed: a HELP line, a TYPE line, or `name[{labels}] value [timestamp]`.
LINE_RE = re.compile(
    r"^(?:# HELP " + NAME_RE + r"(?: [^\n]*)?"
    r"|# TYPE " + NAME_RE + r" (?:counter|gauge|histogram|summary|untyped)"
    r"|" + NAME_RE + r"(?:" + LABELS_RE + r")? " + VALUE_RE + r"(?: -?[0-9]+)?)$", re.M)
TYPE_RE = re.compile(r"^# TYPE (" + NAME_RE + r") ", re.M)
SAMPLE_NAME_RE = re.compile(r"^(" + NAME_RE + r")[{ ]", re.M)
SERIES_RE = re.compile(r"^([^#\n][^\n]*) [^ \n]+$", re.M)


def check_exposition(text, device_family, expected_devices, last_family):
    """Validates one text-format body. Returns (problems list, info dict)."""
    problems = []
    if not text.endswith("\n"):
        problems.append("body does not end with a newline")
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    valid = len(LINE_RE.findall(text))
    if valid != lines:
        bad = [l for l in text.split("\n") if l and not LINE_RE.match(l)]
        problems.append(f"{lines - valid} invalid lines, e.g. {bad[0][:80]!r}" if bad
                        else f"{lines - valid} invalid lines")
    families = TYPE_RE.findall(text)
    if len(families) != len(set(families)):
        problems.append("a family is declared twice")
    # Samples of one family must be contiguous: the runs of equal names must all be distinct.
    runs = [name for name, _ in itertools.groupby(SAMPLE_NAME_RE.findall(text))]
    if len(runs) != len(set(runs)):
        problems.append("samples of a family are not contiguous")
    series = SERIES_RE.findall(text)
    if len(series) != len(set(series)):
        problems.append(f"{len(series) - len(set(series))} duplicate series")
    devices = set(re.findall(r"^" + re.escape(device_family) +
                             r'\{(?:[^\n]*?,)?device="((?:[^"\\\n]|\\.)*)"', text, re.M))
    if last_family and not re.search(r"^" + re.escape(last_family) + r"[ {]", text, re.M):
        problems.append(f"last family {last_family} missing (truncated?)")
    if expected_devices is not None:
        missing = expected_devices - devices
        extra = devices - expected_devices
        if missing:
            problems.append(f"{len(missing)} devices missing, e.g. {sorted(missing)[:3]}")
        if extra:
            problems.append(f"{len(extra)} stale devices, e.g. {sorted(extra)[:3]}")
    values = {}
    m = re.search(r"^" + re.escape(device_family) + r'\{device="lo"\} (\S+)$', text, re.M)
    if m:
        values["lo_value"] = m.group(1)
    for labels, value in re.findall(
            r"^netif_scrape_collector_duration_seconds\{([^}\n]*)\} (\S+)$", text, re.M):
        values["netif_scrape_collector_duration_seconds{" + labels + "}"] = float(value)
    info = {"lines": lines, "samples": len(series), "devices": len(devices), "values": values}
    return problems[:20], info


def ip_link_names():
    r = subprocess.run(["ip", "-j", "link", "show"], capture_output=True, text=True, timeout=60)
    return {link["ifname"] for link in json.loads(r.stdout)}


def scraper_pool(processes):
    """A fork pool of scrapers that Pool.terminate() can stop.

    The workers must not inherit main()'s SIGTERM handler: Pool.terminate() stops idle workers
    with SIGTERM, and a worker that turned it into SystemExit while it held the task queue's lock
    hung in its exit handlers, and the bench with it (seen once in the 8-scraper phase).
    Ctrl-C is the parent's to handle.
    """
    def default_signals():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return multiprocessing.get_context("fork").Pool(processes, initializer=default_signals)


def validate_worker(args):
    """One of the concurrent validating scrapers: loops until its deadline."""
    port, deadline, expected, worker = args
    stats = {"scrapes": 0, "bad": 0, "problems": [], "lo_values": [], "durations": [],
             "latencies": []}
    i = 0
    while time.monotonic() < deadline:
        use_gzip = (i + worker) % 2 == 1
        i += 1
        start = time.monotonic()
        try:
            status, headers, body = http_get(port, use_gzip=use_gzip, timeout=30)
        except (OSError, http.client.HTTPException) as e:  # IncompleteRead: a cut chunked body
            stats["bad"] += 1
            stats["problems"].append(f"request failed: {e}")
            continue
        stats["latencies"].append(time.monotonic() - start)
        stats["scrapes"] += 1
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        # A chunked body's framing (every chunk whole, the last empty chunk there) is checked by
        # http.client as it reads; a body with a length must have exactly that length.
        if "content-length" in headers:
            if int(headers["content-length"]) != len(body):
                problems.append("content-length mismatch")
        elif headers.get("transfer-encoding") != "chunked":
            problems.append("neither content-length nor chunked")
        if use_gzip:
            if headers.get("content-encoding") != "gzip":
                problems.append("no gzip encoding")
            else:
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError) as e:
                    problems.append(f"gzip: {e}")
        text = body.decode("utf-8", errors="replace")
        p, info = check_exposition(text, "netif_receive_bytes_total", expected, "process_max_fds")
        problems += p
        if "lo_value" in info["values"]:
            stats["lo_values"].append((time.monotonic(), info["values"]["lo_value"]))
        for k, v in info["values"].items():
            if k.startswith("netif_scrape_collector_duration_seconds"):
                stats["durations"].append(v)
        if problems:
            stats["bad"] += 1
            stats["problems"] += problems[:3]
    stats["problems"] = stats["problems"][:10]
    return stats


# --------------------------------------------------------------------------- phases

def start(cmd, log_path):
    log = open(log_path, "w")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    CHILDREN.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def cleanup(*_):
    for p in CHILDREN:
        try:
            stop(p)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def threads_cpu_seconds(pid):
    """CPU of the live threads in ns precision (threads that exited are not counted)."""
    return sum(cpu for _, cpu, _, _ in threads(pid).values())


def idle_phase(ours, theirs, seconds):
    before_o = process_cpu_seconds(ours.pid)
    precise_o = threads_cpu_seconds(ours.pid)
    split_o = ours_split(ours.pid)
    before_t = process_cpu_seconds(theirs.pid) if theirs else 0
    t0 = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    after_o = process_cpu_seconds(ours.pid)
    precise_o2 = threads_cpu_seconds(ours.pid)
    split_o2 = ours_split(ours.pid)
    after_t = process_cpu_seconds(theirs.pid) if theirs else 0
    return {
        "seconds": elapsed,
        # From the threads' schedstat (ns); the /proc/<pid>/stat figure (10 ms ticks) is below.
        "ours_cpu_per_second": (precise_o2 - precise_o) / elapsed,
        "ours_cpu_per_second_stat": (after_o - before_o) / elapsed,
        "ours_collector_wakeups_per_second": (split_o2[2] - split_o[2]) / elapsed,
        "ours_collector_reads_per_second": (split_o2[3] - split_o[3]) / elapsed,
        "theirs_cpu_per_second": (after_t - before_t) / elapsed if theirs else None,
    }


def scrape_series(ours, theirs, use_gzip, n_ours, n_theirs, settle, idle):
    lat = {"ours": [], "theirs": []}
    size = {"ours": [], "theirs": []}
    failures = {"ours": 0, "theirs": 0}
    clients = {"ours": KeepAliveClient(OURS_PORT), "theirs": KeepAliveClient(THEIRS_PORT)}
    for who in clients:  # open the connections outside the measured series
        clients[who].scrape(use_gzip)
    time.sleep(settle)
    cpu0 = {"ours": process_cpu_seconds(ours.pid), "theirs": process_cpu_seconds(theirs.pid)}
    split0 = ours_split(ours.pid)
    t0 = time.monotonic()
    for i in range(max(n_ours, n_theirs)):
        for who, port, n in (("ours", OURS_PORT, n_ours), ("theirs", THEIRS_PORT, n_theirs)):
            if i >= n:
                continue
            ok, nbytes, seconds, _ = clients[who].scrape(use_gzip)
            if not ok:
                failures[who] += 1
                continue
            lat[who].append(seconds)
            size[who].append(nbytes)
            time.sleep(settle)
    elapsed = time.monotonic() - t0
    cpu1 = {"ours": process_cpu_seconds(ours.pid), "theirs": process_cpu_seconds(theirs.pid)}
    split1 = ours_split(ours.pid)
    for client in clients.values():
        client.close()
    result = {"elapsed_seconds": elapsed}
    for who, n in (("ours", n_ours), ("theirs", n_theirs)):
        good = len(lat[who])
        gross = cpu1[who] - cpu0[who]
        idle_rate = idle[f"{who}_cpu_per_second"] or 0.0
        r = {
            "scrapes": good,
            "failures": failures[who],
            "p50_seconds": percentile(lat[who], 50) if good else None,
            "p99_seconds": percentile(lat[who], 99) if good else None,
            "min_seconds": min(lat[who]) if good else None,
            "max_seconds": max(lat[who]) if good else None,
            "bytes": int(sorted(size[who])[good // 2]) if good else None,
            "cpu_per_scrape_gross": gross / good if good else None,
            "cpu_per_scrape_idle_subtracted":
                (gross - idle_rate * elapsed) / good if good else None,
        }
        if who == "ours" and good:
            r["cpu_per_scrape_workers"] = (split1[0] - split0[0]) / good
            r["collection_cpu_during_series_per_second"] = (split1[1] - split0[1]) / elapsed
        result[who] = r
    return result


def promtool_check(path):
    try:
        r = subprocess.run(["promtool", "check", "metrics"], stdin=open(path, "rb"),
                           capture_output=True, text=True, timeout=120)
    except (FileNotFoundError, subprocess.TimeoutExpired) as e:
        return {"ok": None, "output": str(e)}
    lines = (r.stdout + r.stderr).strip().splitlines()
    # promtool lists lint findings per family; summarise distinct messages.
    distinct = sorted({re.sub(r"^\S+ ", "", l) for l in lines})
    return {"ok": r.returncode == 0, "findings": len(lines), "distinct": distinct[:10]}


DEVICE_SAMPLE_RE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*\{(?:[^\n]*?,)?device="', re.M)


def body_size(path, interfaces):
    """Bytes and series of one plain body, in all and per interface (issue 17: the family sets).
    Per interface: every byte of the body (the exporter's own families included) and the samples
    that carry a `device` label, over the interfaces of the namespace."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    nbytes = len(text.encode())
    device_samples = len(DEVICE_SAMPLE_RE.findall(text))
    return {"bytes": nbytes, "device_samples": device_samples,
            "families": len(set(TYPE_RE.findall(text))),
            "bytes_per_interface": nbytes / interfaces,
            "series_per_interface": device_samples / interfaces}


def family_sets_phase(ours_binary, workdir, pairs, interfaces, profiles, port):
    """Our exporter once per `metrics.profile` (beside the default one being measured), one plain
    body each: bytes and series per interface (issue 17). Rates need two samples: 3 s warm-up."""
    out = {}
    for profile in profiles:
        config = os.path.join(workdir, f"profile-{profile}.yml")
        with open(config, "w") as f:
            f.write(f"metrics:\n  profile: {profile}\n")
        p = start([ours_binary, f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                   f"--config.file={config}"],
                  os.path.join(workdir, f"ours-{profile}-{pairs}.log"))
        try:
            if not wait_ready(port, "/-/ready", 120):
                out[profile] = {"error": "not ready"}
                continue
            time.sleep(3)
            path = os.path.join(workdir, f"body-ours-{profile}-{pairs}.txt")
            curl_scrape(port, False, out_path=path)
            out[profile] = body_size(path, interfaces)
            out[profile]["promtool"] = promtool_check(path)
        finally:
            stop(p)
    return out


def concurrency_phase(ours_pid, wrk_seconds, validate_seconds, expected):
    out = {}
    for label, headers in (("plain", []), ("gzip", ["-H", "Accept-Encoding: gzip"])):
        split0 = ours_split(ours_pid)
        t0 = time.monotonic()
        cmd = ["wrk", "-t", "2", "-c", "8", "-d", f"{wrk_seconds}s", "--timeout", "20s",
               "--latency", *headers, f"http://127.0.0.1:{OURS_PORT}/metrics"]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=wrk_seconds + 60)
            text = r.stdout
        except FileNotFoundError:
            out[label] = {"error": "wrk not installed"}
            continue
        elapsed = time.monotonic() - t0
        split1 = ours_split(ours_pid)
        w = {"raw": text.strip().splitlines()[-14:]}
        m = re.search(r"(\d+) requests in ([\d.]+)s, ([\d.]+\w+) read", text)
        if m:
            w["requests"] = int(m.group(1))
        m = re.search(r"Requests/sec:\s+([\d.]+)", text)
        if m:
            w["requests_per_second"] = float(m.group(1))
        for pct in ("50", "99"):
            m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
            if m:
                scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
                w[f"p{pct}_seconds"] = float(m.group(1)) * scale
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        w["non_2xx"] = int(m.group(1)) if m else 0
        m = re.search(r"Socket errors: (.*)", text)
        w["socket_errors"] = m.group(1) if m else ""
        w["collector_wakeups_per_second"] = (split1[2] - split0[2]) / elapsed
        w["collector_reads_per_second"] = (split1[3] - split0[3]) / elapsed
        w["collection_cpu_per_second"] = (split1[1] - split0[1]) / elapsed
        out["wrk_" + label] = w
    deadline = time.monotonic() + validate_seconds
    split0 = ours_split(ours_pid)
    t0 = time.monotonic()
    with scraper_pool(8) as pool:
        results = pool.map(validate_worker,
                           [(OURS_PORT, deadline, expected, w) for w in range(8)])
    elapsed = time.monotonic() - t0
    split1 = ours_split(ours_pid)
    lo_values = sorted(v for r in results for v in r["lo_values"])
    distinct_lo = len({v for _, v in lo_values})
    span = lo_values[-1][0] - lo_values[0][0] if len(lo_values) > 1 else 0
    lat = [x for r in results for x in r["latencies"]]
    out["validators"] = {
        "workers": 8,
        "seconds": elapsed,
        "scrapes": sum(r["scrapes"] for r in results),
        "bad": sum(r["bad"] for r in results),
        "problems": sorted({p for r in results for p in r["problems"]})[:10],
        "p50_seconds": percentile(lat, 50) if lat else None,
        "max_seconds": max(lat) if lat else None,
        # lo carries every scrape, so its counter changes at each collection: the number of
        # distinct values seen over the span counts the collections that reached the scrapes.
        "lo_distinct_values": distinct_lo,
        "lo_span_seconds": span,
        "max_collector_duration_seconds": max((d for r in results for d in r["durations"]),
                                              default=None),
        "collector_wakeups_per_second": (split1[2] - split0[2]) / elapsed,
        "collector_reads_per_second": (split1[3] - split0[3]) / elapsed,
    }
    return out


def churn_phase(ours_pid, pairs, settle, expected_before):
    """Creates `pairs` veth pairs and deletes them while 2 processes keep scraping."""
    # Before and after are both read at rest: the exporter keeps the last scrapes' chunks (up to
    # 2 MiB) until a second passes without scrapes, and gives them back at its next collection.
    # Read while they are held, one side of the comparison would carry them by chance (seen:
    # +0.0 % in one run, +9.4 % in the next, of the same build).
    time.sleep(REST_SECONDS)
    rss_before = settled_rss_kb(ours_pid)[0]
    # The two scrapers stop at a deadline that covers creation, deletion and both settle times.
    phase_seconds = 2 * settle + 20
    stop_at = time.monotonic() + phase_seconds
    pool = scraper_pool(2)
    pending = pool.map_async(validate_worker, [(OURS_PORT, stop_at, None, w) for w in range(2)])
    t0 = time.monotonic()
    add = "".join(f"link add churn{i} type veth peer name churn{i}p\n" for i in range(pairs))
    add += "".join(f"link set churn{i} up\nlink set churn{i}p up\n" for i in range(pairs))
    subprocess.run(["ip", "-batch", "-"], input=add, text=True, check=True, timeout=300)
    created_seconds = time.monotonic() - t0
    time.sleep(settle)
    _, _, mid = http_get(OURS_PORT)
    mid_devices = check_exposition(mid.decode(errors="replace"), "netif_receive_bytes_total",
                                   None, None)[1]["devices"]
    rss_peak = settled_rss_kb(ours_pid)[0]
    t1 = time.monotonic()
    delete = "".join(f"link del churn{i}\n" for i in range(pairs))
    subprocess.run(["ip", "-batch", "-"], input=delete, text=True, check=True, timeout=300)
    deleted_seconds = time.monotonic() - t1
    time.sleep(settle)
    results = pending.get(timeout=phase_seconds + 120)
    pool.close()
    pool.join()
    names = ip_link_names()
    _, _, body = http_get(OURS_PORT)
    problems, info = check_exposition(body.decode(), "netif_receive_bytes_total", names,
                                      "process_max_fds")
    time.sleep(REST_SECONDS)
    rss_after = settled_rss_kb(ours_pid)[0]
    return {
        "pairs": pairs,
        "create_seconds": created_seconds,
        "delete_seconds": deleted_seconds,
        "devices_during": mid_devices,
        "devices_after": info["devices"],
        "ip_link_after": len(names),
        "stale_or_missing": problems,
        "expected_before_matches": names == expected_before,
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_peak,
        "rss_after_kb": rss_after,
        "rss_growth_ratio": (rss_after / rss_before) if rss_before else None,
        "scrapes_during": sum(r["scrapes"] for r in results),
        "bad_scrapes_during": sum(r["bad"] for r in results),
        "problems_during": sorted({p for r in results for p in r["problems"]})[:10],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--theirs", default="prometheus-node-exporter")
    ap.add_argument("--pairs", type=int, required=True)
    ap.add_argument("--scrapes", type=int, default=30)
    ap.add_argument("--theirs-budget", type=float, default=40.0,
                    help="seconds of node_exporter scrapes per encoding (caps its scrape count)")
    ap.add_argument("--min-theirs-scrapes", type=int, default=5)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--settle", type=float, default=0.1)
    ap.add_argument("--concurrency", action="store_true")
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--validate-seconds", type=float, default=10.0)
    ap.add_argument("--churn-pairs", type=int, default=0)
    ap.add_argument("--profiles", default="",
                    help="comma-separated metrics.profile values to measure bytes per interface of")
    ap.add_argument("--only-idle", action="store_true",
                    help="only run our exporter and measure its idle CPU (the 10-interface check)")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    result = {"pairs": a.pairs, "loadavg_start": loadavg()}
    try:
        names = ip_link_names()
        result["interfaces"] = len(names)
        ours = start([a.ours, f"--web.listen-address=127.0.0.1:{OURS_PORT}", "--log.level=warn"],
                     os.path.join(a.workdir, f"ours-{a.pairs}.log"))
        if not wait_ready(OURS_PORT, "/-/ready", 120):
            raise SystemExit("our exporter did not become ready")
        theirs = None
        if not a.only_idle:
            theirs = start([a.theirs, "--collector.disable-defaults", "--collector.netdev",
                            "--collector.netclass", f"--web.listen-address=127.0.0.1:{THEIRS_PORT}"],
                           os.path.join(a.workdir, f"theirs-{a.pairs}.log"))
            if not wait_ready(THEIRS_PORT, "/", 60):
                raise SystemExit("node_exporter did not become ready")
        # Rates need two samples and the first scrape after start warms caches: wait, warm up.
        time.sleep(3)

        if a.only_idle:
            idle = idle_phase(ours, None, a.idle_seconds)
            result["idle"] = idle
            result["rss_kb"] = {"ours": settled_rss_kb(ours.pid)[0]}
            return

        log(f"{len(names)} interfaces: warm-up")
        warm = {"ours": [], "theirs": []}
        warm_clients = {"ours": KeepAliveClient(OURS_PORT), "theirs": KeepAliveClient(THEIRS_PORT)}
        for use_gzip in (False, True, False):
            for who, port in (("ours", OURS_PORT), ("theirs", THEIRS_PORT)):
                ok, _, seconds, code = warm_clients[who].scrape(use_gzip)
                if not ok:
                    raise SystemExit(f"{who} warm-up scrape failed (HTTP {code})")
                warm[who].append(seconds)
        for client in warm_clients.values():
            client.close()
        theirs_latency = sorted(warm["theirs"])[1]
        n_theirs = max(a.min_theirs_scrapes,
                       min(a.scrapes, int(a.theirs_budget / max(theirs_latency, 1e-3))))
        result["warmup_seconds"] = warm

        log(f"idle {a.idle_seconds:.0f}s")
        idle = idle_phase(ours, theirs, a.idle_seconds)
        result["idle"] = idle

        for label, use_gzip in (("plain", False), ("gzip", True)):
            log(f"series {label}: {a.scrapes} ours / {n_theirs} node_exporter scrapes")
            result[label] = scrape_series(ours, theirs, use_gzip, a.scrapes, n_theirs, a.settle,
                                          idle)

        # One body of each, checked by promtool and by our own checker.
        for who, port, family, last in (("ours", OURS_PORT, "netif_receive_bytes_total",
                                         "process_max_fds"),
                                        ("theirs", THEIRS_PORT, "node_network_receive_bytes_total",
                                         None)):
            path = os.path.join(a.workdir, f"body-{who}-{a.pairs}.txt")
            curl_scrape(port, False, out_path=path)
            # node_exporter 1.5's netdev leaves lo out of its byte counters, so only our device
            # set is compared with `ip link`.
            expected = ip_link_names() if who == "ours" else None
            with open(path, encoding="utf-8", errors="replace") as f:
                problems, info = check_exposition(f.read(), family, expected, last)
            result.setdefault("body_check", {})[who] = {
                "problems": problems, "samples": info["samples"], "devices": info["devices"],
                "promtool": promtool_check(path)}
        # Bytes and series per interface of the bodies just checked: ours (default profile) and
        # node_exporter's, the anchor of issue 17's goals.
        result["family_sets"] = {
            "default": body_size(os.path.join(a.workdir, f"body-ours-{a.pairs}.txt"),
                                 result["interfaces"]),
            "node_exporter": body_size(os.path.join(a.workdir, f"body-theirs-{a.pairs}.txt"),
                                       result["interfaces"])}
        ours_rss, theirs_rss = settled_rss_kb(ours.pid), settled_rss_kb(theirs.pid)
        result["rss_kb"] = {"ours": ours_rss[0], "theirs": theirs_rss[0]}
        result["rss_kb_min_max"] = {"ours": ours_rss[1:], "theirs": theirs_rss[1:]}
        result["hwm_kb"] = {"ours": status_kb(ours.pid, "VmHWM"),
                            "theirs": status_kb(theirs.pid, "VmHWM")}
        stop(theirs)  # node_exporter is done; the checks below are ours only

        if a.profiles:
            log(f"family sets: {a.profiles}")
            result["family_sets"].update(family_sets_phase(
                a.ours, a.workdir, a.pairs, result["interfaces"], a.profiles.split(","),
                OURS_PORT + 1))
        if a.concurrency:
            log("concurrency: wrk -c 8 (plain, gzip), then 8 validating scrapers")
            result["concurrency"] = concurrency_phase(ours.pid, a.wrk_seconds,
                                                      a.validate_seconds, ip_link_names())
        if a.churn_pairs:
            log(f"churn: {a.churn_pairs} veth pairs created and deleted while scraping")
            result["churn"] = churn_phase(ours.pid, a.churn_pairs, 4.0, ip_link_names())
        result["rss_kb_end"] = settled_rss_kb(ours.pid)[0]
    finally:
        result["loadavg_end"] = loadavg()
        cleanup()
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
