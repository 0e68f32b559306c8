#!/usr/bin/env bash
# cc_net stages on one core (taskset -c 0): normalize_for_dedup, line hashing, the two-pass
# line dedup, normalize() and fastText language id through libfasttext, side by side with
# Debian's `fasttext predict-prob` CLI on the same preprocessed documents (one per line).
# Reports CPU-second medians of RUNS runs in MB/s of input text (the CLI's figure includes
# reading its input file and printing, which is small next to inference).
#
# Usage: bench/ccnet_bench.sh [BUILD_DIR] [RUNS] [CORPUS]
#   CORPUS: c4 (the 1000 real C4 records, mostly ASCII) or ukwiki (ukwiki excerpt cut into
#   ~4 kB documents at line ends: Cyrillic, the non-ASCII path). Default: both.
# The CLI is $FASTTEXT, else `fasttext` on PATH (Debian package `fasttext`; without root:
# `apt-get download fasttext && dpkg -x fasttext_*.deb DIR`, then FASTTEXT=DIR/usr/bin/fasttext).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-5}"
corpora="${3:-c4 ukwiki}"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
model="$realdata/models/fasttext/lid.176.ftz"
bench="$build/bench/ccnet_bench"
[ -f "$model" ] || { echo "SKIPPED: $model not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build ccnet_bench)"; exit 1; }
ft="${FASTTEXT:-$(command -v fasttext || true)}"

work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-ccnetbench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for corpus in $corpora; do
  python3 - "$realdata" "$corpus" "$work/docs.txt" <<'PY'
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
    f.write("\n\x1e\n".join(docs))
PY
  echo "== corpus: $corpus; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "${pin[@]}" "$bench" "$work/docs.txt" "$model" "$runs" "$work/lid_lines.txt" 2>/dev/null |
    tee "$work/ours.txt"
  if [ -n "$ft" ]; then
    bytes=$(awk 'NR==1 {print $6}' "$work/ours.txt")
    times=()
    for _ in $(seq "$runs"); do
      TIMEFORMAT='%U %S'
      t=$( { time "${pin[@]}" "$ft" predict-prob "$model" "$work/lid_lines.txt" 1 > /dev/null; } 2>&1 )
      times+=("$(echo "$t" | awk '{print $1 + $2}')")
    done
    cpu=$(printf '%s\n' "${times[@]}" | median)
    awk -v n="fasttext predict-prob CLI (k=1)" -v c="$cpu" -v b="$bytes" \
      'BEGIN {printf "%-34s %8.3f s  %8.2f MB/s\n", n, c, b/c/1e6}'
  else
    echo "fasttext CLI not found: set FASTTEXT (see the header of this script)"
  fi
done
