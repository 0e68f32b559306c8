#!/usr/bin/env bash
# `rpdata slurm submit`: the dry-run script holds only the ranks not done, with explicit
# rank/world size; on a real local cluster (root only) it finishes a partial run to the same
# bytes as a single-process run, and a second submit has nothing left to do.
source "$(dirname "$0")/lib.bash"
SECONDS=0
RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
export HOME="$WORK/home" RPDATA_MODELS="$WORK/ref/_models"  # the models the sample runs with
mkdir -p "$HOME"
"$RPDATA" sample --out "$WORK/ref" --c4-docs 3000 --no-progress -q > /dev/null 2>&1
mirror="$WORK/ref/_mirror/c4"
out="$WORK/run"
args=(c4 --recipe sample/c4 --mirror "$mirror" --out "$out")
for r in 0 2; do "$RPDATA" run "${args[@]}" --rank $r --world-size 4 --no-progress -q || fail "local rank $r"; done

"$RPDATA" slurm submit "${args[@]}" --tasks 4 --max-parallel 2 --time 10:00 --dry-run > "$WORK/dry.txt" \
  || fail "slurm submit --dry-run failed"
cat "$WORK/dry.txt"
grep -qx '#SBATCH --array=1,3%2' "$WORK/dry.txt" || fail "dry run does not submit exactly ranks 1 and 3 (%2)"
grep -qx '#SBATCH --time=10:00' "$WORK/dry.txt" || fail "dry run lacks --time"
grep -q -- "--rank \"\$SLURM_ARRAY_TASK_ID\" --world-size 4\$" "$WORK/dry.txt" || fail "dry run lacks explicit rank/world size"
[ -e "$out/_slurm/c4.sbatch" ] && fail "--dry-run wrote the script"

# A real submission needs a cluster: root and the Slurm packages (else the dry-run checks stand).
if [ "$(id -u)" != 0 ]; then echo "SKIPPED part (slurm_submit): not root, no real submission" >&2; echo OK; exit 0; fi
LOCAL="$SRC/scripts/slurm_local.sh"
set +e; bash "$LOCAL" install; rc=$?; set -e
[ "$rc" = 3 ] && { echo "SKIPPED (slurm_submit): apt-get could not install Slurm" >&2; exit 77; }
[ "$rc" = 0 ] || fail "slurm_local.sh install failed (exit $rc)"
# Own scratch dir and ports (e2e.slurm_array uses 6837/6838 and may run at the same time).
export SLURM_LOCAL_DIR="$WORK/cluster" SLURM_LOCAL_CTLD_PORT=6847 SLURM_LOCAL_SLURMD_PORT=6848
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    tail -20 "$SLURM_LOCAL_DIR/log/slurmctld.log" >&2 2>/dev/null || true
    tail -5 "$out"/_slurm/logs/*.out >&2 2>/dev/null || true
  fi
  bash "$LOCAL" stop || true
  [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
bash "$LOCAL" start || fail "local Slurm cluster did not start"
eval "$(bash "$LOCAL" env)"
"$RPDATA" slurm submit "${args[@]}" --tasks 4 > "$WORK/submit.txt" || { cat "$WORK/submit.txt"; fail "slurm submit failed"; }
cat "$WORK/submit.txt"
job=$(sed -n 's/.*submitted job array \([0-9]*\).*/\1/p' "$WORK/submit.txt")
[ -n "$job" ] || fail "no job id in the submit output"
deadline=$((SECONDS + 60))
while [ -n "$(timeout 10 squeue -h -j "$job" -o %i 2>/dev/null || echo error)" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { timeout 10 scancel "$job" || true; fail "array $job still queued after 60 s"; }
  sleep 0.5
done
"$RPDATA" status "$out" > "$WORK/status.txt" || { cat "$WORK/status.txt"; fail "status after submit exits non-zero"; }
grep -q '^c4: 4/4 inputs complete.*(complete)' "$WORK/status.txt" || { cat "$WORK/status.txt"; fail "run not complete"; }
ls "$out"/_slurm/logs/c4-"$job"_1.out "$out"/_slurm/logs/c4-"$job"_3.out > /dev/null || fail "per-task logs missing"
same_outputs "$WORK/ref/c4" "$out/c4" "slurm submit output differs from the single-process run"
"$RPDATA" slurm submit "${args[@]}" --tasks 4 > "$WORK/cmd_out.txt"; grep -q 'nothing to submit' "$WORK/cmd_out.txt" || fail "second submit found work left"
echo "OK (${SECONDS}s)"
