#!/usr/bin/env bash
# fastText language id (lid.176.ftz, k = 1) on one core (taskset -c 0), three ways on the same
# documents in one run: libfasttext's predictLine and LangId's fast path (in-process,
# bench/lid_bench.cpp, which also checks the two agree bit for bit), and Debian's
# `fasttext predict` CLI (its model-load time, a run on an empty file, subtracted).
# CPU-second medians of RUNS runs; MB/s of document text and docs/s.
#
# Corpora: c4 (the 1000 real C4 records, cc_net preprocessing: lines glued) and ukwiki (the
# ukwiki excerpt cut into ~4 kB documents at line ends, as bench/ccnet_bench.sh: Cyrillic).
# Default: both.
# Usage: bench/lid_bench.sh [BUILD_DIR] [RUNS] [CORPUS...]
# The CLI is $FASTTEXT, else `fasttext` on PATH (without root: `apt-get download fasttext &&
# dpkg -x fasttext_*.deb DIR`, then FASTTEXT=DIR/usr/bin/fasttext).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
corpora="${*:-c4 ukwiki}"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
model="$realdata/models/fasttext/lid.176.ftz"
bench="$build/bench/lid_bench"
[ -f "$model" ] || { echo "SKIPPED: $model not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build lid_bench)"; exit 1; }
ft="${FASTTEXT:-$(command -v fasttext || true)}"
unset RPDATA_LANGID
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-lidbench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for corpus in $corpora; do
  python3 - "$realdata" "$corpus" "$work/lines.txt" <<'PY'
import bz2, json, sys
real, corpus, out = sys.argv[1:]
docs = []
if corpus == "c4":
    with open(f"{real}/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl", encoding="utf-8") as f:
        docs = [json.loads(l)["text"] for l in f]
else:
    data = bz2.open(f"{real}/wikipedia/ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2").read().decode()
    cur = []
    for line in data.split("\n"):
        cur.append(line)
        if sum(map(len, cur)) > 4000:
            docs.append("\n".join(cur)); cur = []
with open(out, "w", encoding="utf-8") as f:
    for d in docs:
        f.write(d.replace("\n", "") + "\n")  # cc_net: raw_content.replace("\n", "")
PY
  echo "== lid.176.ftz, corpus $corpus; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "${pin[@]}" "$bench" "$model" "$work/lines.txt" "$runs" | tee "$work/ours.txt" | tail -n +2
  if [ -n "$ft" ]; then
    docs=$(awk 'NR==1 {print $2}' "$work/ours.txt")
    bytes=$(awk 'NR==1 {print $4}' "$work/ours.txt")
    fast=$(awk 'NR==1 {print $6}' "$work/ours.txt")
    : > "$work/empty.txt"
    TIMEFORMAT='%U %S'
    load=(); times=()
    for _ in $(seq "$runs"); do
      t=$( { time "${pin[@]}" "$ft" predict "$model" "$work/empty.txt" > /dev/null; } 2>&1 )
      load+=("$(echo "$t" | awk '{print $1 + $2}')")
      t=$( { time "${pin[@]}" "$ft" predict "$model" "$work/lines.txt" > /dev/null; } 2>&1 )
      times+=("$(echo "$t" | awk '{print $1 + $2}')")
    done
    l=$(printf '%s\n' "${load[@]}" | median)
    c=$(printf '%s\n' "${times[@]}" | median)
    awk -v c="$c" -v l="$l" -v b="$bytes" -v d="$docs" -v f="$fast" 'BEGIN {
      t = c - l; if (t <= 0) t = c;
      printf "%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s  (model load %.3f s subtracted)\n", "Debian fasttext predict CLI (k=1)", t, b/t/1e6, d/t, l;
      printf "fast path / fasttext CLI throughput: %.2fx\n", t / f }'
  else
    echo "fasttext CLI not found: set FASTTEXT (see the header of this script)"
  fi
done
