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

echo "== ccnet chain; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"${pin[@]}" "$bench" "$models" "$realdata/commoncrawl/ccnet/cutoff.csv" "$runs" "$work/lid_lines.txt" "${parts[@]}" \
  | tee "$work/ours.txt"
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
