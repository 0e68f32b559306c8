#!/usr/bin/env bash
# Books SimHash throughput on one core (taskset -c 0), side by side in one run with the
# baseline `cat BOOKS | wc -c` on the same files: books/s and MB/s of book text for
#   - cat | wc -c                          (reading the bytes: the floor)
#   - simhash_bench                        (dedup::book_simhash per book: lower, \w filter,
#                                           6-char shingles, md5 per shingle, bit majority)
#   - rpdata run books3 --input DIR        (the whole run: reader + book_simhash + JSON + zstd
#                                           shards, then the [dedup] reduce and apply stages,
#                                           which drop the 96 copies; no token counting)
# and, once, the Python reference (tests/unit/dedup/simhash_ref.py) on the 4 real books.
# Medians of RUNS runs; books/s per CPU second.
#
# Usage: bench/books.sh [BUILD_DIR] [RUNS] [COPIES]   (BUILD_DIR built with -DRPDATA_BUILD_BENCH=ON)
# Input: the 4 real PG books of ../shared/realdata/books (1.7 MB) copied COPIES times (25 ->
# 100 books, 43 MB), or the bundled synthetic sample when realdata is absent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
copies="${3:-25}"
rpdata="$build/rpdata"
bench="$build/bench/simhash_bench"
[ -x "$bench" ] || { echo "build $bench first (cmake -DRPDATA_BUILD_BENCH=ON; make simhash_bench)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
mkdir -p "$work/books"
if [ -d "$realdata/books" ]; then
  label="4 real PG books x$copies"
  src=("$realdata"/books/pg*.txt)
else
  label="bundled synthetic sample x$copies"
  "$rpdata" sample --out "$work/gen" --only book --no-progress > /dev/null 2>&1
  src=("$work"/gen/_mirror/book/deepmind-gutenberg/train/*.txt)
fi
for c in $(seq -w 1 "$copies"); do
  for f in "${src[@]}"; do cp "$f" "$work/books/$c-$(basename "$f" .txt).epub.txt"; done
done
files=("$work"/books/*)
books=${#files[@]}
mb=$(cat "${files[@]}" | wc -c | awk '{print $1/1e6}')
pin=(); command -v taskset > /dev/null && pin=(taskset -c 0)

# time_cmd CMD... -> "wall cpu" seconds (cpu = user+sys including children). On a shared
# machine wall time includes waiting for the core; CPU seconds are the work itself.
time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
baseline() { "${pin[@]}" bash -c 'cat "$@" | wc -c' _ "${files[@]}"; }
simhash() { "${pin[@]}" "$bench" "${files[@]}"; }
pipeline() {
  rm -rf "$work/out"
  "${pin[@]}" "$rpdata" run books3 --input "$work/books" --out "$work/out" --threads 1 --tokenizers none --no-progress -q
}
declare -A wall cpu
names=(baseline simhash pipeline)
for name in "${names[@]}"; do
  for _ in $(seq "$runs"); do time_cmd "$name"; done > "$work/$name.times"
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done
echo "input: $label = $books books, $mb MB; median of $runs runs; one core (${pin[*]:-no taskset}); load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
printf "%-44s %8s %8s %10s %10s %10s\n" "command" "wall s" "cpu s" "books/s" "MB/s wall" "MB/s cpu"
declare -A titles=([baseline]="cat BOOKS | wc -c (baseline)" [simhash]="simhash_bench (book_simhash per book)"
  [pipeline]="rpdata run books3 (+ [dedup] stages)")
for name in "${names[@]}"; do
  awk -v t="${titles[$name]}" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v mb="$mb" -v b="$books" \
    'BEGIN {printf "%-44s %8.3f %8.3f %10.1f %10.1f %10.1f\n", t, w, c, b/c, mb/w, mb/c}'
done
if command -v python3 > /dev/null && [ -d "$realdata/books" ]; then
  ref=("$realdata"/books/pg*.txt)
  rmb=$(cat "${ref[@]}" | wc -c | awk '{print $1/1e6}')
  read -r w c <<< "$(time_cmd "${pin[@]}" python3 "$root/tests/unit/dedup/simhash_ref.py" sig "${ref[@]}")"
  awk -v w="$w" -v c="$c" -v mb="$rmb" -v b="${#ref[@]}" \
    'BEGIN {printf "%-44s %8.3f %8.3f %10.1f %10.1f %10.1f\n", "python reference, 4 books, 1 run", w, c, b/c, mb/w, mb/c}'
fi
