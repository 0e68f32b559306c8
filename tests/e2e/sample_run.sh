#!/usr/bin/env bash
# The README's main job: `rpdata sample` runs offline end to end through the real downloader
# (file:// mirror with SHA256SUMS), prints the table, and a rerun skips verified work.
# CommonCrawl: runs with or without the cc_net models; with ../shared/realdata/models its
# documents land in en_head/ and en_middle/, and two runs give identical bytes.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/s" --no-progress > "$WORK/table.txt" 2> "$WORK/log1.txt"
cat "$WORK/table.txt"
grep -qE '^c4 +2000 ' "$WORK/table.txt" || fail "table lacks 2000 c4 docs"
grep -qE '^commoncrawl +[1-9][0-9]* ' "$WORK/table.txt" || fail "table lacks commoncrawl docs"
grep -q 'total' "$WORK/table.txt" || fail "table lacks total"
[ -f "$WORK/s/c4/manifest.json" ] || fail "no merged manifest"
[ -f "$WORK/s/commoncrawl/manifest.json" ] || fail "no commoncrawl manifest"
ls "$WORK/s/c4/_work/raw/" | grep -q 'c4-train.00003-of-01024.json.gz' || fail "raw inputs not downloaded"
"$RPDATA" sample --out "$WORK/s" --no-progress > /dev/null 2> "$WORK/log2.txt"
grep -q '0 processed, 4 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "rerun did not skip"; }
grep -q '0 processed, 2 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "commoncrawl rerun did not skip"; }
"$RPDATA" manifest "$WORK/s" --verify > /dev/null || fail "manifest --verify failed"
"$RPDATA" status "$WORK/s" | grep -q 'rank-00000-of-00001 *done' || fail "status does not show done"

REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}"
if [ -f "$REAL/models/fasttext/lid.176.ftz" ]; then
  for k in 1 2; do
    RPDATA_MODELS="$REAL/models" "$RPDATA" sample --only commoncrawl --out "$WORK/cc$k" --no-progress > /dev/null 2>&1 \
      || fail "commoncrawl sample with models"
  done
  ls "$WORK/cc1/commoncrawl/en_head/"*.jsonl.zst > /dev/null || fail "no en_head shards"
  ls "$WORK/cc1/commoncrawl/en_middle/"*.jsonl.zst > /dev/null || fail "no en_middle shards"
  same_outputs "$WORK/cc1/commoncrawl" "$WORK/cc2/commoncrawl" "commoncrawl sample is not deterministic"
else
  echo "NOTE: no models at $REAL/models: commoncrawl sample ran without its lid/perplexity steps"
fi
echo OK
