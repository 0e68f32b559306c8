#!/usr/bin/env bash
# The sample C4 run as a 4-task Slurm job array on a real local cluster (scripts/slurm_local.sh):
# one task SIGKILLs itself mid-input, one is scancelled; status shows the run incomplete; the
# resubmitted array skips completed inputs and the output is byte-identical to a local
# single-process run. Skips (77) only when not root or when apt cannot install Slurm.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/slurm_cluster.bash"
SECONDS=0
start_local_slurm slurm_array 6837 6838
echo "cluster up after ${SECONDS}s"

# No tokenizer models in either run, whatever this machine has cached.
export HOME="$WORK/home" RPDATA_MODELS="$WORK/ref/_models"  # the models the sample runs with
mkdir -p "$HOME" "$WORK/logs"
"$RPDATA" sample --out "$WORK/ref" --c4-docs 6000 --no-progress -q > /dev/null
mirror="$WORK/ref/_mirror/c4"
out="$WORK/slurm"

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
