#!/usr/bin/env bash
# deploy/kubernetes as `kubectl kustomize` renders it (what `kubectl apply -k` would send),
# validated against the Kubernetes and prometheus-operator schemas by kubernetes-models (npm,
# pinned by k8s_schema/package-lock.json, installed with `npm ci` into a cache outside the repo).
# Debian 12 packages no Kubernetes schema validator (no kubeconform or kubeval); kubectl comes
# with the machine image (Debian's kubernetes-client 1.20 also has `kubectl kustomize`).
# Fails, never skips, when node, npm, kubectl or the npm registry are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${1:-$(cd "$here/../.." && pwd)}"
cache="${NETIF_K8S_SCHEMA_CACHE:-/var/cache/netif_exporter/k8s-schema}"

fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }
for tool in node npm kubectl; do
  command -v "$tool" >/dev/null || fail "$tool not found (node and npm come with the machine; kubectl: Debian kubernetes-client)"
done

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if ! cmp -s "$here/k8s_schema/package-lock.json" "$cache/package-lock.json" || [[ ! -d $cache/node_modules ]]; then
  echo "k8s_schema_test: npm ci into $cache" >&2
  rm -rf "$cache/node_modules"
  cp "$here/k8s_schema/package.json" "$here/k8s_schema/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed (is the npm registry reachable?)"
fi
cp "$here/k8s_schema/validate.mjs" "$cache/validate.mjs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
kubectl kustomize "$source_dir/deploy/kubernetes" >"$work/rendered.yaml" 2>"$work/kustomize.err" ||
  fail "kubectl kustomize deploy/kubernetes: $(cat "$work/kustomize.err")"
echo "kubectl kustomize rendered $(grep -c '^kind:' "$work/rendered.yaml") objects" >&2
# The image override in kustomization.yaml must reach every container.
if grep -E '^\s+image:' "$work/rendered.yaml" | grep -vq 'registry.example.com/netif_exporter:'; then
  fail "an image in the rendered manifests is not the kustomization's: $(grep -E '^\s+image:' "$work/rendered.yaml")"
fi
cd "$cache"
node validate.mjs "$work/rendered.yaml"
