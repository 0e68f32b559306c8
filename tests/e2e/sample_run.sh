#!/usr/bin/env bash
# The README's main job: `rpdata sample` runs offline end to end through the real downloader
# (file:// mirror with SHA256SUMS), prints the table, and a rerun skips verified work.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/s" --no-progress > "$WORK/table.txt" 2> "$WORK/log1.txt"
cat "$WORK/table.txt"
grep -qE '^c4 +2000 ' "$WORK/table.txt" || fail "table lacks 2000 c4 docs"
grep -q 'total' "$WORK/table.txt" || fail "table lacks total"
grep -qE '^github +[0-9]+ ' "$WORK/table.txt" || fail "table lacks github"
[ -f "$WORK/s/github/manifest.json" ] || fail "no github manifest"
"$RPDATA" sample --out "$WORK/s2" --only github --no-progress > /dev/null 2> "$WORK/log_gh.txt"
same_outputs "$WORK/s/github" "$WORK/s2/github" "github sample output is not deterministic"
[ -f "$WORK/s/c4/manifest.json" ] || fail "no merged manifest"
ls "$WORK/s/c4/_work/raw/" | grep -q 'c4-train.00003-of-01024.json.gz' || fail "raw inputs not downloaded"
"$RPDATA" sample --out "$WORK/s" --no-progress > /dev/null 2> "$WORK/log2.txt"
grep -q '0 processed, 4 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "rerun did not skip"; }
"$RPDATA" manifest "$WORK/s" --verify > /dev/null || fail "manifest --verify failed"
"$RPDATA" status "$WORK/s" | grep -q 'rank-00000-of-00001 *done' || fail "status does not show done"
echo OK
