#!/usr/bin/env bash
# Wikipedia throughput on one core, side by side with the baseline `bzcat DUMP > /dev/null`
# on the same file in the same run (issue #5's yardstick: decompression should dominate,
# target >= 50 % of bzcat). Reports medians of N runs: MB/s of the .xml.bz2 dump consumed
# and article pages/s, per wall second and per CPU second.
#
# Usage: bench/wikipedia.sh [BUILD_DIR] [RUNS]
# Input: the real enwiki excerpt of ../shared/realdata (206 pages, 6 MB XML) with its pages
# repeated inside one <mediawiki> to ~36 MB of XML, bzip2 -9; or, without realdata, the
# bundled synthetic sample scaled up.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
rpdata="$build/rpdata"
source "$root/bench/lib.bash"
bench_setup wikipedia
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
src="$realdata/wikipedia/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
if [ -f "$src" ]; then
  label="real enwiki excerpt (pages x6)"
  bzcat "$src" > "$work/one.xml"
  copies=6
else
  label="synthetic sample (pages x60)"
  "$rpdata" sample --out "$work/gen" --only wikipedia -q --no-progress > /dev/null
  bzcat "$work"/gen/_mirror/wikipedia/enwiki/*/enwiki-*-pages-articles-multistream.xml.bz2 > "$work/one.xml"
  copies=60
fi
python3 - "$work/one.xml" "$copies" > "$work/dump.xml" <<'PY'
import sys
xml = open(sys.argv[1], encoding="utf-8").read()
head_end = xml.index("<page>")
tail_start = xml.rindex("</page>") + len("</page>")
head, pages, tail = xml[:head_end], xml[head_end:tail_start], xml[tail_start:]
sys.stdout.write(head + "\n".join([pages] * int(sys.argv[2])) + tail)
PY
rm "$work/one.xml"
file="$work/enwiki-20230320-pages-articles-multistream.xml.bz2"
bzip2 -9 -c "$work/dump.xml" > "$file"
xml_mb=$(python3 -c "import os;print(os.path.getsize('$work/dump.xml')/1e6)")
rm "$work/dump.xml"
bz_mb=$(python3 -c "import os;print(os.path.getsize('$file')/1e6)")

baseline() { "${pin[@]}" bzcat "$file" > /dev/null; }
ours() {
  rm -rf "$work/out"
  "${pin[@]}" "$rpdata" run wikipedia --input "$file" --out "$work/out" --threads 1 --tokenizers none --no-progress -q
}
ours  # warm-up, and the page count
pages=$(python3 -c "import json;print(json.load(open('$work/out/wikipedia/manifest.json'))['docs'])")

declare -A wall cpu
names=(baseline ours)
for name in "${names[@]}"; do
  for _ in $(seq "$runs"); do time_cmd "$name"; done > "$work/$name.times"
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done

echo "input: $label, $bz_mb MB .xml.bz2, $xml_mb MB XML, $pages articles written; median of $runs runs; ${pin[*]:-no taskset}"
printf "%-34s %10s %10s %12s %12s %12s\n" "command" "wall s" "cpu s" "MB/s wall" "MB/s cpu" "pages/s cpu"
declare -A titles=([baseline]="bzcat DUMP > /dev/null (baseline)" [ours]="rpdata run wikipedia --threads 1")
for name in "${names[@]}"; do
  awk -v t="${titles[$name]}" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v mb="$bz_mb" -v d="$pages" \
    'BEGIN {printf "%-34s %10.3f %10.3f %12.2f %12.2f %12.0f\n", t, w, c, mb/w, mb/c, d/c}'
done
awk -v bw="${wall[baseline]}" -v ow="${wall[ours]}" -v bc="${cpu[baseline]}" -v oc="${cpu[ours]}" \
  'BEGIN {printf "rpdata / bzcat throughput: %.0f%% per wall second, %.0f%% per CPU second (target >= 50%%)\n", 100*bw/ow, 100*bc/oc}'
