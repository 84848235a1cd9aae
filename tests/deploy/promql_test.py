#!/usr/bin/python3
"""Every PromQL expression in grafana/dashboards/*.json and deploy/prometheus/rules/*.yml, evaluated
for real by Debian's Prometheus scraping a running netif_exporter.

As root: makes a private network namespace with veth pairs and a pod (a veth to a namespace of
its own, held by a process in a kubelet-named cgroup, with a kubelet-style log directory), then
re-runs itself inside it, where it starts the exporter on 127.0.0.1:0 (reading the namespace's
/proc and /sys, the Kubernetes source on), bounded raw-frame senders across one veth pair and into
the pod, a link that flaps and one that is down while admin up, and Prometheus
on loopback (1 s scrapes and rule evaluations, the rule files loaded as they are, temporary
storage). After a few scrapes it evaluates through Prometheus's HTTP API:

  * every rule (Prometheus parses the rule files itself and /api/v1/rules hands back each query);
  * every panel query, annotation query and template variable of every dashboard, with template
    variables substituted ($__rate_interval, $__interval, $__range, and the dashboard's own
    variables, whose values come from their label_values() queries, as in Grafana).

Each expression must parse and evaluate. It must also return data when every metric it names is
served in this run: by the exporter (the names Prometheus scraped from it, plus Prometheus's own
per-target series such as up) or by a recording rule whose inputs are served. Alert expressions are
normally empty (nothing is wrong), so for them each vector selector must return data instead.
An expression that names a metric this build does not serve (not yet, or not in the default
metrics.profile the exporter runs with here, as the per-second rates and the error causes), or
uses a template variable with no values for that reason, may return nothing: the test lists those,
and why, at the end.

Standard library only. Exit status 0 when everything holds; the last line is "N passed, N failed".
"""

import argparse
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from report import Report, log

# Network namespace layout. Names stay within IFNAMSIZ and are unlikely to clash.
TRAFFIC = ("nxa0", "nxa1")   # raw frames nxa0 -> nxa1
FLAPPING = ("nxf0", "nxf1")  # nxf1 toggled down/up: nxf0 loses carrier each time
DOWN = ("nxd0", "nxd1")      # nxd1 down: nxd0 admin up, oper down (NetifInterfaceDown pending)
BRIDGE = "nxbr0"             # up, with one port:
BRIDGE_PORT = ("nxb0", "nxb1")  # nxb0 a port of nxbr0 (netif_info{master="nxbr0"})
# A pod (issue 18): host veth nxp0 whose peer eth0 lives in a namespace of its own, held by a
# process in a cgroup named the kubelet's way (systemd driver, cgroup v2, containerd), with a
# kubelet-style log directory, so netif_pod_info, the per-pod rules and the Pods dashboard get data.
POD_VETH = "nxp0"
POD_NAMESPACE, POD_NAME = "promql", "web-0"
SNMP_TARGET = "lab-sw1"
# Template variable values the test picks when offered: the traffic interface, locally and as
# the SNMP agent reports it.
PREFERRED = {"device": TRAFFIC[0], "port": TRAFFIC[1], "target": SNMP_TARGET}

# Grafana's built-in variables, for Prometheus scraping every second.
BUILTINS = {
    "__rate_interval": "4s",
    "__interval": "2s",
    "__interval_ms": "2000",
    "__range": "1m",
    "__range_s": "60",
    "__range_ms": "60000",
}
SCRAPE_INTERVAL_S = 1
MIN_SCRAPES = 10
TRAFFIC_SECONDS_MAX = 180  # the sender stops by itself even if the test hangs

PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or",
    "unless", "atan2", "inf", "nan", "start", "end",
}
AGGREGATORS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
    "quantile",
}


def die_with_parent():
    """preexec_fn: SIGTERM this child when its parent dies (a CTest timeout kills the test's own
    process only), so no exporter, Prometheus or snmpd outlives the test."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# ------------------------------------------------------------------------------------------------
# PromQL scanning: which metric names and vector selectors an expression uses. Not a full parser
# (Prometheus parses; this only has to find selectors): strings, label matchers, durations and
# label lists are skipped, identifiers followed by "(" are functions, keywords are keywords.

IDENT = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def _skip_string(expr, i):
    quote = expr[i]
    i += 1
    while i < len(expr) and expr[i] != quote:
        i += 2 if expr[i] == "\\" and quote != "`" else 1
    return i + 1


def _skip_group(expr, i, open_ch, close_ch):
    depth = 0
    while i < len(expr):
        c = expr[i]
        if c in "\"'`":
            i = _skip_string(expr, i)
            continue
        if c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _next_nonspace(expr, i):
    while i < len(expr) and expr[i].isspace():
        i += 1
    return i


def selectors(expr):
    """[(metric name or None, selector text)] for every vector selector in expr, without any
    range or offset."""
    out = []
    i = 0
    while i < len(expr):
        c = expr[i]
        if c in "\"'`":
            i = _skip_string(expr, i)
        elif c == "[":
            i = _skip_group(expr, i, "[", "]")
        elif c == "{":
            end = _skip_group(expr, i, "{", "}")
            matchers = expr[i:end]
            m = re.search(r"__name__\s*=\s*\"([^\"]+)\"", matchers)
            out.append((m.group(1) if m else None, matchers))
            i = end
        elif c.isdigit() or (c == "." and i + 1 < len(expr) and expr[i + 1].isdigit()):
            m = re.compile(r"(0x[0-9a-fA-F]+|[0-9.]+([eE][-+]?[0-9]+)?[a-zA-Z0-9]*)").match(expr, i)
            i = m.end()
        elif IDENT.match(expr, i):
            word = IDENT.match(expr, i).group(0)
            j = _next_nonspace(expr, i + len(word))
            follows = expr[j] if j < len(expr) else ""
            low = word.lower()
            if low in ("by", "without", "on", "ignoring", "group_left", "group_right") and follows == "(":
                i = _skip_group(expr, j, "(", ")")
            elif follows == "(" or low in PROMQL_KEYWORDS or (low in AGGREGATORS and follows.isalpha()):
                i += len(word)
            else:
                if follows == "{":
                    end = _skip_group(expr, j, "{", "}")
                    out.append((word, word + expr[j:end]))
                    i = end
                else:
                    out.append((word, word))
                    i += len(word)
        else:
            i += 1
    return out


def metric_names(expr):
    return sorted({name for name, _ in selectors(expr) if name})


# ------------------------------------------------------------------------------------------------
# Prometheus HTTP API

class Prometheus:
    def __init__(self, base):
        self.base = base

    def get(self, path, params=None, method="GET"):
        data = urllib.parse.urlencode(params or {}, doseq=True)
        if method == "GET":
            req = urllib.request.Request(self.base + path + ("?" + data if data else ""))
        else:
            req = urllib.request.Request(self.base + path, data=data.encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            body = e.read()
            try:
                return json.loads(body)
            except ValueError:
                return {"status": "error", "error": f"HTTP {e.code}: {body[:200]!r}"}

    def query(self, expr):
        return self.get("/api/v1/query", {"query": expr, "time": f"{time.time():.3f}"}, method="POST")

    def label_values(self, label, match):
        now = time.time()
        params = {"start": f"{now - 300:.3f}", "end": f"{now:.3f}"}
        if match:
            params["match[]"] = match
        return self.get(f"/api/v1/label/{urllib.parse.quote(label)}/values", params)


# ------------------------------------------------------------------------------------------------
# Results

def evaluate(prom, report, where, expr, available, unavailable_reason, need="data"):
    """Evaluates expr; need = "data" (must return data when its metrics are available) or
    "selectors" (alerts: the expression must parse, each selector must return data)."""
    res = prom.query(expr)
    if res.get("status") != "success":
        report.fail(where, f"does not evaluate: {res.get('errorType', '')} {res.get('error', res)}",
                    context=f"expr: {expr}")
        return
    names = metric_names(expr)
    missing = [n for n in names if n not in available]
    if need == "selectors":
        empty = []
        for name, sel in selectors(expr):
            if name is None or name in missing:
                continue
            r = prom.query(sel)
            if r.get("status") != "success" or not r["data"]["result"]:
                empty.append(sel)
        if empty:
            report.fail(where, "selectors return no data although their metrics are served: "
                        + ", ".join(empty), context=f"expr: {expr}")
        elif missing:
            report.tolerated(where, "metrics not served by this build in its default profile: " + ", ".join(missing))
        else:
            firing = len(res["data"]["result"])
            report.ok(where, f"parses, every selector has data ({firing} series match now)")
        return
    if res["data"]["result"] not in ([], None) and not (
            res["data"]["resultType"] == "scalar" and res["data"]["result"] is None):
        report.ok(where, "data")
        return
    if missing:
        report.tolerated(where, "metrics not served by this build in its default profile: " + ", ".join(missing))
    elif unavailable_reason:
        report.tolerated(where, unavailable_reason)
    else:
        report.fail(where, "returned no data although every metric it names is served "
                    f"({', '.join(names) or 'no metric'})", context=f"expr: {expr}")


# ------------------------------------------------------------------------------------------------
# Dashboards

VAR_REF = re.compile(r"\$\{(\w+)(?::[\w]+)?\}|\[\[(\w+)\]\]|\$(\w+)")


def substitute(text, values):
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name in values:
            return values[name]
        return m.group(0)
    return VAR_REF.sub(repl, text)


def used_vars(text):
    return {m.group(1) or m.group(2) or m.group(3) for m in VAR_REF.finditer(text)}


def panel_targets(panels):
    for panel in panels:
        yield from panel_targets(panel.get("panels", []))
        for t in panel.get("targets", []) or []:
            if t.get("expr"):
                yield panel.get("title", "?"), t


def check_dashboard(prom, report, path, available):
    dash = json.load(open(path))
    name = os.path.basename(path)
    values = dict(BUILTINS)
    empty_vars = {}  # variable -> why it has no values
    for var in dash.get("templating", {}).get("list", []):
        vname = var.get("name")
        if var.get("type") == "datasource":
            values[vname] = "prometheus"
            continue
        if var.get("type") in ("constant", "custom", "textbox", "interval"):
            values[vname] = str(var.get("query", "")).split(",")[0]
            continue
        if var.get("type") != "query":
            report.fail(f"{name} ${vname}", f"variable type {var.get('type')} not understood by the test")
            continue
        query = var.get("query")
        query = query.get("query", "") if isinstance(query, dict) else (query or "")
        where = f"{name} variable ${vname}"
        m = re.fullmatch(r"\s*label_values\((?:(.*),)?\s*(\w+)\s*\)\s*", query, re.S)
        if not m:
            report.fail(where, "only label_values(...) variable queries are understood by the test",
                        context=f"query: {query}")
            continue
        selector, label = (m.group(1) or "").strip(), m.group(2)
        inherited = [v for v in used_vars(selector) if v in empty_vars]
        selector_sub = substitute(selector, values)
        res = prom.label_values(label, selector_sub)
        if res.get("status") != "success":
            report.fail(where, f"label values query fails: {res.get('error', res)}",
                        context=f"query: {query}")
            values[vname] = "__no_value__"
            continue
        got = sorted(res["data"])
        if got:
            pick = PREFERRED.get(vname) if PREFERRED.get(vname) in got else got[0]
            values[vname] = pick
            report.ok(where, f"{len(got)} values, using {pick!r}")
            continue
        values[vname] = "__no_value__"
        missing = [n for n in metric_names(selector) if n not in available]
        if inherited:
            why = f"depends on ${inherited[0]}, which has no values"
        elif missing:
            why = "metrics not served by this build in its default profile: " + ", ".join(missing)
        else:
            report.fail(where, "no values although its metric is served", context=f"query: {query}")
            continue
        empty_vars[vname] = why
        report.tolerated(where, why)

    exprs = [(f"{name} / {title} / {t.get('refId', '?')}", t["expr"]) for title, t in panel_targets(dash["panels"])]
    for ann in dash.get("annotations", {}).get("list", []):
        if ann.get("expr"):
            exprs.append((f"{name} / annotation {ann.get('name')}", ann["expr"]))
    for where, expr in exprs:
        reason = ""
        for v in sorted(used_vars(expr)):
            if v in empty_vars:
                reason = f"uses ${v}, which has no values ({empty_vars[v]})"
                break
        unknown = [v for v in used_vars(expr) if v not in values]
        if unknown:
            report.fail(where, "undefined template variables: " + ", ".join("$" + v for v in unknown),
                        context=f"expr: {expr}")
            continue
        evaluate(prom, report, where, substitute(expr, values), available, reason)


# ------------------------------------------------------------------------------------------------
# The promtool unit tests must model the series as the exporter really labels them: a join such
# as `ignoring (kind)` is only proven by a unit test whose input series carry the real labels.

SERIES_LINE = re.compile(r"series:\s*(?:>-\s*)?['\"]?([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}", re.S)


def check_test_label_shapes(prom, report, source_dir):
    live = {}  # metric -> [label-name sets]
    res = prom.get("/api/v1/series", {"match[]": '{job="netif_exporter"}'})
    for s in res.get("data", []):
        live.setdefault(s["__name__"], []).append(frozenset(s) - {"__name__", "job", "instance"})
    seen = set()
    for path in sorted(glob.glob(os.path.join(source_dir, "deploy/prometheus/tests/*.yml"))):
        for m in SERIES_LINE.finditer(open(path).read()):
            name = m.group(1)
            labels = frozenset(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*=", m.group(2))) - {"job", "instance"}
            if (name, labels) in seen or name not in live:
                continue  # not served here (or up, which has no labels beyond job/instance)
            seen.add((name, labels))
            where = f"{os.path.basename(path)}: {name}{{{','.join(sorted(labels))}}}"
            # Compare like with like: SNMP ports (a target label) with SNMP ports, local with local.
            shape = [ls for ls in live[name] if ("target" in ls) == ("target" in labels)]
            if not shape:
                why = "no SNMP series in this run" if "target" in labels else "no local series in this run"
                report.tolerated(where, f"{why} to compare this test series with")
                continue
            always = frozenset.intersection(*shape)
            union = frozenset.union(*shape)
            if always <= labels <= union:
                report.ok(where, "label names as the exporter serves them")
            else:
                report.fail(where, f"the exporter labels {name} with {sorted(always)} always and "
                            f"{sorted(union - always)} sometimes; the unit test has {sorted(labels)}")


# ------------------------------------------------------------------------------------------------
# The run inside the namespace

def snmp_section(port):
    """An SNMP target (issue 5's config shape) on the namespace's own snmpd."""
    return f"""snmp:
  defaults: {{interval: 5s, timeout: 2s, retries: 1, max_repetitions: 25}}
  targets:
    - name: {SNMP_TARGET}
      address: 127.0.0.1:{port}
      version: 2c
      community: public
"""


def config_supported(binary, workdir, section):
    """(True, "") when the build accepts this configuration, else (False, its error)."""
    path = os.path.join(workdir, "probe.yml")
    with open(path, "w") as f:
        f.write("---\n" + section)
    r = subprocess.run([binary, f"--config.file={path}", "--check-config"], capture_output=True, text=True)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def snmp_supported(binary, workdir):
    """(True, "") when the build accepts an snmp: section, else (False, its error). The manifests
    test requires deploy/kubernetes' SNMP ConfigMap to pass --check-config, so a build that
    rejects this section fails there, not silently here."""
    return config_supported(binary, workdir, snmp_section(free_port_udp()))


def kubernetes_section(pod_logs):
    """The Kubernetes source (issue 18) on, reading the test's pod log tree."""
    return f"""kubernetes:
  enabled: true
  reconcile_interval: 1s
  path_pod_logs: {json.dumps(pod_logs)}
"""


# The test's veths stand in for physical links, so the anomaly detector (physical and SNMP
# ports only by default, issue 20) runs on them too.
ANOMALY_CLASSES = "  anomaly:\n    classes: [physical, veth, snmp]\n"


def start_snmpd(workdir):
    """Debian's snmpd on a loopback UDP port of the namespace: IF-MIB for lo and the veths."""
    snmpd = shutil.which("snmpd") or "/usr/sbin/snmpd"
    if not os.access(snmpd, os.X_OK):
        raise RuntimeError("snmpd not found (scripts/install-deps.sh installs it)")
    port = free_port_udp()
    conf = os.path.join(workdir, "snmpd.conf")
    with open(conf, "w") as f:
        f.write(f"agentAddress udp:127.0.0.1:{port}\nrocommunity public 127.0.0.1\n")
        # snmpd does not read the kernel's interface aliases: hand them to ifAlias (IF-MIB
        # ifXTable column 18), as a configured switch port would have them.
        for dev in TRAFFIC:
            index = open(f"/sys/class/net/{dev}/ifindex").read().strip()
            alias = open(f"/sys/class/net/{dev}/ifalias").read().strip()
            if alias:
                f.write(f'override .1.3.6.1.2.1.31.1.1.1.18.{index} octet_str "{alias}"\n')
    logf = open(os.path.join(workdir, "snmpd.log"), "w")
    proc = subprocess.Popen([snmpd, "-f", "-Lo", "-C", "-c", conf, "-p", os.path.join(workdir, "snmpd.pid")],
                            stdout=logf, stderr=logf, env=dict(os.environ, MIBS=""), preexec_fn=die_with_parent)
    time.sleep(1)
    if proc.poll() is not None:
        raise RuntimeError("snmpd exited:\n" + open(logf.name).read()[-2000:])
    return proc, port


def start_exporter(binary, workdir, snmp_port=None, extra_sections="", anomaly_classes=""):
    config = os.path.join(workdir, "netif_exporter.yml")
    with open(config, "w") as f:
        f.write(f"""---
web:
  listen_address: "127.0.0.1:0"
collection:
  interval: 1s
analytics:
  capacity_bps:
    {TRAFFIC[0]}: 50M
    {TRAFFIC[1]}: 50M
""" + anomaly_classes + (snmp_section(snmp_port) if snmp_port else "") + extra_sections)
    err = open(os.path.join(workdir, "exporter.log"), "w+")
    proc = subprocess.Popen([binary, f"--config.file={config}"], stdout=err, stderr=err,
                            preexec_fn=die_with_parent)
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        err.seek(0)
        m = re.search(r"msg=\"?listening\"?.*?port[=\":]+(\d+)", err.read())
        if m:
            return proc, int(m.group(1))
        time.sleep(0.1)
    err.seek(0)
    raise RuntimeError("exporter did not start:\n" + err.read())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_prometheus(binary, workdir, exporter_port, rule_files):
    config = os.path.join(workdir, "prometheus.yml")
    rules = "\n".join(f"  - {json.dumps(os.path.abspath(r))}" for r in rule_files)
    with open(config, "w") as f:
        f.write(f"""---
global:
  scrape_interval: {SCRAPE_INTERVAL_S}s
  scrape_timeout: {SCRAPE_INTERVAL_S}s
  evaluation_interval: {SCRAPE_INTERVAL_S}s
rule_files:
{rules}
scrape_configs:
  - job_name: netif_exporter
    static_configs:
      - targets: ["127.0.0.1:{exporter_port}"]
""")
    port = free_port()
    logf = open(os.path.join(workdir, "prometheus.log"), "w")
    proc = subprocess.Popen([binary, f"--config.file={config}",
                             f"--storage.tsdb.path={os.path.join(workdir, 'tsdb')}",
                             f"--web.listen-address=127.0.0.1:{port}",
                             "--storage.tsdb.retention.time=1h", "--log.level=warn"],
                            stdout=logf, stderr=logf, preexec_fn=die_with_parent)
    prom = Prometheus(f"http://127.0.0.1:{port}")
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("prometheus exited:\n" + open(logf.name).read())
        try:
            with urllib.request.urlopen(prom.base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    return proc, prom
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError("prometheus not ready in 60 s:\n" + open(logf.name).read())


def send_frames(stop, device, dst_mac):
    """Bounded raw Ethernet sender: ~2,000 frames/s of 1,000 bytes (~16 Mbit/s) with a few
    bursts, local-experimental EtherType 0x88B5, until stopped or TRAFFIC_SECONDS_MAX."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((device, 0))
    src = bytes.fromhex(open(f"/sys/class/net/{device}/address").read().strip().replace(":", ""))
    frame = bytes.fromhex(dst_mac.replace(":", "")) + src + b"\x88\xb5" + bytes(986)
    start = time.time()
    sent = 0
    while not stop.is_set() and time.time() - start < TRAFFIC_SECONDS_MAX:
        burst = 60 if int(time.time() - start) % 7 == 0 else 20
        for _ in range(burst):
            s.send(frame)
        sent += burst
        time.sleep(0.01)
    s.close()
    return sent


def flap(stop, device, times):
    for _ in range(times):
        if stop.wait(1.5):
            return
        subprocess.run(["ip", "link", "set", device, "down"], check=True)
        if stop.wait(1.5):
            subprocess.run(["ip", "link", "set", device, "up"], check=True)
            return
        subprocess.run(["ip", "link", "set", device, "up"], check=True)


def inner(args):
    report = Report()
    workdir = tempfile.mkdtemp(prefix="netif-promql-")
    procs = []
    stop = threading.Event()
    threads = []
    try:
        supported, why = snmp_supported(args.exporter, workdir)
        snmp_port = None
        if supported:
            snmpd, snmp_port = start_snmpd(workdir)
            procs.append(snmpd)
            log(f"SNMP: polling snmpd on udp 127.0.0.1:{snmp_port} as target {SNMP_TARGET}")
        else:
            log("SNMP: this build rejects an snmp: section, so no SNMP target is polled and SNMP "
                f"expressions can only be checked to parse ({why})")
        k8s = kubernetes_section(args.pod_logs)
        k8s_ok, why = config_supported(args.exporter, workdir, k8s)
        if k8s_ok:
            log(f"Kubernetes: pod {POD_NAMESPACE}/{POD_NAME} behind {POD_VETH}, pod logs in {args.pod_logs}")
        else:
            # The project's own keys: a build that refuses them is broken, not older; without
            # the pod the Pods dashboard's queries would pass as "not served".
            report.fail("setup", f"the exporter rejects the kubernetes: section ({why})")
        classes = "analytics:\n" + ANOMALY_CLASSES
        classes_ok, why = config_supported(args.exporter, workdir, classes)
        if not classes_ok:
            report.fail("setup", f"the exporter rejects analytics.anomaly.classes ({why})")
        exporter, exporter_port = start_exporter(args.exporter, workdir, snmp_port,
                                                 extra_sections=k8s if k8s_ok else "",
                                                 anomaly_classes=ANOMALY_CLASSES if classes_ok else "")
        procs.append(exporter)
        log(f"exporter listening on 127.0.0.1:{exporter_port} (pid {exporter.pid})")
        # One link change on the traffic pair, so its last-change timestamp exists too; longer
        # than two collection intervals, so the sysfs sampler sees it even without rtnetlink.
        subprocess.run(["ip", "link", "set", TRAFFIC[1], "down"], check=True)
        time.sleep(2.5)
        subprocess.run(["ip", "link", "set", TRAFFIC[1], "up"], check=True)
        dst = open(f"/sys/class/net/{TRAFFIC[1]}/address").read().strip()
        threads.append(threading.Thread(target=send_frames, args=(stop, TRAFFIC[0], dst), daemon=True))
        threads.append(threading.Thread(target=flap, args=(stop, FLAPPING[1], 4), daemon=True))
        # Into the pod (broadcast: the pod's end takes it whatever its address).
        threads.append(threading.Thread(target=send_frames, args=(stop, POD_VETH, "ff:ff:ff:ff:ff:ff"),
                                        daemon=True))
        for t in threads:
            t.start()

        rule_files = sorted(glob.glob(os.path.join(args.source_dir, "deploy/prometheus/rules/*.yml")))
        dashboards = sorted(glob.glob(os.path.join(args.source_dir, "grafana/dashboards/*.json")))
        if not rule_files or not dashboards:
            report.fail("setup", "no rule files or no dashboards found")
            return report
        prometheus, prom = start_prometheus(args.prometheus, workdir, exporter_port, rule_files)
        procs.append(prometheus)
        log(f"prometheus on {prom.base}, {len(rule_files)} rule files, {len(dashboards)} dashboards")

        deadline = time.time() + 90
        while True:
            r = prom.query('count_over_time(up{job="netif_exporter"}[5m])')
            n = int(float(r["data"]["result"][0]["value"][1])) if r.get("status") == "success" and \
                r["data"]["result"] else 0
            if n >= MIN_SCRAPES:
                break
            if time.time() > deadline:
                report.fail("setup", f"only {n} scrapes in 90 s")
                return report
            time.sleep(0.5)
        r = prom.query('up{job="netif_exporter"}')
        if not r["data"]["result"] or r["data"]["result"][0]["value"][1] != "1":
            report.fail("setup", f"the exporter is not up in Prometheus: {r}")
            return report

        # What this run serves: every name Prometheus scraped from the exporter (including up and
        # scrape_*), plus recording rules whose inputs are all served.
        r = prom.query('group by (__name__) ({job="netif_exporter"})')
        served = {s["metric"]["__name__"] for s in r["data"]["result"]}
        log(f"the exporter serves {len(served)} metric names")
        groups = prom.get("/api/v1/rules")["data"]["groups"]
        rules = [rule for g in groups for rule in g["rules"]]
        available = set(served)
        recorded = {rule["name"]: rule["query"] for rule in rules if rule["type"] == "recording"}
        changed = True
        while changed:
            changed = False
            for name, query in recorded.items():
                if name not in available and all(n in available for n in metric_names(query)):
                    available.add(name)
                    changed = True
        loaded = {g["file"] for g in groups}
        for f in rule_files:
            if os.path.abspath(f) not in loaded:
                report.fail(f, "rule file has no groups loaded by Prometheus")

        # Let every rule evaluate a few times after the first scrapes.
        time.sleep(3)
        for rule in prom.get("/api/v1/rules")["data"]["groups"]:
            for r in rule["rules"]:
                label = r["name"]
                where = f"{os.path.basename(rule['file'])} / {rule['name']} / {label}"
                if r.get("health") != "ok":
                    report.fail(where, f"rule health {r.get('health')}: {r.get('lastError')}",
                                context=f"expr: {r['query']}")
                    continue
                evaluate(prom, report, where, r["query"], available, "",
                         need="selectors" if r["type"] == "alerting" else "data")
        # Alerts that are pending or firing now: their annotations must render.
        seen = set()
        for alert in prom.get("/api/v1/alerts")["data"]["alerts"]:
            key = json.dumps(alert["labels"], sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            name = alert["labels"].get("alertname")
            bad = {k: v for k, v in alert.get("annotations", {}).items()
                   if "error expanding" in v or "<no value>" in v}
            where = f"alert {name} {alert['state']} {alert['labels']}"
            if bad:
                report.fail(where, f"annotations do not render: {bad}")
            else:
                report.ok(where, "annotations render: " + alert["annotations"].get("summary", "?"))

        for path in dashboards:
            check_dashboard(prom, report, path, available)
        check_test_label_shapes(prom, report, args.source_dir)
    except Exception as e:  # a broken setup is a failure, reported, not a traceback
        report.fail("setup", f"{type(e).__name__}: {e}")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if report.failures:
            for name in ("exporter.log", "prometheus.log", "snmpd.log"):
                path = os.path.join(workdir, name)
                if os.path.exists(path):
                    log(f"--- {name} (last 30 lines)")
                    log("".join(open(path, errors="replace").readlines()[-30:]))
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def cgroup2_mount():
    """Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or .../unified on a hybrid host)."""
    for line in open("/proc/self/mountinfo"):
        head, _, tail = line.partition(" - ")
        fields, kind = head.split(), tail.split()
        if len(fields) >= 5 and kind and kind[0] == "cgroup2" and fields[3] == "/":
            return fields[4]
    raise RuntimeError("no cgroup2 mount in /proc/self/mountinfo")


class Pod:
    """A pod as the kubelet leaves it on a node: a network namespace with eth0, whose host end
    POD_VETH is in the test's namespace; a process holding the namespace in a cgroup of the
    systemd driver (kubepods-besteffort-pod<uid>.slice/cri-containerd-<id>.scope); and its log
    directory <namespace>_<pod>_<uid>/<container>. delete() undoes whatever was made."""

    def __init__(self, test_ns):
        self.netns = f"{test_ns}-pod"
        self.uid = str(uuid.uuid4())
        self.kubepods = os.path.join(cgroup2_mount(), "kubepods.slice")
        self.cgroup = os.path.join(self.kubepods, "kubepods-besteffort.slice",
                                   f"kubepods-besteffort-pod{self.uid.replace('-', '_')}.slice",
                                   f"cri-containerd-{uuid.uuid4().hex}{uuid.uuid4().hex}.scope")
        self.logs = tempfile.mkdtemp(prefix="netif-promql-pods-")
        self.proc = None

    def create(self, test_ns):
        subprocess.run(["ip", "netns", "add", self.netns], check=True)
        subprocess.run(["ip", "-n", test_ns, "link", "add", POD_VETH, "type", "veth", "peer", "name", "eth0",
                        "netns", self.netns], check=True)
        subprocess.run(["ip", "-n", test_ns, "link", "set", POD_VETH, "up"], check=True)
        subprocess.run(["ip", "-n", self.netns, "link", "set", "eth0", "up"], check=True)
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.netns, "sleep", str(TRAFFIC_SECONDS_MAX * 2)],
                                     preexec_fn=die_with_parent)
        # `ip netns exec` execs the command in place: move the pid once it is in the namespace.
        own = os.readlink("/proc/self/ns/net")
        for _ in range(200):
            if os.readlink(f"/proc/{self.proc.pid}/ns/net") != own:
                break
            time.sleep(0.01)
        else:
            raise RuntimeError(f"the pod's process never entered namespace {self.netns}")
        os.makedirs(self.cgroup, exist_ok=True)
        with open(os.path.join(self.cgroup, "cgroup.procs"), "w") as f:
            f.write(str(self.proc.pid))
        os.makedirs(os.path.join(self.logs, f"{POD_NAMESPACE}_{POD_NAME}_{self.uid}", "app"))

    def delete(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
        # Leaf first, then the kubelet's parents as far as they are empty (another test's pods
        # may share them).
        path = self.cgroup
        while path.startswith(self.kubepods):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass
            except OSError:
                break
            path = os.path.dirname(path)
        subprocess.run(["ip", "netns", "del", self.netns], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.logs, ignore_errors=True)


def outer(args):
    for tool in ("ip", args.prometheus, args.exporter):
        if not shutil.which(tool) and not os.access(tool, os.X_OK):
            log(f"FAIL: {tool} not found (scripts/install-deps.sh installs prometheus and iproute2)")
            return 1
    if os.geteuid() != 0:
        log("FAIL: needs root (network namespaces)")
        return 1
    # Namespaces left by earlier runs that were killed (their pid is gone) go first.
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for stale_pid in re.findall(r"^netif-promql-(\d+)\b", listed, re.M):
        if not os.path.exists(f"/proc/{stale_pid}"):
            for stale in (f"netif-promql-{stale_pid}", f"netif-promql-{stale_pid}-pod"):
                subprocess.run(["ip", "netns", "del", stale], stderr=subprocess.DEVNULL)
    ns = f"netif-promql-{os.getpid()}"

    def run(*cmd):
        subprocess.run(["ip", "-n", ns] + list(cmd), check=True)

    subprocess.run(["ip", "netns", "add", ns], check=True)
    pod = Pod(ns)
    try:
        run("link", "set", "lo", "up")
        for a, b in (TRAFFIC, FLAPPING, DOWN):
            run("link", "add", a, "type", "veth", "peer", "name", b)
            run("link", "set", a, "up")
            if (a, b) != DOWN:
                run("link", "set", b, "up")
        # A bridge port, so netif_info's master label carries a value as the unit tests model it.
        run("link", "add", BRIDGE, "type", "bridge")
        run("link", "add", BRIDGE_PORT[0], "type", "veth", "peer", "name", BRIDGE_PORT[1])
        run("link", "set", BRIDGE_PORT[0], "master", BRIDGE)
        for device in (BRIDGE, *BRIDGE_PORT):
            run("link", "set", device, "up")
        # Aliases, so ifalias (local) and ifAlias (SNMP, from the kernel's alias) carry values.
        run("link", "set", TRAFFIC[0], "alias", "traffic sender")
        run("link", "set", TRAFFIC[1], "alias", "traffic receiver")
        try:
            pod.create(ns)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            log(f"FAIL: cannot make the pod (a namespace, a veth, a process in a kubelet-named cgroup v2 "
                f"cgroup): {type(e).__name__}: {e}")
            return 1
        cmd = ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--inner",
               f"--exporter={os.path.abspath(args.exporter)}", f"--prometheus={shutil.which(args.prometheus)}",
               f"--source-dir={os.path.abspath(args.source_dir)}", f"--pod-logs={pod.logs}"]
        return subprocess.run(cmd, preexec_fn=die_with_parent).returncode
    finally:
        pod.delete()
        subprocess.run(["ip", "netns", "del", ns])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exporter", required=True)
    p.add_argument("--prometheus", default="prometheus")
    p.add_argument("--source-dir", required=True)
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--pod-logs", help=argparse.SUPPRESS)
    args = p.parse_args()
    if not args.inner:
        sys.exit(outer(args))
    # Killed by a timeout: clean up (stop the children, remove the work directory) on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    report = inner(args)
    sys.exit(report.finish(
        tolerated_title="Expressions without data because this build does not serve their metrics"))

if __name__ == "__main__":
    main()
