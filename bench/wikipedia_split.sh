#!/usr/bin/env bash
# A multistream dump cut into units by its index ([read] unit_max_bytes) against the same dump
# read as one unit, on one core: total CPU seconds of the run (what cutting costs: each unit
# decodes the header stream, hashes its range, and the plan reads the index) and the CPU
# seconds of the largest unit (the critical path), with `bzcat DUMP > /dev/null` as the
# baseline in the same invocation. Checks that both runs write the same records.
#
# Usage: bench/wikipedia_split.sh [BUILD_DIR] [RUNS] [UNIT_MAX_BYTES]
# Input: the real enwiki excerpt of ../shared/realdata (206 pages), its pages repeated x6
# (~36 MB of XML) and compressed as Wikimedia does: a siteinfo stream, streams of 100 pages,
# a footer stream, and the -multistream-index.txt.bz2 ("OFFSET:PAGEID:TITLE" per page).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
max_bytes="${3:-2000000}"
rpdata="$build/rpdata"
source "$root/bench/lib.bash"
bench_setup wikipedia-split
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
src="$realdata/wikipedia/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
[ -f "$src" ] || { echo "needs $src" >&2; exit 1; }
bzcat "$src" > "$work/one.xml"
dump="$work/enwiki-20230320-pages-articles-multistream.xml.bz2"
python3 - "$work/one.xml" 6 "$dump" "${dump%.xml.bz2}-index.txt.bz2" <<'PY'
import bz2, re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
head_end = xml.index("<page>")
tail_start = xml.rindex("</page>") + len("</page>")
pages = re.findall(r"<page>.*?</page>", xml[head_end:tail_start], re.S) * int(sys.argv[2])
out, index = bz2.compress(xml[:head_end].encode(), 9), []
for g in range(0, len(pages), 100):
    offset = len(out)
    for k, p in enumerate(pages[g:g + 100]):
        title = re.search(r"<title>(.*?)</title>", p).group(1)
        index.append(f"{offset}:{g + k + 1}:{title}\n")
    out += bz2.compress(("  " + "\n  ".join(pages[g:g + 100]) + "\n").encode(), 9)
out += bz2.compress(xml[tail_start:].encode(), 9)
open(sys.argv[3], "wb").write(out)
open(sys.argv[4], "wb").write(bz2.compress("".join(index).encode(), 9))
PY
rm "$work/one.xml"
bz_mb=$(python3 -c "import os;print(os.path.getsize('$dump')/1e6)")

run() {  # out-dir, unit_max_bytes
  rm -rf "$1"
  "${pin[@]}" "$rpdata" run wikipedia --input "$dump" --out "$1" --set "read.unit_max_bytes=$2" --threads 1 \
    --tokenizers none --no-progress -q
}
baseline() { "${pin[@]}" bzcat "$dump" > /dev/null; }
one_unit() { run "$work/one_unit" 0; }
cut_units() { run "$work/cut_units" "$max_bytes"; }
# The largest unit's CPU seconds, from the unit markers of the last run.
largest_unit() {
  python3 -c "import json,glob,sys;print(max(json.load(open(f))['cpu_seconds'] for f in glob.glob(sys.argv[1]+'/wikipedia/_work/units/*.json')))" "$1"
}
records() {
  sed 's/^{"path": "\([^"]*\)".*/\1/' "$1/wikipedia/manifest.jsonl" | while read -r p; do zstd -dcq "$1/$p"; done
}
one_unit; cut_units
records "$work/one_unit" > "$work/one_unit.jsonl"
records "$work/cut_units" > "$work/cut_units.jsonl"
cmp -s "$work/one_unit.jsonl" "$work/cut_units.jsonl" || { echo "FAIL: the cut run's records differ" >&2; exit 1; }
units=$(ls "$work/cut_units/wikipedia/_work/units/" | grep -c '\.json$')

declare -A wall cpu
names=(baseline one_unit cut_units)
for name in "${names[@]}"; do
  for _ in $(seq "$runs"); do time_cmd "$name"; [ "$name" = baseline ] || largest_unit "$work/$name" >> "$work/$name.largest"; done > "$work/$name.times"
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done
echo "input: real enwiki excerpt pages x6, $bz_mb MB .xml.bz2 multistream + index; unit_max_bytes $max_bytes -> $units units; median of $runs runs; ${pin[*]:-no taskset}"
printf "%-44s %10s %10s %20s\n" "command" "wall s" "cpu s" "largest unit cpu s"
printf "%-44s %10.3f %10.3f %20s\n" "bzcat DUMP > /dev/null (baseline)" "${wall[baseline]}" "${cpu[baseline]}" "-"
for name in one_unit cut_units; do
  printf "%-44s %10.3f %10.3f %20.3f\n" "rpdata run wikipedia ($name)" "${wall[$name]}" "${cpu[$name]}" \
    "$(median < "$work/$name.largest")"
done
awk -v w="${cpu[one_unit]}" -v c="${cpu[cut_units]}" 'BEGIN {printf "cutting costs %+.1f%% CPU in total; records identical\n", 100*(c-w)/w}'
