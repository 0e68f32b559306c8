#!/usr/bin/env bash
# The whole cc_net chain on one core (taskset -c 0): WET bytes in -> cc_net records, two-pass
# line dedup of the unit, fastText language id (lid.176.ftz), SentencePiece + KenLM perplexity
# and buckets out (bench/ccnet_chain.cpp), beside Debian's `fasttext predict lid.176.ftz` on
# the same documents (the deduplicated, newline-glued texts the chain hands to language id),
# in the same run. CPU-second medians of RUNS runs; the CLI's figure has its model-load time
# (a run on an empty file) subtracted.
#
# Input: a WET file built from real text (the 1000 real C4 records as English pages, plus the
# ukwiki excerpt cut into ~4 kB pages that language id drops), one gzip member per record, in
# the 2019 WET header layout, plus the bundled sample's segments (boilerplate for the dedup).
# Baseline: the same bench program built from commit $BASELINE (default 15135c6) by this script,
# in a git worktree under BUILD_DIR/bench-baseline-<commit> (kept for the next run), and run in
# turn with this build's, ROUNDS (default 3) times each; the table gives medians over the
# rounds of each invocation's median of RUNS runs, per stage, and the ratio. BASELINE=none skips it.
# Usage: bench/ccnet_chain.sh [BUILD_DIR] [RUNS]
# The CLI is $FASTTEXT, else `fasttext` on PATH (without root: `apt-get download fasttext &&
# dpkg -x fasttext_*.deb DIR`, then FASTTEXT=DIR/usr/bin/fasttext).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-3}"
realdata="$(cd "${RPDATA_REALDATA:-$root/../shared/realdata}" && pwd)"
models="$realdata/models"
bench="$build/bench/ccnet_chain"
[ -f "$models/fasttext/lid.176.ftz" ] || { echo "SKIPPED: no models under $models"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build ccnet_chain)"; exit 1; }
source "$root/bench/lib.bash"
bench_setup ccnetchain

python3 - "$realdata" "$work/real.warc.wet.gz" <<'PY'
import bz2, gzip, hashlib, base64, json, sys
real, out = sys.argv[1:]
pages = []
with open(f"{real}/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl", encoding="utf-8") as f:
    for l in f:
        r = json.loads(l)
        pages.append((r["url"], r["url"].split("/")[2] + " page\n" + r["text"] + "\n"))
data = bz2.open(f"{real}/wikipedia/ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2").read().decode()
cur, n = [], 0
for line in data.split("\n"):
    cur.append(line.strip())
    if sum(map(len, cur)) > 4000:
        pages.append((f"http://uk.example/{n}", f"Сторінка {n}\n" + "\n".join(cur) + "\n")); cur = []; n += 1
with open(out, "wb") as f:
    for i, (url, body) in enumerate(pages):
        b = body.encode()
        digest = "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()
        h = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2019-07-15T10:00:00Z\r\n"
             f"WARC-Record-ID: <urn:uuid:{i:08d}-0000-4000-a000-000000000000>\r\nWARC-Refers-To: <urn:uuid:0>\r\n"
             f"WARC-Block-Digest: {digest}\r\nContent-Type: text/plain\r\nContent-Length: {len(b)}\r\n\r\n").encode()
        f.write(gzip.compress(h + b + b"\r\n\r\n", 6))
PY
RPDATA_MODELS="$models" "$build/rpdata" sample --only commoncrawl --out "$work/s" --no-progress > /dev/null 2>&1
parts=("$work/real.warc.wet.gz" $(find "$work/s/_mirror/commoncrawl" -name '*.warc.wet.gz' | sort))

baseline="${BASELINE:-15135c6}"
rounds="${ROUNDS:-3}"
base_bench=""
if [ "$baseline" != none ]; then
  bdir="$build/bench-baseline-$baseline"
  if [ ! -x "$bdir/build/bench/ccnet_chain" ]; then
    echo "building the baseline bench at $baseline in $bdir (once)"
    [ -d "$bdir/src" ] || git -C "$root" worktree add --detach "$bdir/src" "$baseline" > /dev/null
    launcher=()
    command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$bdir/src" -B "$bdir/build" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" > "$bdir/build.log" 2>&1
    cmake --build "$bdir/build" --target ccnet_chain -j "$(nproc)" >> "$bdir/build.log" 2>&1 ||
      { echo "baseline build failed: $bdir/build.log"; exit 1; }
  fi
  base_bench="$bdir/build/bench/ccnet_chain"
fi

echo "== ccnet chain; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  "${pin[@]}" "$bench" "$models" "$realdata/commoncrawl/ccnet/cutoff.csv" "$runs" "$work/lid_lines.txt" "${parts[@]}" \
    > "$work/ours.$round.txt"
  [ -n "$base_bench" ] && "${pin[@]}" "$base_bench" "$models" "$realdata/commoncrawl/ccnet/cutoff.csv" "$runs" \
    "$work/base_lid_lines.txt" "${parts[@]}" > "$work/base.$round.txt"
done
cp "$work/ours.$rounds.txt" "$work/ours.txt"
echo "-- this build (round $rounds of $rounds):"
cat "$work/ours.txt"
# stage_seconds FILE: "reader chain lid perplexity sentencepiece kenlm" CPU seconds.
stage_seconds() {
  awk '/^wet reader/ {r=$6} /^whole chain/ {c=$4} /of which ccnet_lid/ {l=$4} /of which ccnet_perplexity/ {p=$4}
       /perplexity split/ {for (i=1;i<=NF;i++) {if ($i=="sentencepiece") s=$(i+1); if ($i=="kenlm") k=$(i+1)}}
       END {print r, c, l, p, s, k}' "$1"
}
if [ -n "$base_bench" ]; then
  cmp -s "$work/lid_lines.txt" "$work/base_lid_lines.txt" || { echo "FAIL: the documents reaching language id differ from $baseline's"; exit 1; }
  cmp_routes() { grep '^docs:' "$1"; }
  [ "$(cmp_routes "$work/ours.txt")" = "$(cmp_routes "$work/base.$rounds.txt")" ] ||
    { echo "FAIL: document counts or buckets differ from $baseline's"; exit 1; }
  echo "-- side by side, CPU s, median over $rounds rounds (each the median of $runs runs); ratio = $baseline / this"
  printf "%-44s %10s %10s %8s\n" "stage" "$baseline" "this" "ratio"
  names=("wet reader + line dedup (alone)" "whole chain (wet..bucket)" "  of which ccnet_lid" "  of which ccnet_perplexity"
         "    sentencepiece (word cache, cold)" "    kenlm")
  for k in 1 2 3 4 5 6; do
    b=$(for r in $(seq "$rounds"); do stage_seconds "$work/base.$r.txt" | cut -d' ' -f"$k"; done | median)
    o=$(for r in $(seq "$rounds"); do stage_seconds "$work/ours.$r.txt" | cut -d' ' -f"$k"; done | median)
    awk -v n="${names[$((k - 1))]}" -v b="$b" -v o="$o" 'BEGIN {printf "%-44s %10.3f %10.3f %7.2fx\n", n, b, o, (o > 0 ? b / o : 0)}'
  done
fi
if [ -n "$ft" ]; then
  text_bytes=$(awk 'NR==1 {print $6}' "$work/ours.txt")
  docs=$(awk 'NR==1 {print $8}' "$work/ours.txt")
  : > "$work/empty.txt"
  l=$(median_cpu "$runs" "${pin[@]}" "$ft" predict "$models/fasttext/lid.176.ftz" "$work/empty.txt")
  c=$(median_cpu "$runs" "${pin[@]}" "$ft" predict "$models/fasttext/lid.176.ftz" "$work/lid_lines.txt")
  chain=$(awk 'NR==3 {print $4}' "$work/ours.txt")
  awk -v c="$c" -v l="$l" -v b="$text_bytes" -v d="$docs" -v ch="$chain" 'BEGIN {
    t = c - l; if (t <= 0) t = c;
    printf "%-34s %8.3f s  (model load %.3f s subtracted)  %8.2f MB/s text  %8.0f docs/s\n", "fasttext predict lid.176.ftz", t, l, b/t/1e6, d/t;
    printf "chain throughput / fasttext-predict-alone throughput on the same documents: %.0f %%\n", 100 * t / ch }'
else
  echo "fasttext CLI not found: set FASTTEXT (see the header of this script)"
fi
