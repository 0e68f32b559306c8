#!/usr/bin/env bash
# GPT-NeoX-20B token counting throughput on one core: rpdata's Tokenizer::count() side by side
# with the reference (Hugging Face tokenizers 0.22 in Rust, through the npm bindings
# @anush008/tokenizers@0.6.0, encode() per document from Node) on the same documents in the
# same run. Both are pinned to one core with taskset; times cover tokenisation only (documents
# are loaded first). Reports medians of RUNS runs, in MB/s of UTF-8 text.
#
# Usage: bench/tokenize_bench.sh [BUILD_DIR] [RUNS]
# Input: the real C4 records, books and Wikipedia pages of ../shared/realdata.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-5}"
source "$root/bench/lib.bash"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
tokenizer="$realdata/models/gpt-neox-20b/20B_tokenizer.json"
bench="$build/bench/tokenize_bench"
[ -f "$tokenizer" ] || { echo "SKIPPED: $tokenizer not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build tokenize_bench)"; exit 1; }

# The reference package, installed once under the build dir (the differential test shares it).
reference_tokenizer "$build"

work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-tokbench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$bench" corpus "$realdata" "$work/docs.jsonl" > "$work/corpus.txt"

pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)
# One core for the reference: its async encode runs on libuv's pool, and rayon stays idle.
export UV_THREADPOOL_SIZE=1 RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
"${pin[@]}" "$bench" count "$tokenizer" "$work/docs.jsonl" "$runs" > "$work/ours.txt"
"${pin[@]}" node "$root/tests/tokenize/reference_tokenize.js" bench "$npm_dir/node_modules" \
  "$tokenizer" "$work/docs.jsonl" "$runs" > "$work/ref.txt"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours_wall=$(cut -d' ' -f1 "$work/ours.txt" | median)
ours_cpu=$(cut -d' ' -f2 "$work/ours.txt" | median)
ref_wall=$(cut -d' ' -f1 "$work/ref.txt" | median)
ref_cpu=$(cut -d' ' -f2 "$work/ref.txt" | median)
bytes=$(head -1 "$work/ours.txt" | cut -d' ' -f3)
ours_tokens=$(head -1 "$work/ours.txt" | cut -d' ' -f4)
ref_tokens=$(head -1 "$work/ref.txt" | cut -d' ' -f4)

echo "input: $(cat "$work/corpus.txt") (real C4 records, books, Wikipedia); median of $runs runs;"
echo "one core (${pin[*]:-no taskset}); $(nproc) cores on this machine; load: $(cut -d' ' -f1-3 /proc/loadavg)"
row() {  # name wall cpu tokens
  awk -v n="$1" -v w="$2" -v c="$3" -v b="$bytes" -v t="$4" \
    'BEGIN {printf "%-42s %8.3f %8.3f %10.2f %10.2f %10d\n", n, w, c, b/w/1e6, b/c/1e6, t}'
}
printf "%-42s %8s %8s %10s %10s %10s\n" "tokenizer" "wall s" "cpu s" "MB/s wall" "MB/s cpu" "tokens"
row "HF tokenizers 0.22 (Rust, npm) encode()" "$ref_wall" "$ref_cpu" "$ref_tokens"
row "rpdata Tokenizer::count()" "$ours_wall" "$ours_cpu" "$ours_tokens"
awk -v rw="$ref_wall" -v ow="$ours_wall" -v rc="$ref_cpu" -v oc="$ours_cpu" \
  'BEGIN {printf "speed-up on one core: %.1fx per wall second, %.1fx per CPU second (target >= 3x)\n", rw/ow, rc/oc}'
if [ "$ours_tokens" != "$ref_tokens" ]; then
  echo "ERROR: token totals differ: ours $ours_tokens, reference $ref_tokens" >&2
  exit 1
fi
