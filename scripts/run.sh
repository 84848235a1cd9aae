#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the exporter with the shipped config.
# Extra arguments go to the exporter, e.g. scripts/run.sh --web.listen-address=:10100
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --build-only
scripts/build.sh release
exec build/release/netif_exporter --config.file=config/netif_exporter.yml "$@"
