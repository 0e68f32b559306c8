#!/usr/bin/env bash
# GitHub throughput on one core (taskset -c 0), side by side with the plain decoders on the same
# input in the same run:
#   export  (BigQuery-style gzip JSONL):  zcat FILE > /dev/null        vs  rpdata run github
#   tarball (codeload-style tar.gz):      tar -xOzf FILE > /dev/null   vs  rpdata run github --recipe github_tarball
# Each rpdata row is the full recipe (read, github_clean, github_filter, zstd shards); "+neox"
# adds the GPT-NeoX alphabetic-chars-per-token rule (needs the model: $RPDATA_MODELS or realdata).
# Reports medians of N runs of wall and CPU seconds (user+sys, the process and its children),
# files/s (export rows or tar members) and MB/s of compressed input per CPU second, and the
# ratio to the plain decoder per CPU second (what the pipeline achieves on one core's time).
#
# Usage: bench/github.sh [BUILD_DIR] [RUNS] [FILES_PER_TREE]
# Input: real source trees of this machine (/usr/include, the Python standard library, this
# repository) packed by tests/unit/sources/github_ref.py.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
per_tree="${3:-6000}"
rpdata="$build/rpdata"
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
if [ -d "$realdata/models" ] && [ -z "${RPDATA_MODELS:-}" ]; then export RPDATA_MODELS="$realdata/models"; fi
trees=("gnu/usr-include=/usr/include:mit" "python/cpython=/usr/lib/python3.11:bsd-3-clause" "local/rpdata=$root:apache-2.0")
export_file="$work/github_000000000000.gz"
python3 "$root/tests/unit/sources/github_ref.py" pack "$export_file" --max-files "$per_tree" "${trees[@]}"
# The same trees as one repository tarball, codeload layout, with this repository's LICENSE.
top="$work/tree/trees-main"
mkdir -p "$top"
python3 - "$export_file" "$top" <<'PY'
import gzip, json, os, sys
for line in gzip.open(sys.argv[1], "rb"):
    r = json.loads(line.decode("utf-8", "surrogateescape"))
    if r["content"] is None:
        continue
    p = os.path.join(sys.argv[2], r["repo_name"].replace("/", "_"), r["path"])
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(r["content"].encode("utf-8", "surrogateescape"))
PY
cp "$root/LICENSE" "$top/LICENSE"
tarball="$work/bench~trees@main.tar.gz"
tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$work/tree" -czf "$tarball" trees-main
rows=$(zcat "$export_file" | wc -l)
members=$(tar -tzf "$tarball" | wc -l)
ex_mb=$(python3 -c "import os;print(os.path.getsize('$export_file')/1e6)")
ex_raw=$(python3 -c "import gzip;print(sum(len(l) for l in gzip.open('$export_file'))/1e6)")
tb_mb=$(python3 -c "import os;print(os.path.getsize('$tarball')/1e6)")
sed -e '1i missing_models = "skip"' "$root/configs/github.toml" > "$work/gh_notok.toml"
sed -e '1i missing_models = "skip"' "$root/configs/github_tarball.toml" > "$work/tb_notok.toml"

# time_cmd CMD... -> "wall cpu" seconds (cpu = user+sys including children)
time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
one() { taskset -c 0 "$@"; }
zcat_base() { one bash -c "zcat '$export_file' > /dev/null"; }
tar_base() { one bash -c "tar -xOzf '$tarball' > /dev/null"; }
run() {  # run RECIPE INPUT [models-dir]
  rm -rf "$work/out"
  RPDATA_MODELS="${3:-$work/none}" one "$rpdata" run github --recipe "$1" --input "$2" --out "$work/out" \
    --threads 1 --tokenizers none --no-progress -q
}
ex_rules() { run "$work/gh_notok.toml" "$export_file"; }
ex_neox() { run "$root/configs/github.toml" "$export_file" "$RPDATA_MODELS"; }
tb_rules() { run "$work/tb_notok.toml" "$tarball"; }
tb_neox() { run "$root/configs/github_tarball.toml" "$tarball" "$RPDATA_MODELS"; }

names=(zcat_base ex_rules tar_base tb_rules)
[ -n "${RPDATA_MODELS:-}" ] && [ -d "$RPDATA_MODELS" ] && names=(zcat_base ex_rules ex_neox tar_base tb_rules tb_neox)
declare -A wall cpu
# Interleaved rounds (every row once per round), so load drift on the shared machine hits
# all rows alike.
for _ in $(seq "$runs"); do
  for name in "${names[@]}"; do time_cmd "$name" >> "$work/$name.times"; done
done
for name in "${names[@]}"; do
  wall[$name]=$(cut -d' ' -f1 "$work/$name.times" | median)
  cpu[$name]=$(cut -d' ' -f2 "$work/$name.times" | median)
done
ex_run=$(ls "$work"/out 2> /dev/null || true)
echo "export: $rows rows, $ex_mb MB gzip ($ex_raw MB JSONL); tarball: $members members, $tb_mb MB tar.gz;"
echo "median of $runs runs, one core (taskset -c 0); $(nproc) cores shared with other jobs"
printf "%-44s %9s %9s %14s %14s\n" "command" "wall s" "cpu s" "files/s (cpu)" "MB/s gz (cpu)"
declare -A titles=([zcat_base]="zcat export (baseline)" [ex_rules]="rpdata run github (export, no NeoX rule)"
  [ex_neox]="rpdata run github (export, + NeoX rule)" [tar_base]="tar -xOzf tarball (baseline)"
  [tb_rules]="rpdata github_tarball (no NeoX rule)" [tb_neox]="rpdata github_tarball (+ NeoX rule)")
for name in "${names[@]}"; do
  case $name in zcat_base|ex_*) n=$rows; mb=$ex_mb ;; *) n=$members; mb=$tb_mb ;; esac
  awk -v t="${titles[$name]}" -v w="${wall[$name]}" -v c="${cpu[$name]}" -v n="$n" -v mb="$mb" \
    'BEGIN {printf "%-44s %9.3f %9.3f %14.0f %14.1f\n", t, w, c, n/c, mb/c}'
done
ratio() {  # ratio TITLE BASELINE ROW
  [ -n "${cpu[$3]:-}" ] || return 0
  awk -v t="$1" -v b="${cpu[$2]}" -v o="${cpu[$3]}" 'BEGIN {printf "%s: %.0f %%\n", t, 100*b/o}'
}
ratio "rpdata / zcat per CPU second (export, no NeoX rule)" zcat_base ex_rules
ratio "rpdata / zcat per CPU second (export, + NeoX rule)" zcat_base ex_neox
ratio "rpdata / tar per CPU second (tarball, no NeoX rule)" tar_base tb_rules
ratio "rpdata / tar per CPU second (tarball, + NeoX rule)" tar_base tb_neox
