#!/usr/bin/env bash
# Installs every Debian 12 package netif_exporter needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and apt is only asked when something is missing.
# Used by the README quick start, .ci/run and the Dockerfile (with --build-only).
set -euo pipefail

# prometheus-cpp-dev still pulls in libcivetweb-dev (its CMake config looks for it); our code no
# longer uses CivetWeb: src/http is on libmicrohttpd (and GnuTLS, for TLS client certificates).
build_packages=(
  build-essential cmake pkg-config git ca-certificates
  prometheus-cpp-dev libyaml-cpp-dev libsnmp-dev libre2-dev zlib1g-dev
  libmicrohttpd-dev libgnutls28-dev libcrypt-dev
  googletest libgtest-dev libgmock-dev
)
test_packages=(
  iproute2 ethtool procps python3 clang libclang-rt-14-dev clang-format
  prometheus snmpd snmp snmpsim
  prometheus-node-exporter prometheus-snmp-exporter
  yamllint wrk curl apache2-utils
  python3-yaml systemd podman runc debootstrap
  chromium python3-websocket
)

packages=("${build_packages[@]}")
if [[ "${1:-}" != "--build-only" ]]; then
  packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these daemons on install; our tests run their own instances on loopback.
for svc in snmpd prometheus prometheus-node-exporter prometheus-snmp-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done
