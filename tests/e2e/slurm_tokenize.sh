#!/usr/bin/env bash
# `rpdata tokenize` as a 3-task Slurm job array on a real local cluster (scripts/slurm_local.sh),
# with no --rank/--world-size: each task takes its rank and the task count from Slurm's array
# variables. The datasets and manifests equal a single local process's, byte for byte.
# Skips (77) only when not root or when apt cannot install Slurm.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/slurm_cluster.bash"
SECONDS=0
start_local_slurm slurm_tokenize 6867 6868  # own ports: each Slurm e2e script has its pair

export HOME="$WORK/home"
mkdir -p "$HOME"
"$RPDATA" sample --out "$WORK/rp" --no-progress -q > /dev/null || fail "sample failed"
"$RPDATA" tokenize "$WORK/rp" --out "$WORK/local" --shard-bytes 100000 --no-progress 2> /dev/null || fail "local tokenize failed"

cmd="exec '$RPDATA' tokenize '$WORK/rp' --out '$WORK/slurm' --shard-bytes 100000 --no-progress"
job=$(sbatch --parsable --array=0-2 --chdir="$WORK" -o "$WORK/logs/%A_%a.out" --wrap "$cmd") || fail "sbatch failed"
job=${job%%;*}
wait_array "$job" 120
for t in 0 1 2; do
  state=$(task_state "$job" "$t")
  [ "$state" = COMPLETED ] || fail "task $t: $state"
  grep -q "output shard(s) of this task" "$WORK/logs/${job}_$t.out" || fail "task $t did not tokenize"
done
# Each task made its own share of the 17 output shards (i mod 3), not all of them.
n=$(grep -o '"prefix"' "$WORK"/local/*/manifest.json | wc -l)
[ "$n" = 17 ] || fail "expected 17 output shards, got $n"
for t in 0 1 2; do
  share=$(( (17 - t + 2) / 3 ))
  grep -q "tokenize: $share output shard(s) of this task: $share made" "$WORK/logs/${job}_$t.out" ||
    { cat "$WORK/logs/${job}_$t.out"; fail "task $t did not make its $share shards: the array variables were not used"; }
done
same_outputs "$WORK/local" "$WORK/slurm" "the Slurm array's datasets differ from a local run's"
echo "OK (${SECONDS}s)"
