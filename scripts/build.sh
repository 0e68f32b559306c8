#!/usr/bin/env bash
# Configures and builds rpdata (Release by default) into build/, installing missing Debian
# packages first. Usage: scripts/build.sh [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${RPDATA_BUILD_TYPE:-Release}" "$@" > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)"
