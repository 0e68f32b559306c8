#!/usr/bin/env bash
# `rpdata tokenize` (GPT-NeoX-20B ids + one EOD per document, written as a GPT-NeoX indexed
# dataset) on one core, side by side in one run with:
#   - `rpdata count` of the same run shards (counting alone: what writing the dataset adds), and
#   - the reference doing the same work: Hugging Face tokenizers 0.22 (Rust, npm
#     @anush008/tokenizers@0.6.0) encoding each document from Node and writing its ids + EOD as
#     uint16 (tests/tokenize/reference_tokenize.js bin; reading the documents excluded).
# CPU seconds, medians of RUNS (default 3), everything pinned to one core; then `tokenize -j 2`
# against `-j 1` in wall seconds (the machine's two cores).
#
# Usage: bench/tokenize_dataset.sh [BUILD_DIR] [RUNS]
# Input: the real C4 records, books and Wikipedia pages of ../shared/realdata (tokenize_bench's
# corpus), copied into 4 inputs of a one-step JSONL run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-3}"
source "$root/bench/lib.bash"
bench_setup tokds
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
tokenizer="$realdata/models/gpt-neox-20b/20B_tokenizer.json"
rpdata="$build/rpdata"
[ -f "$tokenizer" ] || { echo "SKIPPED: $tokenizer not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$build/bench/tokenize_bench" ] || { echo "build $build/bench/tokenize_bench first"; exit 1; }
reference_tokenizer "$build"
export RPDATA_MODELS="$(dirname "$(dirname "$tokenizer")")"

# A run of the real documents: 4 inputs, records kept as they are, GPT-NeoX counts recorded.
"$build/bench/tokenize_bench" corpus "$realdata" "$work/docs.jsonl" > "$work/corpus.txt"
for i in 0 1 2 3; do cp "$work/docs.jsonl" "$work/docs$i.jsonl"; done
cat > "$work/docs.toml" <<'EOF'
source = "c4"
description = "the benchmark's documents, as they are"
[read]
format = "jsonl"
text_field = "text"
[output]
json_style = "python"
layout = "text_meta"
max_shard_bytes = 1073741824
tokenizers = ["neox"]
EOF
"$rpdata" run c4 --recipe "$work/docs.toml" --out "$work/run" --no-progress -q \
  --input "$work/docs0.jsonl" --input "$work/docs1.jsonl" --input "$work/docs2.jsonl" --input "$work/docs3.jsonl"
mapfile -t shards < <(ls "$work"/run/c4/*.jsonl.zst)
bytes=$(( $(wc -c < "$work/docs.jsonl") * 4 ))
for i in 0 1 2 3; do cat "$work/docs.jsonl"; done > "$work/all.jsonl"

count_once() { "${pin[@]}" "$rpdata" count "${shards[@]}" --no-progress -q; }
tokenize_once() { rm -rf "$work/tok"; "${pin[@]}" "$rpdata" tokenize "$work/run" --out "$work/tok" --no-progress -q; }
count_cpu=$(median_cpu "$runs" count_once)
tok_cpu=$(median_cpu "$runs" tokenize_once)
export UV_THREADPOOL_SIZE=1 RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false
ref_runs=()
for _ in $(seq "$runs"); do
  ref_runs+=("$("${pin[@]}" node "$root/tests/tokenize/reference_tokenize.js" bin "$npm_dir/node_modules" "$tokenizer" \
    "$work/all.jsonl" "$work/ref.bin")")
done
ref_cpu=$(printf '%s\n' "${ref_runs[@]}" | cut -d' ' -f2 | median)
ref_tokens=$(echo "${ref_runs[0]}" | cut -d' ' -f4)
ours_tokens=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokens_with_eod"])' "$work/tok/manifest.json")
cat "$work"/tok/c4/*.bin | cmp -s - "$work/ref.bin" || { echo "ERROR: the dataset's ids differ from the reference's" >&2; exit 1; }

wall() { local TIMEFORMAT='%R' t; t=$( { time "$@" > /dev/null; } 2>&1 ); echo "$t"; }
tok_j() { rm -rf "$work/tokj"; "$rpdata" tokenize "$work/run" --out "$work/tokj" --shard-bytes 1 -j "$1" --no-progress -q; }
w1=$(for _ in $(seq "$runs"); do wall tok_j 1; done | median)
w2=$(for _ in $(seq "$runs"); do wall tok_j 2; done | median)

echo "input: $(cat "$work/corpus.txt") x 4 inputs ($bytes bytes of JSONL); median of $runs runs;"
echo "one core (${pin[*]:-no taskset}); $(nproc) cores on this machine; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-58s %8s %10s %12s\n" "one core" "cpu s" "MB/s cpu" "tokens"
row() { awk -v n="$1" -v c="$2" -v b="$bytes" -v t="$3" 'BEGIN {printf "%-58s %8.3f %10.2f %12s\n", n, c, b/c/1e6, t}'; }
row "HF tokenizers (Rust, npm): encode + write ids + EOD" "$ref_cpu" "$ref_tokens"
row "rpdata count (counting alone)" "$count_cpu" "-"
row "rpdata tokenize (ids + EOD -> .bin/.idx, sha256 checks)" "$tok_cpu" "$ours_tokens"
awk -v r="$ref_cpu" -v t="$tok_cpu" -v c="$count_cpu" \
  'BEGIN {printf "tokenize vs the reference: %.1fx per CPU second (target >= 20x); over counting alone: +%.0f%% (target <= 25%%)\n", r/t, 100*(t/c-1)}'
awk -v a="$w1" -v b="$w2" 'BEGIN {printf "tokenize wall: -j 1 %.3f s, -j 2 %.3f s: %.2fx with 2 threads\n", a, b, a/b}'
[ "$ours_tokens" = "$ref_tokens" ] || { echo "ERROR: tokens differ: ours $ours_tokens, reference $ref_tokens" >&2; exit 1; }
