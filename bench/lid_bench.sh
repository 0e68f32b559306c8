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
unset RPDATA_LANGID
source "$root/bench/lib.bash"
bench_setup lidbench

for corpus in $corpora; do
  real_corpus "$realdata" "$corpus" "$work/lines.txt" lines
  echo "== lid.176.ftz, corpus $corpus; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "${pin[@]}" "$bench" "$model" "$work/lines.txt" "$runs" | tee "$work/ours.txt" | tail -n +2
  if [ -n "$ft" ]; then
    docs=$(awk 'NR==1 {print $2}' "$work/ours.txt")
    bytes=$(awk 'NR==1 {print $4}' "$work/ours.txt")
    fast=$(awk 'NR==1 {print $6}' "$work/ours.txt")
    : > "$work/empty.txt"
    l=$(median_cpu "$runs" "${pin[@]}" "$ft" predict "$model" "$work/empty.txt")
    c=$(median_cpu "$runs" "${pin[@]}" "$ft" predict "$model" "$work/lines.txt")
    awk -v c="$c" -v l="$l" -v b="$bytes" -v d="$docs" -v f="$fast" 'BEGIN {
      t = c - l; if (t <= 0) t = c;
      printf "%-38s %8.3f s  %8.2f MB/s  %8.0f docs/s  (model load %.3f s subtracted)\n", "Debian fasttext predict CLI (k=1)", t, b/t/1e6, d/t, l;
      printf "fast path / fasttext CLI throughput: %.2fx\n", t / f }'
  else
    echo "fasttext CLI not found: set FASTTEXT (see the header of this script)"
  fi
done
