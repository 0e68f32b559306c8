# A real local Slurm cluster for an e2e script (scripts/slurm_local.sh), sourced after lib.bash:
#   start_local_slurm NAME CTLD_PORT SLURMD_PORT
# installs Slurm if needed, starts an own cluster (scratch dir under $WORK and the given ports,
# so a developer's cluster on the default ports is untouched), stops it on exit (showing the
# controller's log and the array tasks' logs in $WORK/logs on failure), and defines bounded
# client calls (they retry for minutes when a daemon is unreachable) and:
#   wait_array JOB SECONDS   waits until no task of array JOB is pending, running or completing
#   task_state JOB TASK      one array task's final state (MinJobAge keeps finished jobs an hour)
# Exits 77 (skipped) only when not root or when apt cannot install Slurm.
start_local_slurm() {
  local name="$1"
  RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
  slurm_skip() { echo "SKIPPED ($name): $* -- the real-Slurm test did NOT run" >&2; exit 77; }
  [ "$(id -u)" = 0 ] || slurm_skip "needs root to run slurmctld/slurmd"
  LOCAL="$SRC/scripts/slurm_local.sh"
  local rc
  set +e; bash "$LOCAL" install; rc=$?; set -e
  [ "$rc" = 3 ] && slurm_skip "apt-get could not install slurmctld slurmd slurm-client munge"
  [ "$rc" = 0 ] || fail "slurm_local.sh install failed (exit $rc)"
  export SLURM_LOCAL_DIR="$WORK/cluster" SLURM_LOCAL_CTLD_PORT="$2" SLURM_LOCAL_SLURMD_PORT="$3"
  mkdir -p "$WORK/logs"
  trap slurm_cleanup EXIT
  bash "$LOCAL" start || fail "local Slurm cluster did not start"
  eval "$(bash "$LOCAL" env)"
}
slurm_cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    echo "--- slurmctld.log (tail)" >&2; tail -20 "$SLURM_LOCAL_DIR/log/slurmctld.log" >&2 2>/dev/null || true
    for f in "$WORK"/logs/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -5 "$f" >&2; }; done
  fi
  bash "$LOCAL" stop || true
  [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"
  exit "$rc"
}
sbatch() { timeout 20 /usr/bin/sbatch "$@"; }
scancel() { timeout 20 /usr/bin/scancel "$@"; }
squeue() { timeout 10 /usr/bin/squeue "$@"; }
scontrol() { timeout 10 /usr/bin/scontrol "$@"; }
wait_array() {
  local deadline=$((SECONDS + $2))
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null || echo error)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { squeue -j "$1" >&2 || true; scancel "$1" || true; fail "array $1 still queued after $2 s"; }
    sleep 0.5
  done
}
task_state() { scontrol -o show job "$1_$2" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2 || true; }
