#!/usr/bin/env bash
# README command 1: install deps if missing, build Release, run the main job on the bundled
# offline sample and print the per-source table. Usage: scripts/run_sample.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
out="${1:-out/sample}"
# Models: the bundled ones (models/) and stand-ins trained from the sample, in OUT/_models.
exec build/rpdata sample --out "$out"
