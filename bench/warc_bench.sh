#!/usr/bin/env bash
# WET parsing throughput on one core (taskset -c 0): rpdata's WetReader (WARC records + cc_net
# document semantics, min_len 300) and the WARC layer alone, side by side with
# `zcat FILE > /dev/null` (gzip decompression alone) on the same file in the same run.
# Input: the real whirlwind WET's conversion record, repeated COPIES times as one gzip member
# per record (the layout of real CommonCrawl WET segments). Reports medians of RUNS runs in
# MB/s of compressed input and of decompressed WET bytes.
#
# Usage: bench/warc_bench.sh [BUILD_DIR] [RUNS] [COPIES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-5}"
copies="${3:-20000}"
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
wet="$realdata/commoncrawl/whirlwind/whirlwind.warc.wet.gz"
bench="$build/bench/wet_bench"
[ -f "$wet" ] || { echo "SKIPPED: $wet not found (set RPDATA_REALDATA)"; exit 77; }
[ -x "$bench" ] || { echo "build $bench first (make -C $build wet_bench)"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-warcbench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The file's second gzip member is the conversion record; the first is warcinfo.
python3 - "$wet" "$work/big.warc.wet.gz" "$copies" <<'PY'
import sys, zlib
raw = open(sys.argv[1], "rb").read()
d = zlib.decompressobj(31); d.decompress(raw); first = len(raw) - len(d.unused_data)
with open(sys.argv[2], "wb") as f:
    f.write(raw[:first])
    for _ in range(int(sys.argv[3])):
        f.write(raw[first:])
PY
comp=$(stat -c %s "$work/big.warc.wet.gz")
raw=$(zcat "$work/big.warc.wet.gz" | wc -c)

pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
t_zcat=() t_warc=() t_wet=()
for _ in $(seq "$runs"); do
  s=$(date +%s.%N); "${pin[@]}" zcat "$work/big.warc.wet.gz" > /dev/null; e=$(date +%s.%N)
  t_zcat+=("$(echo "$e - $s" | bc -l)")
  t_warc+=("$("${pin[@]}" "$bench" warc "$work/big.warc.wet.gz" | awk '{print $2}')")
  out="$("${pin[@]}" "$bench" wet "$work/big.warc.wet.gz")"
  t_wet+=("$(echo "$out" | awk '{print $2}')")
  docs=$(echo "$out" | awk '{print $5}')
done
[ "$docs" = "$copies" ] || { echo "expected $copies documents, got $docs"; exit 1; }
printf 'input: %d copies of the whirlwind WET record, %.1f MB gz, %.1f MB WET, %d docs\n' \
  "$copies" "$(echo "$comp/1000000" | bc -l)" "$(echo "$raw/1000000" | bc -l)" "$docs"
printf '%-34s %10s %14s %14s\n' "one core, median of $runs" "seconds" "MB/s gz in" "MB/s WET"
for name in zcat warc wet; do
  declare -n arr="t_$name"
  t=$(printf '%s\n' "${arr[@]}" | median)
  label=$name
  [ "$name" = zcat ] && label="zcat FILE > /dev/null"
  [ "$name" = warc ] && label="WarcReader (records only)"
  [ "$name" = wet ] && label="WetReader (cc_net documents)"
  printf '%-34s %10.3f %14.1f %14.1f\n' "$label" "$t" "$(echo "$comp/$t/1000000" | bc -l)" \
    "$(echo "$raw/$t/1000000" | bc -l)"
done
