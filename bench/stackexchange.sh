#!/usr/bin/env bash
# StackExchange reader throughput on one core, side by side with the baseline
#   7z x -so FILE Posts.xml > /dev/null
# (p7zip, decompression only) on the same site .7z in the same run. Reports medians of N runs:
# posts/s (rows of Posts.xml) and MB/s of Posts.xml, per wall second and per CPU second
# (user+sys: the fair figure on a loaded machine), both under `taskset -c 0`; rpdata without
# and with lid.176 language id.
#
# Usage: bench/stackexchange.sh [BUILD_DIR] [RUNS] [COPIES]
# Input: the real beer.stackexchange.com Posts.xml of ../shared/realdata, its rows repeated
# COPIES times (default 20, ids shifted so questions stay distinct), packed as the dumps are
# (7z, BZip2, with the site's other tables first in the solid block).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
copies="${3:-20}"
rpdata="$build/rpdata"
command -v 7z > /dev/null || { echo "needs 7z (apt-get install p7zip-full)"; exit 77; }
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
src="$realdata/stackexchange/beer.stackexchange.com.7z"
[ -f "$src" ] || { echo "needs $src"; exit 77; }
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-se-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/site"
(cd "$work/site" && 7z x -y "$src" > /dev/null)
python3 - "$work/site/Posts.xml" "$copies" <<'PY'
import re, sys
path, copies = sys.argv[1], int(sys.argv[2])
lines = open(path, encoding="utf-8").read().split("\n")
head, rows, foot = lines[:2], lines[2:-1], lines[-1]
step = 10 ** 6
out = head[:]
for c in range(copies):
    shift = lambda m: m.group(1) + str(int(m.group(2)) + c * step) + '"'
    out += [re.sub(r'( (?:Id|ParentId|AcceptedAnswerId)=")(\d+)"', shift, r) for r in rows]
out.append(foot)
open(path, "w", encoding="utf-8").write("\n".join(out))
PY
file="$work/bench.stackexchange.com.7z"
(cd "$work/site" && 7z a -t7z -m0=BZip2 -mmt=1 "$file" Badges.xml Comments.xml PostHistory.xml PostLinks.xml \
  Posts.xml Tags.xml Users.xml Votes.xml > /dev/null)
posts=$(( $(wc -l < "$work/site/Posts.xml") - 2 ))  # the footer has no trailing newline: lines - 3 + 1
xml_mb=$(python3 -c "import os;print(os.path.getsize('$work/site/Posts.xml')/1e6)")
sz_mb=$(python3 -c "import os;print(os.path.getsize('$file')/1e6)")
rm -rf "$work/site"

cat > "$work/se.toml" <<'TOML'
source = "stackexchange"
missing_models = "skip"
[read]
format = "stackexchange_7z"
lid_model = "none"
[output]
max_shard_bytes = 1073741824
tokenizers = []
TOML
sed -e 's/lid_model = "none"/lid_model = "auto"/' "$work/se.toml" > "$work/se_lid.toml"
if [ -d "$realdata/models" ] && [ -z "${RPDATA_MODELS:-}" ]; then export RPDATA_MODELS="$realdata/models"; fi

time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
pin() { if command -v taskset > /dev/null; then taskset -c 0 "$@"; else "$@"; fi; }
baseline() { pin 7z x -so -mmt=1 "$file" Posts.xml > /dev/null; }
ours() { rm -rf "$work/out"; pin "$rpdata" run stackexchange --recipe "$work/se.toml" --input "$file" --out "$work/out" --threads 1 --no-progress -q; }
ours_lid() { rm -rf "$work/out"; pin "$rpdata" run stackexchange --recipe "$work/se_lid.toml" --input "$file" --out "$work/out" --threads 1 --no-progress -q; }

ours  # fail loudly before timing
names=(baseline ours)
ls "$RPDATA_MODELS"/fasttext/lid.176.* > /dev/null 2>&1 && names+=(ours_lid)
declare -A wall cpu
for name in "${names[@]}"; do
  for _ in $(seq "$runs"); do time_cmd "$name"; done > "$work/$name.times"
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done
docs=$(zstd -dc "$work"/out/stackexchange/*.jsonl.zst | wc -l)
echo "input: beer.stackexchange.com Posts.xml x$copies: $posts posts, $xml_mb MB Posts.xml, $sz_mb MB .7z (BZip2); $docs Q/A documents; median of $runs runs; one core (taskset -c 0)"
printf "%-36s %8s %8s %13s %13s %12s\n" "command" "wall s" "cpu s" "posts/s wall" "posts/s cpu" "MB/s cpu"
declare -A titles=([baseline]="7z x -so FILE Posts.xml (baseline)" [ours]="rpdata run (no language id)"
  [ours_lid]="rpdata run + lid.176 language")
for name in "${names[@]}"; do
  awk -v t="${titles[$name]}" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v p="$posts" -v mb="$xml_mb" \
    'BEGIN {printf "%-36s %8.3f %8.3f %13.0f %13.0f %12.1f\n", t, w, c, p/w, p/c, mb/c}'
done
awk -v b="${wall[baseline]}" -v o="${wall[ours]}" -v bc="${cpu[baseline]}" -v oc="${cpu[ours]}" \
  'BEGIN {printf "rpdata / 7z throughput: %.0f%% per wall second, %.0f%% per CPU second\n", 100*b/o, 100*bc/oc}'
