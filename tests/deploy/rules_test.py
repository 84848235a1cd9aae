#!/usr/bin/python3
"""deploy/prometheus with Debian's promtool:
  * `promtool check rules` on every rule file;
  * `promtool test rules` on every test file;
  * coverage: every alert has a test where it fires and one where it does not, and every
    recording rule is evaluated by a test;
  * `promtool check config` on deploy/prometheus/prometheus.yml (compose) and on
    deploy/kubernetes/prometheus-scrape-config.yml. Debian builds Prometheus without Kubernetes
    service discovery, so for the latter each kubernetes_sd_configs block is checked here for its
    shape (role, namespaces) and replaced by a static target before promtool checks the rest
    (relabelling, intervals, job names).
Exit status 1 on any failure; the last line is "N passed, N failed".
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from report import Report

try:
    import yaml
except ImportError:
    print("FAIL: python3-yaml is missing (scripts/install-deps.sh installs it)\n0 passed, 1 failed")
    sys.exit(1)

K8S_SD_ROLES = {"node", "service", "pod", "endpoints", "endpointslice", "ingress"}


def run(report, what, argv, cwd=None):
    r = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    return report.check(r.returncode == 0, what, (r.stdout + r.stderr).strip())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--source-dir", required=True)
    p.add_argument("--promtool", default="promtool")
    args = p.parse_args()
    report = Report()
    promtool = shutil.which(args.promtool)
    if not promtool:
        print(f"FAIL: {args.promtool} not found (Debian prometheus; scripts/install-deps.sh installs it)")
        print("0 passed, 1 failed")
        sys.exit(1)
    prom_dir = os.path.join(args.source_dir, "deploy/prometheus")
    rule_files = sorted(glob.glob(os.path.join(prom_dir, "rules/*.yml")))
    test_files = sorted(glob.glob(os.path.join(prom_dir, "tests/*.yml")))
    report.check(rule_files and test_files, "rule files and test files exist", f"{rule_files} {test_files}")
    for f in rule_files:
        run(report, f"promtool check rules {os.path.relpath(f, args.source_dir)}", [promtool, "check", "rules", f])
    for f in test_files:
        run(report, f"promtool test rules {os.path.relpath(f, args.source_dir)}", [promtool, "test", "rules", f])

    # Coverage.
    alerts, records = set(), set()
    for f in rule_files:
        for group in yaml.safe_load(open(f))["groups"]:
            for rule in group["rules"]:
                (alerts if "alert" in rule else records).add(rule.get("alert") or rule.get("record"))
    firing, silent, evaluated = set(), set(), set()
    for f in test_files:
        for test in yaml.safe_load(open(f)).get("tests", []):
            for t in test.get("alert_rule_test", []) or []:
                (firing if t.get("exp_alerts") else silent).add(t["alertname"])
            for t in test.get("promql_expr_test", []) or []:
                evaluated.update(r for r in records if re.search(rf"(?<![\w:]){re.escape(r)}(?![\w:])", t["expr"]))
    for alert in sorted(alerts):
        report.check(alert in firing, f"alert {alert} has a test where it fires", "")
        report.check(alert in silent, f"alert {alert} has a test where it does not fire", "")
    for record in sorted(records):
        report.check(record in evaluated, f"recording rule {record} is evaluated by a test", "")
    for name in sorted((firing | silent) - alerts):
        report.check(False, f"test names alert {name}, which no rule file defines", "")

    # Configurations.
    run(report, "promtool check config deploy/prometheus/prometheus.yml",
        [promtool, "check", "config", "prometheus.yml"], cwd=prom_dir)
    k8s = os.path.join(args.source_dir, "deploy/kubernetes/prometheus-scrape-config.yml")
    config = yaml.safe_load(open(k8s))
    for job in config.get("scrape_configs", []):
        for sd in job.pop("kubernetes_sd_configs", []) or []:
            ok = sd.get("role") in K8S_SD_ROLES and set(sd) <= {"role", "namespaces", "selectors", "api_server",
                                                                 "kubeconfig_file", "attach_metadata"}
            names = (sd.get("namespaces") or {}).get("names", [])
            report.check(ok and all(isinstance(n, str) for n in names),
                         f"prometheus-scrape-config.yml job {job['job_name']}: kubernetes_sd_configs shape", str(sd))
            job.setdefault("static_configs", []).append({"targets": ["127.0.0.1:10100"]})
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "prometheus.yml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        run(report, "promtool check config deploy/kubernetes/prometheus-scrape-config.yml (kubernetes_sd as static)",
            [promtool, "check", "config", path])

    sys.exit(report.finish())


if __name__ == "__main__":
    main()
