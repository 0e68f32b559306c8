#!/usr/bin/env bash
# Same bytes with world size 1, 3 and 7 (flags, and Slurm array variables), any thread count.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/ref" --c4-docs 3000 --no-progress -q > /dev/null
export RPDATA_MODELS="$WORK/ref/_models"  # the models the sample ran with
mirror="$WORK/ref/_mirror/c4"
for world in 3 7; do
  for ((r = 0; r < world; r++)); do
    "$RPDATA" run c4 --recipe sample/c4 --mirror "$mirror" --out "$WORK/w$world" --rank $r --world-size $world \
      --threads 2 --no-progress -q || fail "rank $r of $world failed"
  done
  same_outputs "$WORK/ref/c4" "$WORK/w$world/c4" "world size $world differs from 1"
  echo "world size $world: identical"
done
# Books (PG-19 + Books3, cross-unit SimHash dedup): each stage split over 2 tasks gives the same shards.
for stage in main reduce apply; do
  for ((r = 0; r < 2; r++)); do
    "$RPDATA" run book --recipe sample/book --mirror "$WORK/ref/_mirror/book" --input "$WORK/ref/_mirror/book/books3" \
      --out "$WORK/b2" --rank $r --world-size 2 --stage $stage --threads 2 --no-progress -q ||
      fail "book $stage rank $r of 2 failed"
  done
done
same_outputs "$WORK/ref/book" "$WORK/b2/book" "book with world size 2 differ from 1"
for ((r = 0; r < 3; r++)); do
  SLURM_ARRAY_TASK_ID=$((r + 1)) SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3 \
    "$RPDATA" run c4 --recipe sample/c4 --mirror "$mirror" --out "$WORK/slurm" --no-progress -q || fail "slurm rank $r"
done
same_outputs "$WORK/ref/c4" "$WORK/slurm/c4" "slurm-array run differs"
ls "$WORK/slurm/c4/_work/tasks/" | grep -q 'rank-00002-of-00003.done' || fail "slurm task marker missing"
echo OK
