#!/usr/bin/env bash
# The sample C4 run as a 4-task Slurm job array on a real local cluster (scripts/slurm_local.sh):
# one task SIGKILLs itself mid-input, one is scancelled; status shows the run incomplete; the
# resubmitted array skips completed inputs and the output is byte-identical to a local
# single-process run. Skips (77) only when not root or when apt cannot install Slurm.
source "$(dirname "$0")/lib.bash"
SECONDS=0
RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
skip() { echo "SKIPPED (slurm_array): $* -- the real-Slurm test did NOT run" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run slurmctld/slurmd"

LOCAL="$SRC/scripts/slurm_local.sh"
set +e; bash "$LOCAL" install; rc=$?; set -e
[ "$rc" = 3 ] && skip "apt-get could not install slurmctld slurmd slurm-client munge"
[ "$rc" = 0 ] || fail "slurm_local.sh install failed (exit $rc)"

# An own cluster (scratch dir and ports), so a developer's cluster on the default ports is untouched.
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
# Every client call is bounded (they retry for minutes when a daemon is unreachable).
sbatch() { timeout 20 /usr/bin/sbatch "$@"; }
scancel() { timeout 20 /usr/bin/scancel "$@"; }
squeue() { timeout 10 /usr/bin/squeue "$@"; }
scontrol() { timeout 10 /usr/bin/scontrol "$@"; }
echo "cluster up after ${SECONDS}s"

# No tokenizer models in either run, whatever this machine has cached.
export HOME="$WORK/home" RPDATA_MODELS="$WORK/ref/_models"  # the models the sample runs with
mkdir -p "$HOME" "$WORK/logs"
"$RPDATA" sample --out "$WORK/ref" --c4-docs 6000 --no-progress -q > /dev/null
mirror="$WORK/ref/_mirror/c4"
out="$WORK/slurm"

# Waits (at most $2 seconds) until no task of array job $1 is pending, running or completing.
wait_array() {
  local deadline=$((SECONDS + $2))
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null || echo error)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { squeue -j "$1" >&2 || true; scancel "$1" || true; fail "array $1 still queued after $2 s"; }
    sleep 0.5
  done
}
# One array task's final state from scontrol (MinJobAge keeps finished jobs for an hour).
task_state() { scontrol -o show job "$1_$2" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2 || true; }

cmd="exec '$RPDATA' run c4 --recipe sample/c4 --mirror '$mirror' --out '$out' --no-progress -q"
# Task 1 SIGKILLs itself after its input's shards are staged (kill -9 mid-input).
crash='if [ "$SLURM_ARRAY_TASK_ID" = 1 ]; then export RPDATA_TEST_CRASH=staged:1; fi; '
job=$(sbatch --parsable --array=0-3 --chdir="$WORK" -o "$WORK/logs/%A_%a.out" --wrap "$crash$cmd") \
  || fail "sbatch failed"
job=${job%%;*}
# Task 3 is pending behind tasks 0-1 (2 CPUs): scancel it before it runs.
scancel "${job}_3" || fail "scancel ${job}_3 failed"
wait_array "$job" 60
states="$(for t in 0 1 2 3; do echo -n "$t=$(task_state "$job" "$t") "; done)"
echo "first array $job: $states"
[ "$(task_state "$job" 0)" = COMPLETED ] || fail "task 0 did not complete: $states"
[ "$(task_state "$job" 2)" = COMPLETED ] || fail "task 2 did not complete: $states"
case "$(task_state "$job" 1)" in FAILED|CANCELLED) ;; *) fail "the crashed task 1 is not FAILED: $states" ;; esac
# Task 3 vanishes from scontrol when cancelled while pending; if it had started, it was cancelled.
case "$(task_state "$job" 3)" in ""|CANCELLED) ;; *) fail "scancelled task 3 is not CANCELLED: $states" ;; esac

set +e; "$RPDATA" status "$out" > "$WORK/status1.txt"; set -e
cat "$WORK/status1.txt"
grep -q '^c4: 2/4 inputs complete' "$WORK/status1.txt" || fail "status after the killed array should show 2/4 inputs complete"
grep -q 'complete)' "$WORK/status1.txt" && fail "status calls an incomplete run complete"
grep -Eq 'rank-00001-of-00004 +stale' "$WORK/status1.txt" || fail "status does not show the killed rank 1 as stale"
grep -q 'rank-00003-of-00004' "$WORK/status1.txt" && fail "the cancelled rank 3 left a task marker"
grep -Eq 'rank-00000-of-00004 +done' "$WORK/status1.txt" || fail "status does not show rank 0 done"

# Resubmit the whole array: done ranks skip their verified inputs, the others finish.
job2=$(sbatch --parsable --array=0-3 --chdir="$WORK" -o "$WORK/logs/%A_%a.out" --wrap "$cmd") || fail "resubmit failed"
job2=${job2%%;*}
wait_array "$job2" 60
for t in 0 1 2 3; do
  [ "$(task_state "$job2" "$t")" = COMPLETED ] || fail "resubmitted task $t: $(task_state "$job2" "$t")"
done
"$RPDATA" status "$out" > "$WORK/status2.txt" || { cat "$WORK/status2.txt"; fail "status after resubmit exits non-zero"; }
cat "$WORK/status2.txt"
grep -q '^c4: 4/4 inputs complete.*(complete)' "$WORK/status2.txt" || fail "run not complete after resubmit"
same_outputs "$WORK/ref/c4" "$out/c4" "Slurm array output differs from the single-process run"
echo "OK (${SECONDS}s)"
