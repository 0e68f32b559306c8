#!/usr/bin/env bash
# arXiv bulk-tar throughput on one core (taskset -c 0), side by side in the same run with
#   tar -xOf TAR > /dev/null            (the issue's yardstick: reading the tar's members)
#   tar -xOf TAR | zcat > /dev/null     (also decompressing every paper's gzip)
# Reports medians of N runs: papers/s and MB/s of tar consumed, per wall second and per CPU
# second (user+sys of every process: rpdata's wall time includes fsyncs of its outputs).
#
# Usage: bench/arxiv.sh [BUILD_DIR] [RUNS] [COPIES]
# Input: a bulk tar in arXiv's layout (YYMM/<id>.gz members) made of the real paper sources of
# ../shared/realdata/arxiv/papers, each repeated COPIES times (default 60) under new ids.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-5}"
copies="${3:-60}"
rpdata="$build/rpdata"
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
[ -d "$realdata/arxiv/papers" ] || { echo "needs $realdata/arxiv/papers"; exit 77; }
tar_file="$work/arXiv_src_0903_001.tar"
python3 - "$realdata/arxiv/papers" "$tar_file" "$copies" <<'PY'
import io, os, sys, tarfile
papers, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(os.listdir(papers))
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tf:
    n = 0
    for c in range(copies):
        for f in files:
            data = open(os.path.join(papers, f), "rb").read()
            n += 1
            ti = tarfile.TarInfo("0903/0903.%05d.gz" % n)
            ti.size, ti.mtime = len(data), 1236211200
            tf.addfile(ti, io.BytesIO(data))
PY
papers=$(tar -tf "$tar_file" | wc -l)
tar_mb=$(python3 -c "import os;print(os.path.getsize('$tar_file')/1e6)")
if [ -d "$realdata/models" ] && [ -z "${RPDATA_MODELS:-}" ]; then export RPDATA_MODELS="$realdata/models"; fi

# time_cmd CMD... -> "wall cpu" seconds (cpu = user+sys including children)
time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
tar_only() { taskset -c 0 tar -xOf "$tar_file" > /dev/null; }
tar_zcat() { taskset -c 0 bash -c "tar -xOf '$tar_file' | zcat > /dev/null"; }
# Production recipe: reader + LaTeX cleaning + lid.176 language (the .ftz of realdata) + shards.
ours() { rm -rf "$work/out"; taskset -c 0 "$rpdata" process arxiv --input "$tar_file" --out "$work/out" --threads 1 --tokenizers none --no-progress -q; }
# Without the language model (sample recipe, missing_models = "skip"): reading + cleaning + shards.
ours_nolang() { rm -rf "$work/out"; RPDATA_MODELS=/nonexistent HOME="$work" taskset -c 0 "$rpdata" process arxiv --recipe sample/arxiv --input "$tar_file" --out "$work/out" --threads 1 --tokenizers none --no-progress -q; }

names=(tar_only tar_zcat ours ours_nolang)
declare -A wall cpu
for name in "${names[@]}"; do
  for _ in $(seq "$runs"); do time_cmd "$name"; done > "$work/$name.times"
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done
docs=$(zstd -dc "$work"/out/arxiv/*.jsonl.zst 2>/dev/null | wc -l || echo "?")
echo "input: $papers papers (real sources x$copies), $tar_mb MB bulk tar; median of $runs runs; one core (taskset -c 0)"
printf "%-46s %8s %8s %10s %10s %10s %10s\n" "command" "wall s" "cpu s" "papers/s" "MB/s" "papers/s" "MB/s"
printf "%-46s %8s %8s %21s %21s\n" "" "" "" "(per wall second)" "(per CPU second)"
declare -A titles=([tar_only]="tar -xOf TAR > /dev/null" [tar_zcat]="tar -xOf TAR | zcat > /dev/null"
  [ours]="rpdata process arxiv (clean + lid.176.ftz)" [ours_nolang]="rpdata, no language model")
for name in "${names[@]}"; do
  awk -v t="${titles[$name]}" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v mb="$tar_mb" -v p="$papers" \
    'BEGIN {printf "%-46s %8.3f %8.3f %10.0f %10.1f %10.0f %10.1f\n", t, w, c, p/w, mb/w, p/c, mb/c}'
done
echo "documents written by the last rpdata run: $docs"
