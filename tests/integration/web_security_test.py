#!/usr/bin/env python3
"""TLS, basic auth and the lifecycle API against the built exporter, with real clients.

On loopback only, with throwaway keys made by `openssl` and a bcrypt hash made by `htpasswd`:
  - Debian's Prometheus scrapes the exporter over TLS with basic auth: `up == 1`;
  - curl with a wrong or missing password gets 401 with WWW-Authenticate; plain HTTP gets nothing;
  - with min_version TLS13 (applied by SIGHUP, so the web config is re-read on reload), a TLS 1.2
    client is refused and a TLS 1.3 one served;
  - with client_auth_type RequireAndVerifyClientCert, a client without a certificate, or with one
    the CA did not sign, is refused; one with a CA-signed certificate is served;
  - POST /-/reload answers 403 without --web.enable-lifecycle; with it, 200 for a valid file (a
    TLS change it makes applies right after the answer) and 500 for an invalid one, which leaves the old configuration running and
    netif_exporter_config_last_reload_successful at 0;
  - neither the password nor its hash ever reaches the exporter's log.

Fails (never skips) when a tool is missing. Every wait is bounded; every process is stopped.

  web_security_test.py --exporter build/release/netif_exporter
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import json

USER = "prometheus"
PASSWORD = "correct horse battery staple"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kwargs)


def make_keys(d):
    """A CA, a server certificate for 127.0.0.1, a client certificate the CA signed and one it
    did not."""
    def ossl(*args):
        r = run(["openssl", *args], cwd=d)
        if r.returncode != 0:
            raise RuntimeError("openssl " + " ".join(args) + ":\n" + r.stderr)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
         "-keyout", "ca.key", "-out", "ca.crt")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n")
    for name, ext in (("server", ["-extfile", "san.ext"]), ("client", [])):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout",
             f"{name}.key", "-out", f"{name}.csr")
        ossl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-out", f"{name}.crt", *ext)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger",
         "-keyout", "stranger.key", "-out", "stranger.crt")


def bcrypt_hash():
    r = run(["htpasswd", "-nbBC", "10", USER, PASSWORD])
    if r.returncode != 0:
        raise RuntimeError("htpasswd: " + r.stderr)
    return r.stdout.strip().split(":", 1)[1]


def web_config(d, hashed, min_version="TLS12", client_auth=None):
    lines = ["tls_server_config:",
             f"  cert_file: {d}/server.crt",
             f"  key_file: {d}/server.key",
             f"  min_version: {min_version}"]
    if client_auth:
        lines += [f"  client_auth_type: {client_auth}", f"  client_ca_file: {d}/ca.crt"]
    lines += ["basic_auth_users:", f"  {USER}: '{hashed}'"]
    path = os.path.join(d, "web.yml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Exporter:
    def __init__(self, binary, d, args):
        self.log_path = os.path.join(d, f"exporter-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "--web.listen-address=127.0.0.1:0", *args],
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        self.port = None
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("exporter exited:\n" + self.text())
            m = re.search(r"msg=listening.*port=(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            time.sleep(0.1)
        if self.port is None:
            raise RuntimeError("exporter did not listen in 20 s:\n" + self.text())

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def curl(exporter, d, path="/metrics", user=USER, password=PASSWORD, extra=(), scheme="https",
         method="GET"):
    """(status, headers+body) of one request; status 0 when the connection or TLS failed."""
    args = ["curl", "-sS", "-i", "--max-time", "10", "-X", method, "--cacert", f"{d}/ca.crt"]
    if user is not None:
        args += ["-u", f"{user}:{password}"]
    args += [*extra, f"{scheme}://127.0.0.1:{exporter.port}{path}"]
    r = run(args)
    if r.returncode != 0:
        return 0, r.stderr
    m = re.match(r"HTTP/[\d.]+ (\d+)", r.stdout)
    return (int(m.group(1)) if m else 0), r.stdout


def prometheus_up(d, exporter, prometheus):
    port_probe = subprocess.run(
        [sys.executable, "-c",
         "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"],
        capture_output=True, text=True)
    port = int(port_probe.stdout)
    with open(f"{d}/password", "w") as f:
        f.write(PASSWORD)
    config = f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: netif_tls
    scheme: https
    tls_config:
      ca_file: {d}/ca.crt
    basic_auth:
      username: {USER}
      password_file: {d}/password
    static_configs:
      - targets: ["127.0.0.1:{exporter.port}"]
"""
    with open(f"{d}/prometheus.yml", "w") as f:
        f.write(config)
    log = open(f"{d}/prometheus.log", "w")
    proc = subprocess.Popen([prometheus, f"--config.file={d}/prometheus.yml",
                             f"--storage.tsdb.path={d}/tsdb", f"--web.listen-address=127.0.0.1:{port}",
                             "--log.level=warn"], stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        value = None
        while time.time() < deadline:
            try:
                url = (f"http://127.0.0.1:{port}/api/v1/query?" +
                       urllib.parse.urlencode({"query": 'up{job="netif_tls"}'}))
                with urllib.request.urlopen(url, timeout=2) as r:
                    result = json.load(r)["data"]["result"]
                if result:
                    value = result[0]["value"][1]
                    if value == "1":
                        break
            except OSError:
                pass
            time.sleep(0.5)
        return value
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exporter", required=True)
    args = parser.parse_args()
    for tool in ("openssl", "curl", "htpasswd", "prometheus"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not found (scripts/install-deps.sh installs it)")
            return 1
    d = tempfile.mkdtemp(prefix="netif-websec-")
    exporters = []
    try:
        make_keys(d)
        hashed = bcrypt_hash()
        config = os.path.join(d, "netif.yml")
        with open(config, "w") as f:
            f.write("local:\n  device_include: \"lo\"\n")

        # TLS and basic auth; lifecycle off.
        exporter = Exporter(args.exporter, d, [f"--config.file={config}",
                                              f"--web.config.file={web_config(d, hashed)}"])
        exporters.append(exporter)
        status, text = curl(exporter, d)
        check(status == 200 and "netif_exporter_build_info" in text, "TLS + basic auth: 200")
        status, text = curl(exporter, d, password="wrong")
        check(status == 401, f"wrong password: 401 (got {status})")
        check(re.search(r"(?im)^www-authenticate: basic", text) is not None,
              "401 carries WWW-Authenticate: Basic")
        status, _ = curl(exporter, d, user=None)
        check(status == 401, f"no password: 401 (got {status})")
        status, _ = curl(exporter, d, scheme="http")
        check(status != 200, f"plain HTTP on the TLS port is not served (got {status})")
        status, _ = curl(exporter, d, path="/-/reload", method="POST")
        check(status == 403, f"POST /-/reload without --web.enable-lifecycle: 403 (got {status})")
        up = prometheus_up(d, exporter, shutil.which("prometheus"))
        check(up == "1", f"Prometheus over TLS with basic auth: up == 1 (got {up})")

        # min_version TLS13, re-read on SIGHUP.
        web_config(d, hashed, min_version="TLS13")
        exporter.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 20
        while time.time() < deadline and curl(exporter, d, extra=["--tls-max", "1.2"])[0] != 0:
            time.sleep(0.2)
        status, _ = curl(exporter, d, extra=["--tls-max", "1.2"])
        check(status == 0, f"min_version TLS13: a TLS 1.2 client is refused (got {status})")
        status, _ = curl(exporter, d, extra=["--tlsv1.3"])
        check(status == 200, f"min_version TLS13: a TLS 1.3 client is served (got {status})")
        exporter.stop()

        # Client certificates required and verified.
        exporter = Exporter(args.exporter, d, [
            f"--config.file={config}",
            f"--web.config.file={web_config(d, hashed, client_auth='RequireAndVerifyClientCert')}"])
        exporters.append(exporter)
        status, _ = curl(exporter, d)
        check(status != 200, f"client cert required: none given is refused (got {status})")
        status, _ = curl(exporter, d, extra=["--cert", f"{d}/stranger.crt", "--key",
                                             f"{d}/stranger.key"])
        check(status != 200, f"client cert required: one the CA did not sign is refused (got {status})")
        status, _ = curl(exporter, d, extra=["--cert", f"{d}/client.crt", "--key", f"{d}/client.key"])
        check(status == 200, f"client cert required: a CA-signed one is served (got {status})")
        exporter.stop()

        # The lifecycle API.
        exporter = Exporter(args.exporter, d, [f"--config.file={config}", "--web.enable-lifecycle",
                                              f"--web.config.file={web_config(d, hashed)}"])
        exporters.append(exporter)
        status, _ = curl(exporter, d, path="/-/reload", method="POST")
        check(status == 200, f"POST /-/reload with a valid file: 200 (got {status})")
        status, _ = curl(exporter, d, path="/-/reload", method="GET")
        check(status == 405, f"GET /-/reload: 405 (got {status})")
        # A TLS change asked for over HTTP: answered first, applied right after.
        web_config(d, hashed, min_version="TLS13")
        status, _ = curl(exporter, d, path="/-/reload", method="POST", extra=["--tlsv1.2"])
        check(status == 200, f"POST /-/reload changing TLS: 200 (got {status})")
        deadline = time.time() + 20
        while time.time() < deadline and curl(exporter, d, extra=["--tls-max", "1.2"])[0] != 0:
            time.sleep(0.2)
        status, _ = curl(exporter, d, extra=["--tls-max", "1.2"])
        check(status == 0, f"after POST /-/reload, min_version TLS13 holds (got {status})")
        status, _ = curl(exporter, d, extra=["--tlsv1.3"])
        check(status == 200, f"after POST /-/reload, TLS 1.3 is served (got {status})")
        with open(config, "w") as f:
            f.write("local:\n  no_such_key: 1\n")
        status, text = curl(exporter, d, path="/-/reload", method="POST")
        check(status == 500 and "no_such_key" in text,
              f"POST /-/reload with an invalid file: 500 naming the problem (got {status})")
        status, text = curl(exporter, d)
        check(status == 200 and
              re.search(r"(?m)^netif_exporter_config_last_reload_successful 0$", text) is not None,
              "after the failed reload the old config serves, reload_successful 0")
        exporter.stop()

        for e in exporters:
            log = e.text()
            check(PASSWORD not in log and hashed not in log,
                  "the exporter's log holds neither the password nor its hash")
    finally:
        for e in exporters:
            e.stop()
        shutil.rmtree(d, ignore_errors=True)
    print(f"web_security: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
