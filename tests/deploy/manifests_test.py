#!/usr/bin/python3
"""The deployment manifests against the real binary.

For every container of every workload in deploy/kubernetes/ (the files kustomization.yaml lists),
and for the systemd unit and the compose service:
  * the command line it would run (the Dockerfile's ENTRYPOINT, or the container's command, plus
    its args, with $(VAR) expanded from its env as the kubelet does: plain values, Secrets, and the
    downward API, e.g. the StatefulSet pod-index label for every ordinal) is accepted by the built
    exporter with --check-config, reading the ConfigMap's config from the manifest; volume mounts
    are emulated by rewriting paths under each mountPath to the volume's content here;
  * the exporter started with that command line (on 127.0.0.1:0; SNMP targets pointed at a closed
    loopback port so nothing leaves the machine) answers the liveness and readiness probe paths
    with 2xx within the probe's budget, and serves /metrics;
  * the pod spec holds what issue 7 requires (hostNetwork for the DaemonSet, non-root 65534,
    read-only root filesystem, all capabilities dropped, read-only /proc and /sys under /host,
    tolerations for every node, requests and limits, probes), Services select pods and name their
    ports, ServiceMonitors select Services, the StatefulSet's shard count equals its replicas.
The systemd unit also passes `systemd-analyze verify` and `systemd-analyze security --offline`.

Needs /usr/bin/python3 with python3-yaml (Debian; yamllint depends on it too). Exits 1 on any
failure; the last line is "N passed, N failed".
"""

import argparse
import base64
import glob
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from report import Report

try:
    import yaml
except ImportError:
    print("FAIL: python3-yaml is missing (scripts/install-deps.sh installs it)")
    print("0 passed, 1 failed")
    sys.exit(1)

WORKLOAD_KINDS = ("DaemonSet", "StatefulSet", "Deployment")
# Downward API fields the test can give a plausible value for.
FIELD_VALUES = {
    "metadata.name": "netif-exporter-0",
    "metadata.namespace": "netif-exporter",
    "spec.nodeName": "node-1",
    "status.podIP": "127.0.0.1",
    "status.hostIP": "127.0.0.1",
}
SYSTEMD_EXPOSURE_MAX = "15"  # systemd-analyze security --threshold, in tenths: 1.5 ("OK")


def load_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def dockerfile_entrypoint(source_dir):
    text = open(os.path.join(source_dir, "Dockerfile")).read()
    entry = re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", text, re.M)
    if not entry:
        raise RuntimeError("Dockerfile has no exec-form ENTRYPOINT")
    return json.loads(entry[-1])


def expand_k8s(text, env):
    """$(VAR) expansion as the kubelet does it; an undefined reference is an error here."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and ")" in text[i:]:
            end = text.index(")", i)
            name = text[i + 2:end]
            if name not in env:
                raise ValueError(f"$({name}) is not defined in the container's env")
            out.append(env[name])
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def env_variants(container, objects, workload):
    """Every environment the container can get: one per StatefulSet ordinal when the env uses the
    pod-index label, else one."""
    variants = [{}]
    for var in container.get("env", []) or []:
        name = var["name"]
        if "value" in var:
            values = [str(var["value"])]
        elif "valueFrom" in var and "fieldRef" in var["valueFrom"]:
            path = var["valueFrom"]["fieldRef"]["fieldPath"]
            if path == "metadata.labels['apps.kubernetes.io/pod-index']":
                if workload["kind"] != "StatefulSet":
                    raise ValueError("the pod-index label exists only on StatefulSet pods")
                values = [str(i) for i in range(int(workload["spec"].get("replicas", 1)))]
            elif path in FIELD_VALUES:
                values = [FIELD_VALUES[path]]
            else:
                raise ValueError(f"env {name}: fieldRef {path} is not emulated by the test")
        elif "valueFrom" in var and "secretKeyRef" in var["valueFrom"]:
            ref = var["valueFrom"]["secretKeyRef"]
            secret = objects.get(("Secret", ref["name"]))
            if secret is None:
                raise ValueError(f"env {name}: Secret {ref['name']} is not in the manifests")
            if ref["key"] in (secret.get("stringData") or {}):
                values = [secret["stringData"][ref["key"]]]
            elif ref["key"] in (secret.get("data") or {}):
                values = [base64.b64decode(secret["data"][ref["key"]]).decode()]
            else:
                raise ValueError(f"env {name}: Secret {ref['name']} has no key {ref['key']}")
        elif "valueFrom" in var and "configMapKeyRef" in var["valueFrom"]:
            ref = var["valueFrom"]["configMapKeyRef"]
            values = [objects[("ConfigMap", ref["name"])]["data"][ref["key"]]]
        else:
            raise ValueError(f"env {name}: source not emulated by the test")
        variants = [dict(v, **{name: value}) for v in variants for value in values]
    return variants


def materialize_mounts(pod_spec, container, objects, root):
    """mountPath -> a local path with the volume's content (ConfigMap files written out, hostPath
    as is)."""
    volumes = {v["name"]: v for v in pod_spec.get("volumes", []) or []}
    mounts = {}
    for m in container.get("volumeMounts", []) or []:
        vol = volumes[m["name"]]
        if "configMap" in vol:
            cm = objects[("ConfigMap", vol["configMap"]["name"])]
            local = os.path.join(root, m["name"])
            os.makedirs(local, exist_ok=True)
            for key, value in (cm.get("data") or {}).items():
                with open(os.path.join(local, key), "w") as f:
                    f.write(value)
        elif "hostPath" in vol and vol["hostPath"].get("type") == "DirectoryOrCreate":
            # State the pod writes (--storage.path): a fresh directory here, never the host's.
            local = os.path.join(root, m["name"])
            os.makedirs(local, exist_ok=True)
        elif "hostPath" in vol:
            local = vol["hostPath"]["path"]
        elif "secret" in vol:
            sec = objects[("Secret", vol["secret"]["secretName"])]
            local = os.path.join(root, m["name"])
            os.makedirs(local, exist_ok=True)
            for key, value in (sec.get("stringData") or {}).items():
                with open(os.path.join(local, key), "w") as f:
                    f.write(value)
        elif "emptyDir" in vol:
            local = os.path.join(root, m["name"])
            os.makedirs(local, exist_ok=True)
        else:
            raise ValueError(f"volume {m['name']}: kind not emulated by the test")
        mounts[m["mountPath"].rstrip("/")] = local
    return mounts


def rewrite_paths(arg, mounts, binary_path, image_binary):
    if arg == image_binary:
        return binary_path
    for mount in sorted(mounts, key=len, reverse=True):
        for sep in ("=", ""):
            prefix = (arg.split("=", 1)[0] + "=") if sep and "=" in arg else ""
            value = arg[len(prefix):]
            if value == mount or value.startswith(mount + "/"):
                return prefix + mounts[mount] + value[len(mount):]
    return arg


def flag_value(argv, flag):
    value = None
    for a in argv:
        if a.startswith(flag + "="):
            value = a.split("=", 1)[1]
    return value


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe_config(config_path, workdir):
    """A copy of the config whose SNMP targets point at a closed loopback port, so a running
    exporter sends nothing off this machine."""
    config = yaml.safe_load(open(config_path)) or {}
    targets = (config.get("snmp") or {}).get("targets") or []
    if not targets:
        return config_path
    closed = free_port(socket.SOCK_DGRAM)
    for t in targets:
        t["address"] = f"127.0.0.1:{closed}"
    path = os.path.join(workdir, "probe-config.yml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    return path


def run_check_config(report, what, argv, env):
    r = subprocess.run(argv + ["--check-config"], capture_output=True, text=True, env=env, timeout=30)
    report.check(r.returncode == 0, f"{what}: --check-config accepts {shlex.join(argv[1:])}",
                 f"exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")


def http_get(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return None, str(e).encode()


def run_probes(report, what, argv, env, probes, workdir):
    """Starts the exporter with argv (listening on 127.0.0.1:0) and GETs each probe path."""
    argv = [a for a in argv if not a.startswith("--web.listen-address")]
    argv.append("--web.listen-address=127.0.0.1:0")
    log_path = os.path.join(workdir, "exporter.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=log, env=env)
    try:
        port = None
        deadline = time.time() + 15
        while time.time() < deadline and proc.poll() is None and port is None:
            m = re.search(r"\"?msg\"?[=:]\"?listening\"?.*?\"?port\"?[=:](\d+)", open(log_path).read())
            port = int(m.group(1)) if m else None
            time.sleep(0.1)
        if not report.check(port is not None, f"{what}: starts and logs its port",
                            open(log_path).read()[-2000:]):
            return
        for kind, probe in probes:
            get = probe.get("httpGet")
            if not report.check(get is not None, f"{what}: {kind} is an httpGet", str(probe)):
                continue
            budget = probe.get("initialDelaySeconds", 0) + probe.get("periodSeconds", 10) * probe.get(
                "failureThreshold", 3)
            deadline = time.time() + min(budget, 30)
            status, body = None, b""
            while time.time() < deadline:
                status, body = http_get(f"http://127.0.0.1:{port}{get['path']}")
                if status is not None and 200 <= status < 400:
                    break
                time.sleep(0.25)
            report.check(status is not None and 200 <= status < 400,
                         f"{what}: {kind} GET {get['path']} answers {status}", body[:200])
        status, body = http_get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        report.check(status == 200 and b"netif_exporter_build_info" in body, f"{what}: GET /metrics answers 200",
                     f"{status}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def container_port_number(container, port):
    if isinstance(port, int):
        return port
    for p in container.get("ports", []) or []:
        if p.get("name") == port:
            return p["containerPort"]
    return None


def listen_port(argv, config_path):
    address = flag_value(argv, "--web.listen-address")
    if address is None and config_path:
        config = yaml.safe_load(open(config_path)) or {}
        address = (config.get("web") or {}).get("listen_address")
    address = address or ":10100"
    return int(address.rsplit(":", 1)[1])


def check_pod_security(report, what, workload, pod_spec, container):
    sc = pod_spec.get("securityContext") or {}
    csc = container.get("securityContext") or {}
    report.check(sc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True,
                 f"{what}: runAsNonRoot", str(sc))
    report.check((csc.get("runAsUser") or sc.get("runAsUser")) == 65534, f"{what}: runs as 65534", str(sc))
    report.check(csc.get("readOnlyRootFilesystem") is True, f"{what}: readOnlyRootFilesystem", str(csc))
    report.check(csc.get("allowPrivilegeEscalation") is False, f"{what}: allowPrivilegeEscalation false", str(csc))
    report.check((csc.get("capabilities") or {}).get("drop") == ["ALL"] and not (csc.get("capabilities") or {}).get("add"),
                 f"{what}: every capability dropped, none added", str(csc.get("capabilities")))
    report.check(not pod_spec.get("hostPID") and not pod_spec.get("hostIPC") and not csc.get("privileged"),
                 f"{what}: no hostPID, hostIPC or privileged", "")
    res = container.get("resources") or {}
    report.check(all(k in (res.get("requests") or {}) for k in ("cpu", "memory"))
                 and "memory" in (res.get("limits") or {}), f"{what}: cpu/memory requests and a memory limit",
                 str(res))
    report.check("livenessProbe" in container and "readinessProbe" in container,
                 f"{what}: liveness and readiness probes", "")
    if workload["kind"] == "DaemonSet":
        report.check(pod_spec.get("hostNetwork") is True, f"{what}: hostNetwork (interfaces are per netns)", "")
        tolerations = pod_spec.get("tolerations") or []
        report.check(any(t.get("operator") == "Exists" and "key" not in t and "effect" not in t
                         for t in tolerations), f"{what}: tolerates every taint", str(tolerations))
        volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
        for host, mount in (("/proc", "/host/proc"), ("/sys", "/host/sys")):
            ok = any(m["mountPath"] == mount and m.get("readOnly") is True
                     and (volumes[m["name"]].get("hostPath") or {}).get("path") == host
                     for m in container.get("volumeMounts", []))
            report.check(ok, f"{what}: host {host} mounted read-only at {mount}", "")


def check_kubernetes(report, source_dir, binary, workdir):
    kdir = os.path.join(source_dir, "deploy/kubernetes")
    kustomization = yaml.safe_load(open(os.path.join(kdir, "kustomization.yaml")))
    resources = kustomization.get("resources", [])
    manifests = sorted(os.path.basename(p) for p in glob.glob(os.path.join(kdir, "*.yaml"))
                       if os.path.basename(p) != "kustomization.yaml")
    report.check(sorted(resources) == manifests, "kustomization.yaml lists every manifest in deploy/kubernetes",
                 f"resources {sorted(resources)} vs files {manifests}")
    objects = {}
    for r in resources:
        for doc in load_docs(os.path.join(kdir, r)):
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    namespace = kustomization.get("namespace")
    ns = objects.get(("Namespace", namespace)) or {}
    report.check((ns.get("metadata", {}).get("labels") or {}).get("pod-security.kubernetes.io/enforce") == "privileged",
                 f"namespace {namespace} enforces Pod Security 'privileged' (hostNetwork)", str(ns.get("metadata")))
    entrypoint = dockerfile_entrypoint(source_dir)
    workloads = [o for (kind, _), o in objects.items() if kind in WORKLOAD_KINDS]
    report.check(any(w["kind"] == "DaemonSet" for w in workloads) and any(w["kind"] == "StatefulSet" for w in workloads),
                 "a DaemonSet (local) and a StatefulSet (SNMP) are deployed", str([w["kind"] for w in workloads]))
    services = [o for (kind, _), o in objects.items() if kind == "Service"]
    for workload in workloads:
        pod = workload["spec"]["template"]
        pod_spec = dict(pod["spec"])
        # A StatefulSet's claim templates are volumes of each pod: emulated as empty directories.
        claims = [{"name": t["metadata"]["name"], "emptyDir": {}}
                  for t in workload["spec"].get("volumeClaimTemplates", []) or []]
        if claims:
            pod_spec["volumes"] = list(pod_spec.get("volumes", []) or []) + claims
        wname = f"{workload['kind']}/{workload['metadata']['name']}"
        selector = workload["spec"]["selector"]["matchLabels"]
        report.check(all(pod["metadata"]["labels"].get(k) == v for k, v in selector.items()),
                     f"{wname}: selector matches its pod labels", "")
        for container in pod_spec["containers"]:
            what = f"{wname}/{container['name']}"
            check_pod_security(report, what, workload, pod_spec, container)
            cdir = tempfile.mkdtemp(dir=workdir)
            try:
                mounts = materialize_mounts(pod_spec, container, objects, cdir)
                variants = env_variants(container, objects, workload)
            except (ValueError, KeyError) as e:
                report.check(False, f"{what}: volumes and env can be emulated", str(e))
                continue
            base = list(container.get("command") or entrypoint) + list(container.get("args") or [])
            shard = [a for a in container.get("args") or [] if a.startswith("--snmp.shard=")]
            if workload["kind"] == "StatefulSet":
                m = re.fullmatch(r"--snmp\.shard=\$\(SHARD\)/(\d+)", shard[0]) if shard else None
                report.check(m is not None and int(m.group(1)) == int(workload["spec"]["replicas"]),
                             f"{what}: --snmp.shard=$(SHARD)/n with n = replicas ({workload['spec']['replicas']})",
                             str(shard))
            for i, env in enumerate(variants):
                try:
                    argv = [rewrite_paths(expand_k8s(a, env), mounts, binary, entrypoint[0]) for a in base]
                except ValueError as e:
                    report.check(False, f"{what}: args expand", str(e))
                    continue
                label = what + (f" (ordinal {i})" if len(variants) > 1 else "")
                proc_env = dict(os.environ, **env)
                run_check_config(report, label, argv, proc_env)
                if i == 0:
                    config = flag_value(argv, "--config.file")
                    for kind in ("livenessProbe", "readinessProbe"):
                        get = (container.get(kind) or {}).get("httpGet") or {}
                        port = container_port_number(container, get.get("port"))
                        report.check(port == listen_port(argv, config), f"{what}: {kind} port is the listen port",
                                     f"{get.get('port')} -> {port} vs {listen_port(argv, config)}")
                    probe_argv = list(argv)
                    if config:
                        probe_argv = [a if not a.startswith("--config.file=") else
                                      "--config.file=" + probe_config(config, cdir) for a in argv]
                    run_probes(report, label, probe_argv, proc_env,
                               [(k, container[k]) for k in ("livenessProbe", "readinessProbe") if k in container], cdir)
        # Some Service selects these pods and names a port the container has.
        ports = {p["name"] for c in pod_spec["containers"] for p in c.get("ports", []) or []}
        matching = [s for s in services if s["spec"].get("selector")
                    and all(pod["metadata"]["labels"].get(k) == v for k, v in s["spec"]["selector"].items())]
        report.check(len(matching) == 1 and all(p.get("targetPort") in ports for p in matching[0]["spec"]["ports"]),
                     f"{wname}: exactly one Service selects its pods, by a named container port",
                     str([s["metadata"]["name"] for s in matching]))
        if workload["kind"] == "StatefulSet":
            report.check(workload["spec"].get("serviceName") in [s["metadata"]["name"] for s in matching],
                         f"{wname}: serviceName is its governing Service", workload["spec"].get("serviceName"))
    for (kind, name), sm in objects.items():
        if kind != "ServiceMonitor":
            continue
        sel = sm["spec"]["selector"]["matchLabels"]
        matching = [s for s in services if all(s["metadata"].get("labels", {}).get(k) == v for k, v in sel.items())]
        ok = len(matching) == 1 and all(e["port"] in [p["name"] for p in matching[0]["spec"]["ports"]]
                                        for e in sm["spec"]["endpoints"])
        report.check(ok, f"ServiceMonitor/{name}: selects one Service and names its port",
                     str([s["metadata"]["name"] for s in matching]))


def check_systemd(report, source_dir, binary, workdir):
    unit_path = os.path.join(source_dir, "deploy/systemd/netif_exporter.service")
    text = open(unit_path).read()
    exec_start = re.findall(r"^ExecStart=(.*)$", text, re.M)
    if not report.check(len(exec_start) == 1, "systemd: one ExecStart", str(exec_start)):
        return
    argv = shlex.split(exec_start[0])
    config = os.path.join(source_dir, "config/netif_exporter.yml")
    local = [binary] + [("--config.file=" + config) if a.startswith("--config.file=/etc/netif_exporter/")
                        else a for a in argv[1:]]
    run_check_config(report, "systemd ExecStart (config/netif_exporter.yml as /etc/netif_exporter/)", local,
                     dict(os.environ))
    for key in ("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=\n"):
        report.check(key in text, f"systemd: {key.strip()}", "")
    report.check(re.search(r"^RestrictAddressFamilies=.*AF_NETLINK", text, re.M) is not None,
                 "systemd: RestrictAddressFamilies allows AF_NETLINK (link events)", "")
    if not report.check(shutil.which("systemd-analyze") is not None, "systemd-analyze present", "install systemd"):
        return
    # verify needs the ExecStart binary to exist: a copy pointing at the built one.
    copy_path = os.path.join(workdir, "netif_exporter.service")
    with open(copy_path, "w") as f:
        f.write(text.replace("ExecStart=" + argv[0], "ExecStart=" + binary, 1))
    r = subprocess.run(["systemd-analyze", "verify", copy_path], capture_output=True, text=True)
    report.check(r.returncode == 0 and not r.stderr.strip() and not r.stdout.strip(),
                 "systemd-analyze verify: no errors or warnings", r.stdout + r.stderr)
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--threshold={SYSTEMD_EXPOSURE_MAX}",
                        copy_path], capture_output=True, text=True)
    overall = re.findall(r"Overall exposure level.*", r.stdout)
    report.check(r.returncode == 0, f"systemd-analyze security: exposure at most {int(SYSTEMD_EXPOSURE_MAX) / 10}",
                 (overall or [r.stdout[-500:] + r.stderr])[0])


def check_compose(report, source_dir, binary, workdir):
    deploy = os.path.join(source_dir, "deploy")
    compose = yaml.safe_load(open(os.path.join(deploy, "docker-compose.yml")))
    entrypoint = dockerfile_entrypoint(source_dir)
    for name, svc in compose["services"].items():
        mounts = {}
        for vol in svc.get("volumes", []) or []:
            parts = vol.split(":")
            src, dst = parts[0], parts[1]
            if src.startswith((".", "/")):
                local = src if src.startswith("/") else os.path.normpath(os.path.join(deploy, src))
                report.check(os.path.exists(local), f"compose {name}: mounted {src} exists", local)
                mounts[dst.rstrip("/")] = local
        if svc.get("build"):
            ctx = os.path.normpath(os.path.join(deploy, svc["build"]["context"]))
            report.check(os.path.exists(os.path.join(ctx, svc["build"].get("dockerfile", "Dockerfile"))),
                         f"compose {name}: build context has the Dockerfile", ctx)
            argv = [rewrite_paths(a, mounts, binary, entrypoint[0])
                    for a in list(svc.get("entrypoint") or entrypoint) + list(svc.get("command") or [])]
            run_check_config(report, f"compose {name}", argv, dict(os.environ))
            report.check(svc.get("network_mode") == "host", f"compose {name}: host network (the host's interfaces)",
                         "")
            run_probes(report, f"compose {name}", argv, dict(os.environ),
                       [("readiness", {"httpGet": {"path": "/-/ready"}, "periodSeconds": 5, "failureThreshold": 3})],
                       workdir)
        if name == "grafana":
            check_grafana_provisioning(report, source_dir, compose, mounts, svc)


def check_grafana_provisioning(report, source_dir, compose, mounts, svc):
    """The provisioning files agree with where compose mounts things."""
    prov = os.path.join(source_dir, "grafana/provisioning")
    dash_dir = os.path.join(source_dir, "grafana/dashboards")
    mounted_at = {local: target for target, local in mounts.items()}
    for path in glob.glob(os.path.join(prov, "dashboards/*.yml")):
        for provider in yaml.safe_load(open(path)).get("providers", []):
            report.check(provider["options"]["path"] == mounted_at.get(dash_dir),
                         f"grafana provider {provider['name']}: path is where compose mounts grafana/dashboards",
                         f"{provider['options']['path']} vs {mounted_at.get(dash_dir)}")
    for path in glob.glob(os.path.join(prov, "datasources/*.yml")):
        for ds in yaml.safe_load(open(path)).get("datasources", []):
            m = re.match(r"https?://([^:/]+):(\d+)", ds.get("url", ""))
            host = m.group(1) if m else None
            ports = [str(p).split(":")[-1] for p in (compose["services"].get(host) or {}).get("ports", [])]
            report.check(m is not None and host in compose["services"] and m.group(2) in ports,
                         f"grafana datasource {ds['name']}: {ds.get('url')} is a compose service's port", str(ports))
    home = (svc.get("environment") or {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        local = None
        for target, src in mounts.items():
            if home.startswith(target + "/"):
                local = src + home[len(target):]
        report.check(local is not None and os.path.exists(local), f"grafana home dashboard {home} exists", str(local))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exporter", required=True)
    p.add_argument("--source-dir", required=True)
    args = p.parse_args()
    binary = os.path.abspath(args.exporter)
    report = Report()
    workdir = tempfile.mkdtemp(prefix="netif-manifests-")
    try:
        for section in (check_kubernetes, check_systemd, check_compose):
            try:
                section(report, os.path.abspath(args.source_dir), binary, workdir)
            except Exception as e:  # a broken manifest is a failure, reported
                report.check(False, section.__name__, f"{type(e).__name__}: {e}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(report.finish())


if __name__ == "__main__":
    main()
