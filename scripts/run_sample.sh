#!/usr/bin/env bash
# README command 1: install deps if missing, build Release, run the main job on the bundled
# offline sample and print the per-source table. Usage: scripts/run_sample.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
out="${1:-out/sample}"
# Token counts need the tokenizer models; use the shared real models when they sit beside us.
if [ -z "${RPDATA_MODELS:-}" ] && [ -d ../shared/realdata/models ]; then
  export RPDATA_MODELS="$(cd ../shared/realdata/models && pwd)"
fi
exec build/rpdata sample --out "$out"
