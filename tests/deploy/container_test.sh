#!/usr/bin/env bash
# Builds the Dockerfile with podman and runs the image the way deploy/kubernetes does (host
# network, host /proc and /sys read-only under /host, read-only root, no capabilities), then
# scrapes it and checks what it reports.
#
# No image registry and no Docker engine here, so (issue 7's findings):
#   * the base images are made locally: make_base_images.sh (debootstrap minbase from the Debian
#     mirror in /etc/apt, `podman import` as docker.io/library/debian:bookworm[-slim]), cached
#     under /var/cache/netif_exporter/container;
#   * podman build --isolation=chroot --pull=never;
#   * podman --runtime runc --cgroup-manager=cgroupfs run --network=host, with CONTAINERS_CONF
#     pointing at a file holding [containers] default_ulimits = [] and pids_limit = 0.
#
# Checks: the image's config (user 65534, port 10100, no HEALTHCHECK, exec-form ENTRYPOINT with
# the config in /etc/netif_exporter/, OCI labels); --version and --check-config inside the image;
# the running container's process is uid 65534 without capabilities; /-/healthy, /-/ready and
# /metrics answer; the scrape passes `promtool check metrics`; it reports exactly the host's
# interfaces (the container shares the host's network namespace), lo among them, with plausible
# counters that grow between two scrapes.
#
# Needs root. CTest label "container" (slow: the first build compiles the project in the image).
# The last line is "N passed, N failed".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${1:-$(cd "$here/../.." && pwd)}"
image=localhost/netif_exporter:ctest
build_cache_tag=localhost/netif_exporter-build:ctest
name="netif-ctest-$$"

passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@"; then
    echo "ok    $what"
    passed=$((passed + 1))
  else
    echo "FAIL  $what"
    failed=$((failed + 1))
  fi
}
finish() {
  echo
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
die() {
  echo "FAIL  $*"
  failed=$((failed + 1))
  finish || exit 1
}

for tool in podman runc debootstrap curl python3; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs podman, runc, debootstrap)"
done
[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, podman)"

# Containers of earlier runs that were killed (their pid is gone) go first.
for stale in $(podman ps -a --format '{{.Names}}' --filter name='^netif-ctest-[0-9]+$' 2>/dev/null || true); do
  [[ -e /proc/${stale#netif-ctest-} ]] || podman rm -f -t 5 "$stale" >/dev/null 2>&1 || true
done

work="$(mktemp -d)"
cleanup() {
  podman --runtime runc --cgroup-manager=cgroupfs rm -f -t 5 "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
printf '[containers]\ndefault_ulimits = []\npids_limit = 0\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
pod=(podman --runtime runc --cgroup-manager=cgroupfs)

start=$SECONDS
"$here/make_base_images.sh" || die "base images"
echo "[$((SECONDS - start)) s] base images ready"

old_image="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
version="$(sed -n 's/^project(netif_exporter VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")"
revision="$(git -C "$source_dir" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
# The commit's time as the creation time: the same arguments for the same commit, so reruns hit
# the layer cache.
created="$(git -C "$source_dir" log -1 --format=%cI 2>/dev/null || echo unknown)"
# One snapshot of the tree for both builds below (an edit in between would rebuild twice); tar
# keeps modification times, so an unchanged tree hits the layer cache of the previous run.
mkdir "$work/context"
tar -C "$source_dir" --exclude='./build*' --exclude=./.git --exclude=./.cache -cf - . | tar -C "$work/context" -xf -
build=(podman build --isolation=chroot --pull=never --layers -f "$work/context/Dockerfile"
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "CREATED=$created")
# The build stage is tagged so its layers (the dependency install above all) stay cached between
# runs; then the image, from that cache.
"${build[@]}" --target build -t "$build_cache_tag" "$work/context" >"$work/build.log" 2>&1 ||
  { tail -n 60 "$work/build.log"; die "podman build (build stage)"; }
"${build[@]}" -t "$image" "$work/context" >>"$work/build.log" 2>&1 ||
  { tail -n 60 "$work/build.log"; die "podman build"; }
echo "[$((SECONDS - start)) s] image built: $(podman image inspect --format '{{.Size}}' "$image" |
  awk '{printf "%.0f MB", $1 / 1e6}'), $(grep -c 'Using cache' "$work/build.log") steps from cache," \
  "compiled $(grep -c 'Built target netif_exporter' "$work/build.log") time(s)"
# Stale layers of earlier builds of this test (and only those) go.
new_image="$(podman image inspect --format '{{.Id}}' "$image")"
if [[ -n $old_image && $old_image != "$new_image" ]]; then
  podman rmi "$old_image" >/dev/null 2>&1 || true
fi
podman image prune -f --filter label=io.netif-exporter.stage=build >/dev/null 2>&1 || true
podman image prune -f --filter label=org.opencontainers.image.title=netif_exporter >/dev/null 2>&1 || true

# --- the image's configuration
inspect() { podman image inspect --format "$1" "$image"; }
check "image runs as 65534:65534" test "$(inspect '{{.Config.User}}')" = "65534:65534"
check "image exposes 10100/tcp" grep -q '10100/tcp' <<<"$(inspect '{{json .Config.ExposedPorts}}')"
check "image has no HEALTHCHECK" test "$(inspect '{{json .Config.Healthcheck}}')" = "null"
check "ENTRYPOINT is the exporter with /etc/netif_exporter/netif_exporter.yml" test \
  "$(inspect '{{json .Config.Entrypoint}}')" = \
  '["/usr/bin/netif_exporter","--config.file=/etc/netif_exporter/netif_exporter.yml"]'
labels="$(inspect '{{json .Config.Labels}}')"
for key in title description version revision created; do
  check "OCI label org.opencontainers.image.$key" grep -q "\"org.opencontainers.image.$key\"" <<<"$labels"
done
check "OCI revision label is $revision" grep -q "\"org.opencontainers.image.revision\":\"$revision\"" <<<"$labels"
check "the runtime image carries no compiler" \
  test -z "$("${pod[@]}" run --rm --network=none --entrypoint /bin/sh "$image" -c 'command -v cc g++ cmake' || true)"
check "--version in the image reports $version" \
  grep -q "version $version" <<<"$("${pod[@]}" run --rm --network=none "$image" --version 2>&1)"
check "--check-config accepts the image's configuration" \
  "${pod[@]}" run --rm --network=none "$image" --check-config

# --- run it as the DaemonSet does
"${pod[@]}" run -d --name "$name" --network=host --read-only --cap-drop=ALL \
  --security-opt=no-new-privileges -v /proc:/host/proc:ro -v /sys:/host/sys:ro \
  "$image" --path.procfs=/host/proc --path.sysfs=/host/sys --web.listen-address=127.0.0.1:0 >/dev/null ||
  die "podman run"
port=""
for _ in $(seq 1 100); do
  port="$("${pod[@]}" logs "$name" 2>&1 | sed -n 's/.*msg=listening.*port=\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n $port ]] && break
  sleep 0.1
done
if [[ -z $port ]]; then
  "${pod[@]}" logs "$name" 2>&1 | tail -n 20
  die "the container did not log its port"
fi
echo "[$((SECONDS - start)) s] container $name listening on 127.0.0.1:$port"
pid="$("${pod[@]}" inspect --format '{{.State.Pid}}' "$name")"
check "the exporter process runs as uid 65534" \
  grep -Eq '^Uid:\s+65534\s+65534\s+65534\s+65534' "/proc/$pid/status"
check "the exporter process has no capabilities" grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
ready=""
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && { ready=1; break; }
  sleep 0.2
done
check "/-/ready answers 200" test -n "$ready"
check "/-/healthy answers 200" curl -sf -o /dev/null "http://127.0.0.1:$port/-/healthy"
curl -sf "http://127.0.0.1:$port/metrics" -o "$work/scrape1.txt" || die "GET /metrics"
sleep 2.5
curl -sf "http://127.0.0.1:$port/metrics" -o "$work/scrape2.txt" || die "GET /metrics (second)"
if command -v promtool >/dev/null; then
  check "the scrape passes promtool check metrics" sh -c "promtool check metrics <'$work/scrape2.txt'"
else
  check "promtool present (scripts/install-deps.sh installs prometheus)" false
fi
python3 - "$work/scrape1.txt" "$work/scrape2.txt" <<'EOF' && passed=$((passed + 1)) || failed=$((failed + 1))
import os, re, sys

def parse(path):
    series = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)', line)
        series[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return series

def devices(series, name):
    return {re.search(r'device="([^"]*)"', labels).group(1): v for (n, labels), v in series.items()
            if n == name and 'device="' in labels}

first, second = parse(sys.argv[1]), parse(sys.argv[2])
reported = set(devices(second, "netif_admin_up"))
host = set(os.listdir("/sys/class/net"))
problems = []
if reported != host:
    problems.append(f"interfaces differ from the host's: only reported {sorted(reported - host)}, "
                    f"missing {sorted(host - reported)}")
if "lo" not in reported:
    problems.append("lo is not reported")
rx1, rx2 = devices(first, "netif_receive_bytes_total"), devices(second, "netif_receive_bytes_total")
tx2 = devices(second, "netif_transmit_bytes_total")
if not rx2.get("lo", 0) > 0:
    problems.append(f"lo received no bytes: {rx2.get('lo')}")
elif not rx2["lo"] > rx1.get("lo", 0):
    problems.append(f"lo's receive counter did not grow across our own scrapes: {rx1.get('lo')} -> {rx2['lo']}")
# On lo every byte sent is received: the two counters move together.
if rx2.get("lo") and abs(rx2["lo"] - tx2.get("lo", 0)) > 0.05 * rx2["lo"] + 1e6:
    problems.append(f"lo rx {rx2['lo']} and tx {tx2.get('lo')} disagree")
with open("/proc/net/dev") as f:
    kernel = {l.split(":")[0].strip(): int(l.split(":")[1].split()[0]) for l in f.readlines()[2:]}
for dev, value in rx2.items():
    if value < 0 or value > kernel.get(dev, float("inf")):
        problems.append(f"{dev}: receive bytes {value} is negative or ahead of the kernel's {kernel.get(dev)}")
if devices(second, "netif_admin_up").get("lo") != 1:
    problems.append("lo is not administratively up")
for p in problems:
    print("      " + p)
print(("ok    " if not problems else "FAIL  ") +
      f"the container reports the host's {len(reported)} interfaces ({', '.join(sorted(reported))}) "
      "with plausible, growing counters")
sys.exit(1 if problems else 0)
EOF

# A clean stop: SIGTERM, exit status 0.
"${pod[@]}" stop -t 10 "$name" >/dev/null
check "the container stops cleanly on SIGTERM (exit 0)" \
  test "$("${pod[@]}" inspect --format '{{.State.ExitCode}}' "$name")" = "0"
echo "[$((SECONDS - start)) s] done"
finish
