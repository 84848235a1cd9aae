#!/usr/bin/env bash
# Builds every libFuzzer target (clang, ASan+UBSan, -DNETIF_FUZZ=ON) and runs each for a fixed
# number of executions (10 million by default), seeded from the project's own fixtures, then
# prints one line per fuzzer: executions, seconds, executions per second, coverage, and whether
# it found anything. A finding stops that fuzzer and leaves its reproducer in the work directory.
#
#   bench/fuzz/run.sh                      # every fuzzer, 10,000,000 executions each
#   bench/fuzz/run.sh --runs 1000000 --only net_dev_parser_fuzz,netlink_parser_fuzz
#   bench/fuzz/run.sh --jobs 2             # fuzzers side by side (one core each)
#
# Nothing here runs in CI (it takes tens of minutes); the counts of the last run are in
# bench/README.md, "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=10000000
only=""
jobs=1
work=/tmp/netif-fuzz
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "run.sh: unknown flag $1" >&2; exit 2 ;;
  esac
done

build=build/fuzz
CXX=clang++ CC=clang cmake -S . -B "$build" -DNETIF_FUZZ=ON -DNETIF_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
mapfile -t fuzzers < <(find src -name '*_fuzz.cc' -printf '%f\n' | sed 's/\.cc$//' | sort)
if [[ -n "$only" ]]; then
  IFS=, read -r -a fuzzers <<<"$only"
fi
cmake --build "$build" -j"$(nproc)" --target "${fuzzers[@]}" >/dev/null

# Seeds: the fixtures each parser already has in the tree (copied into the work directory: the
# fuzzer adds to its corpus, and the tree stays clean).
seed() {
  local fuzzer="$1" corpus="$2"
  case "$fuzzer" in
    net_dev_parser_fuzz) cp src/collectors/procfs/testdata/* tests/fixtures/host1/proc/net/dev "$corpus"/ 2>/dev/null || true ;;
    netlink_parser_fuzz) cp src/collectors/netlink/testdata/*.bin "$corpus"/ ;;
    ethtool_parser_fuzz) cp src/collectors/ethtool/testdata/*.bin "$corpus"/ ;;
    kubernetes_parsers_fuzz) cp src/collectors/kubernetes/testdata/* "$corpus"/ ;;
    web_config_file_fuzz) cp config/*.yml "$corpus"/ 2>/dev/null || true
                          find tests src/config -name '*web*.yml' -exec cp {} "$corpus"/ \; 2>/dev/null || true ;;
    basic_auth_fuzz) printf 'Basic dXNlcjpwYXNz' >"$corpus/plain" ;;
    snmp_response_fuzz)
      # Response datagrams encoded from ../shared/testdata's recordings (needs the release build).
      if [[ -x build/release/tests/snmp_fuzz_seeds ]]; then
        build/release/tests/snmp_fuzz_seeds "$corpus" >/dev/null
      fi ;;
    *) ;;  # no fixture of its own: libFuzzer starts from the empty input
  esac
}

run_one() {
  local fuzzer="$1"
  local binary
  binary=$(realpath "$(find "$build" -type f -name "$fuzzer" -perm -u+x | head -1)")
  local dir="$work/$fuzzer"
  rm -rf "$dir" && mkdir -p "$dir/corpus"
  seed "$fuzzer" "$dir/corpus"
  local start end status=0
  start=$(date +%s.%N)
  (cd "$dir" && "$binary" -runs="$runs" -print_final_stats=1 -rss_limit_mb=2048 \
      corpus >"$dir/log" 2>&1) || status=$?
  end=$(date +%s.%N)
  local execs cov
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$dir/log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$dir/log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  local seconds rate verdict
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
  rate=$(awk -v n="$execs" -v s="$seconds" 'BEGIN{printf "%.0f", (s>0)?n/s:0}')
  verdict="clean"
  [[ $status -ne 0 ]] && verdict="FINDING (exit $status, see $dir/log)"
  printf '%-24s %12s execs %7s s %9s/s  cov %6s  %s\n' "$fuzzer" "$execs" "$seconds" "$rate" "$cov" "$verdict"
}

export -f run_one seed
export build work runs
echo "fuzzer                     executions   seconds   execs/s   coverage  result"
printf '%s\n' "${fuzzers[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
