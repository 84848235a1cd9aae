#!/usr/bin/env bash
# Runs netif_anomaly_replay (default settings) over every NAB CSV in the shared test data and
# scores the flags with NAB's method.
#
#   bench/nab/run_nab.sh [path/to/netif_anomaly_replay]
#
# The replay binary defaults to the first one found under build*/ in the project. The shared
# folder is $NETIF_SHARED_DIR, else <project root>/../shared. Results go to a temporary folder
# (kept, and printed, when NETIF_NAB_KEEP=1).
set -euo pipefail

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
shared="${NETIF_SHARED_DIR:-$root/../shared}"
nab="$shared/testdata/nab"
scorer="$shared/tools/nab_score.py"

replay="${1:-}"
if [[ -z "$replay" ]]; then
  for candidate in "$root"/build*/src/tools/netif_anomaly_replay "$root"/build*/netif_anomaly_replay; do
    if [[ -x "$candidate" ]]; then replay="$candidate"; break; fi
  done
fi
if [[ -z "$replay" || ! -x "$replay" ]]; then
  echo "run_nab.sh: no netif_anomaly_replay binary; build it or pass its path" >&2
  exit 1
fi
for needed in "$nab/data" "$nab/combined_windows.json" "$scorer"; do
  if [[ ! -e "$needed" ]]; then
    echo "run_nab.sh: missing $needed (set NETIF_SHARED_DIR)" >&2
    exit 1
  fi
done

results="$(mktemp -d "${TMPDIR:-/tmp}/netif_nab.XXXXXX")"
if [[ "${NETIF_NAB_KEEP:-0}" != 1 ]]; then
  trap 'rm -rf "$results"' EXIT
fi

rows=0
weighted_ns=0
while IFS= read -r csv; do
  rel="${csv#"$nab/data/"}"
  mkdir -p "$results/$(dirname "$rel")"
  # --stats: "rows N flagged F ns_per_sample X sizeof_detector B" on stderr.
  stats="$("$replay" --stats "$csv" "$results/$rel" 2>&1 >/dev/null)"
  read -r _ n _ _ _ ns _ size <<<"$stats"
  rows=$((rows + n))
  weighted_ns="$(awk -v a="$weighted_ns" -v n="$n" -v ns="$ns" 'BEGIN { print a + n * ns }')"
done < <(find "$nab/data" -name '*.csv' | sort)

python3 "$scorer" --data "$nab/data" --labels "$nab/combined_windows.json" --results "$results"
awk -v w="$weighted_ns" -v n="$rows" -v s="$size" \
  'BEGIN { printf "detector cost %.1f ns/sample over %d rows; sizeof(AnomalyDetector) %d bytes\n", w / n, n, s }'
if [[ "${NETIF_NAB_KEEP:-0}" == 1 ]]; then
  echo "results kept in $results"
fi
