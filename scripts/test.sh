#!/usr/bin/env bash
# README command 2 (and what CI runs): install deps if missing, build, run every test.
# Tests that need ../shared/realdata skip with a message when it is absent
# (RPDATA_REALDATA=/path points elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
