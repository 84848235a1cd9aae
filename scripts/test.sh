#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: a -Werror release build,
# then an ASan+UBSan build. Integration tests need root (network namespaces) and fail, not skip,
# without it. This is what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for flavour in release asan; do
  echo "=== $flavour build"
  scripts/build.sh "$flavour"
  echo "=== $flavour tests"
  (cd "build/$flavour" && ctest --output-on-failure --timeout 900)
done
