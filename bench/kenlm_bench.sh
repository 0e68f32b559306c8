#!/usr/bin/env bash
# KenLM-compatible scoring throughput on one core (taskset -c 0): MB/s of SentencePiece piece
# text (the 321 reference lines of models/kenlm, 338 KB, scored repeatedly) for the probing,
# trie and ARPA.gz forms of the en 5-gram model. Reports each of RUNS runs.
#
# Usage: bench/kenlm_bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-3}"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
dir="$realdata/models/kenlm"
bench="$build/bench/kenlm_bench"
[ -d "$dir" ] || { echo "SKIPPED: $dir not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build kenlm_bench)"; exit 1; }
for _ in $(seq "$runs"); do
  taskset -c 0 "$bench" "$dir/ref_lines.txt" "$dir/en_wiki_sp8k.o5.probing.bin" \
    "$dir/en_wiki_sp8k.o5.trie.bin" "$dir/en_wiki_sp8k.o5.arpa.gz"
done
