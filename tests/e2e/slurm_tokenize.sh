#!/usr/bin/env bash
# `rpdata tokenize` as a 3-task Slurm job array on a real local cluster (scripts/slurm_local.sh),
# with no --rank/--world-size: each task takes its rank and the task count from Slurm's array
# variables. The datasets and manifests equal a single local process's, byte for byte.
# Skips (77) only when not root or when apt cannot install Slurm.
source "$(dirname "$0")/lib.bash"
SECONDS=0
RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
skip() { echo "SKIPPED (slurm_tokenize): $* -- the real-Slurm test did NOT run" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run slurmctld/slurmd"

LOCAL="$SRC/scripts/slurm_local.sh"
set +e; bash "$LOCAL" install; rc=$?; set -e
[ "$rc" = 3 ] && skip "apt-get could not install slurmctld slurmd slurm-client munge"
[ "$rc" = 0 ] || fail "slurm_local.sh install failed (exit $rc)"
export SLURM_LOCAL_DIR="$WORK/cluster" SLURM_LOCAL_CTLD_PORT=6837 SLURM_LOCAL_SLURMD_PORT=6838
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    echo "--- slurmctld.log (tail)" >&2; tail -20 "$SLURM_LOCAL_DIR/log/slurmctld.log" >&2 2>/dev/null || true
    for f in "$WORK"/logs/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -5 "$f" >&2; }; done
  fi
  bash "$LOCAL" stop || true
  [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
bash "$LOCAL" start || fail "local Slurm cluster did not start"
eval "$(bash "$LOCAL" env)"
sbatch() { timeout 20 /usr/bin/sbatch "$@"; }
squeue() { timeout 10 /usr/bin/squeue "$@"; }
scontrol() { timeout 10 /usr/bin/scontrol "$@"; }

export HOME="$WORK/home"
mkdir -p "$HOME" "$WORK/logs"
"$RPDATA" sample --out "$WORK/rp" --no-progress -q > /dev/null || fail "sample failed"
"$RPDATA" tokenize "$WORK/rp" --out "$WORK/local" --shard-bytes 100000 --no-progress 2> /dev/null || fail "local tokenize failed"

cmd="exec '$RPDATA' tokenize '$WORK/rp' --out '$WORK/slurm' --shard-bytes 100000 --no-progress"
job=$(sbatch --parsable --array=0-2 --chdir="$WORK" -o "$WORK/logs/%A_%a.out" --wrap "$cmd") || fail "sbatch failed"
job=${job%%;*}
deadline=$((SECONDS + 120))
while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null || echo error)" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "array $job still queued after 120 s"
  sleep 0.5
done
for t in 0 1 2; do
  state=$(scontrol -o show job "${job}_$t" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2 || true)
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
