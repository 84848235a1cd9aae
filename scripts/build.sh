#!/usr/bin/env bash
# Configures and builds one flavour of the project into build/<flavour>.
#   scripts/build.sh release   -Werror, RelWithDebInfo (what runs and what CI tests first)
#   scripts/build.sh asan      -Werror, ASan+UBSan, Debug (CI runs the whole suite this way too)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
case "$flavour" in
  release) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) flags=(-DCMAKE_BUILD_TYPE=Debug -DNETIF_SANITIZE=ON) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan)" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -DNETIF_WERROR=ON "${flags[@]}" >/dev/null
cmake --build "build/$flavour" -j"$(nproc)"
