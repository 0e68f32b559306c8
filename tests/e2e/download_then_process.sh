#!/usr/bin/env bash
# The two stages run separately, as on a cluster whose compute nodes have no network:
# `rpdata download` fetches (and verifies) the raw inputs, then `rpdata process` builds the
# same bytes as `rpdata run` without touching the mirror (it is gone by then).
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/ref" --no-progress -q > /dev/null
export RPDATA_MODELS="$WORK/ref/_models"  # the models the sample ran with
mirror="$WORK/mirror"
cp -r "$WORK/ref/_mirror/c4" "$mirror"
"$RPDATA" download c4 --recipe sample/c4 --mirror "$mirror" --out "$WORK/dp" --threads 2 --no-progress -q ||
  fail "download failed"
[ "$(ls "$WORK/dp/c4/_work/raw" | wc -l)" = 4 ] || fail "expected 4 raw files"
[ ! -e "$WORK/dp/c4/manifest.json" ] || fail "download alone wrote a manifest"
mv "$mirror" "$mirror.gone"
"$RPDATA" process c4 --recipe sample/c4 --mirror "$mirror" --out "$WORK/dp" --no-progress -q ||
  fail "process failed (did it try the network?)"
same_outputs "$WORK/ref/c4" "$WORK/dp/c4" "download + process differs from run"
echo OK
