#!/usr/bin/env bash
# A recipe with a cross-unit [dedup] on a real local Slurm cluster: `rpdata slurm submit`
# chains main -> reduce -> apply arrays with afterok, split above --max-array-size. One main
# task is SIGKILLed mid-unit, so the later stages are cancelled (kill_invalid_depend);
# `rpdata slurm resubmit` finishes the run, byte-identical to a single-process run. Then a
# kind = "url_membership" recipe (CommonCrawl's digest dedup) runs its four chained arrays
# (main -> winners -> reduce -> apply), again byte-identical to one process.
source "$(dirname "$0")/lib.bash"
SECONDS=0
RPDATA="$(realpath "$RPDATA")"; SRC="$(realpath "$SRC")"
export HOME="$WORK/home" RPDATA_MODELS="$WORK/no-models"
mkdir -p "$HOME" "$WORK/mirror"
cat > "$WORK/toy.toml" <<'TOML'
source = "toy"
[download]
base_url = ""
pattern = "part-{index:02}.jsonl"
count = 7
[read]
format = "jsonl"
[dedup]
kind = "exact"
key = "h"
partitions = 3
[output]
json_style = "compact"
max_shard_bytes = 4096
tokenizers = []
TOML
for i in 0 1 2 3 4 5 6; do
  for j in $(seq 0 199); do
    echo "{\"text\": \"doc $i-$j\", \"h\": \"$(( (i * 37 + j * 11) % 300 ))\", \"u\": \"http://x/$(( (i * 13 + j * 7) % 450 ))\"}"
  done > "$WORK/mirror/part-0$i.jsonl"
done
args=(toy --recipe "$WORK/toy.toml" --mirror "$WORK/mirror" --no-progress)
"$RPDATA" run "${args[@]}" --out "$WORK/ref" -q || fail "single-process run failed"

"$RPDATA" slurm submit "${args[@]}" --out "$WORK/run" --tasks 5 --max-array-size 3 --dry-run > "$WORK/dry.txt" || fail "dry run"
grep -c '^#SBATCH --array=' "$WORK/dry.txt" | grep -qx 5 || { cat "$WORK/dry.txt"; fail "expected 2 main + 1 reduce + 2 apply arrays"; }
grep -q -- '--dependency=afterok:<toy-main-0>:<toy-main-1>' "$WORK/dry.txt" || fail "reduce does not wait for both main chunks"
grep -q -- '--stage apply --rank "$((SLURM_ARRAY_TASK_ID + 3))" --world-size 5' "$WORK/dry.txt" || fail "no rank offset in chunk 2"
# kind = "url_membership" (CommonCrawl's digest dedup) chains four stages: main -> winners -> reduce -> apply.
sed -e 's/^kind = "exact"/kind = "url_membership"/' -e 's/^key = "h"/key = "h"\nurl = "u"/' "$WORK/toy.toml" > "$WORK/toy_url.toml"
"$RPDATA" slurm submit toy --recipe "$WORK/toy_url.toml" --mirror "$WORK/mirror" --no-progress --out "$WORK/run_url" \
  --tasks 2 --dry-run > "$WORK/dry_url.txt" || fail "url_membership dry run"
[ "$(grep -o 'toy-[a-z]*\.sbatch' "$WORK/dry_url.txt" | tr '\n' ' ')" = "toy-main.sbatch toy-winners.sbatch toy-reduce.sbatch toy-apply.sbatch " ] \
  || { cat "$WORK/dry_url.txt"; fail "expected main, winners, reduce, apply arrays"; }
grep -q -- '--dependency=afterok:<toy-winners>' "$WORK/dry_url.txt" || fail "reduce does not wait for winners"
grep -q -- '--stage winners --rank' "$WORK/dry_url.txt" || fail "no winners stage"

if [ "$(id -u)" != 0 ]; then echo "SKIPPED part (slurm_stages): not root, no real submission" >&2; echo OK; exit 0; fi
LOCAL="$SRC/scripts/slurm_local.sh"
set +e; bash "$LOCAL" install; rc=$?; set -e
[ "$rc" = 3 ] && { echo "SKIPPED (slurm_stages): apt-get could not install Slurm" >&2; exit 77; }
[ "$rc" = 0 ] || fail "slurm_local.sh install failed (exit $rc)"
export SLURM_LOCAL_DIR="$WORK/cluster" SLURM_LOCAL_CTLD_PORT=6857 SLURM_LOCAL_SLURMD_PORT=6858
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    tail -20 "$SLURM_LOCAL_DIR/log/slurmctld.log" >&2 2>/dev/null || true
    tail -5 "$WORK"/run/_slurm/logs/*.out >&2 2>/dev/null || true
  fi
  bash "$LOCAL" stop || true
  [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
bash "$LOCAL" start || fail "local Slurm cluster did not start"
eval "$(bash "$LOCAL" env)"
squeue() { timeout 10 /usr/bin/squeue "$@"; }
wait_idle() {
  local deadline=$((SECONDS + $1))
  while [ -n "$(squeue -h -o %i 2>/dev/null || echo error)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { squeue >&2 || true; fail "jobs still queued after $1 s"; }
    sleep 0.5
  done
}
# The task owning part-03 (rank 3 of 5) SIGKILLs itself after staging its shards.
RPDATA_TEST_CRASH=staged:1 RPDATA_TEST_CRASH_UNIT=part-03.jsonl \
  "$RPDATA" slurm submit "${args[@]}" --out "$WORK/run" --tasks 5 --max-array-size 3 > "$WORK/submit1.txt" \
  || { cat "$WORK/submit1.txt"; fail "slurm submit failed"; }
cat "$WORK/submit1.txt"
[ "$(grep -c 'submitted job array' "$WORK/submit1.txt")" = 5 ] || fail "expected 5 arrays submitted"
wait_idle 90
[ -e "$WORK/run/toy/manifest.json" ] && fail "run completed although a main task was killed"
ls "$WORK"/run/_slurm/logs/toy-main-*.out > /dev/null || fail "no per-task logs"
"$RPDATA" status "$WORK/run" > "$WORK/status1.txt" || true
cat "$WORK/status1.txt"
grep -Eq '^  stage main +6/7 inputs' "$WORK/status1.txt" || fail "status does not show main at 6/7"
grep -Eq '^  stage reduce +0/3 partitions' "$WORK/status1.txt" || fail "status does not show reduce at 0/3"
grep -Eq '^  main/rank-00003-of-00005 +stale' "$WORK/status1.txt" || fail "status does not show the killed main task"
grep -q '^  log of main/rank-00003-of-00005: .*/_slurm/logs/toy-main+3-[0-9]*_0.out' "$WORK/status1.txt" || fail "status lacks the failed task's log"
"$RPDATA" slurm resubmit "$WORK/run" > "$WORK/submit2.txt" || { cat "$WORK/submit2.txt"; fail "resubmit failed"; }
cat "$WORK/submit2.txt"
grep -q 'submitted job array .*(1 of 5 task(s), stage main' "$WORK/submit2.txt" || fail "resubmit should redo exactly the one failed main task"
wait_idle 90
[ -e "$WORK/run/toy/manifest.json" ] || fail "run not complete after resubmit"
same_outputs "$WORK/ref/toy" "$WORK/run/toy" "Slurm stages output differs from the single-process run"
"$RPDATA" slurm resubmit "$WORK/run" > "$WORK/cmd_out.txt"; grep -q 'nothing to submit' "$WORK/cmd_out.txt" || fail "a third submit found work left"

# The four chained arrays of a url_membership recipe on the cluster, byte-identical to one process.
url_args=(toy --recipe "$WORK/toy_url.toml" --mirror "$WORK/mirror" --no-progress)
"$RPDATA" run "${url_args[@]}" --out "$WORK/ref_url" -q || fail "url_membership single-process run failed"
"$RPDATA" slurm submit "${url_args[@]}" --out "$WORK/run_url" --tasks 3 > "$WORK/submit3.txt" \
  || { cat "$WORK/submit3.txt"; fail "url_membership slurm submit failed"; }
[ "$(grep -c 'submitted job array' "$WORK/submit3.txt")" = 4 ] || { cat "$WORK/submit3.txt"; fail "expected 4 arrays"; }
wait_idle 90
"$RPDATA" status "$WORK/run_url" > "$WORK/status3.txt" || true
grep -Eq '^  stage winners +3/3 partitions' "$WORK/status3.txt" || { cat "$WORK/status3.txt"; fail "status lacks the winners stage"; }
drops=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["drops"].get("dedup:duplicate", 0))' "$WORK/run_url/toy/manifest.json")
[ "$drops" -gt 0 ] || fail "the url_membership run dropped nothing"
same_outputs "$WORK/ref_url/toy" "$WORK/run_url/toy" "url_membership on Slurm differs from the single-process run"
echo "OK (${SECONDS}s)"
