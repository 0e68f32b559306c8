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
source "$root/bench/lib.bash"
bench_setup ccnetbench

for corpus in $corpora; do
  real_corpus "$realdata" "$corpus" "$work/docs.txt" records
  echo "== corpus: $corpus; one core (${pin[*]:-no taskset}); median CPU time of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  "${pin[@]}" "$bench" "$work/docs.txt" "$model" "$runs" "$work/lid_lines.txt" 2>/dev/null |
    tee "$work/ours.txt"
  if [ -n "$ft" ]; then
    bytes=$(awk 'NR==1 {print $6}' "$work/ours.txt")
    cpu=$(median_cpu "$runs" "${pin[@]}" "$ft" predict-prob "$model" "$work/lid_lines.txt" 1)
    awk -v n="fasttext predict-prob CLI (k=1)" -v c="$cpu" -v b="$bytes" \
      'BEGIN {printf "%-34s %8.3f s  %8.2f MB/s\n", n, c, b/c/1e6}'
  else
    echo "fasttext CLI not found: set FASTTEXT (see the header of this script)"
  fi
done
