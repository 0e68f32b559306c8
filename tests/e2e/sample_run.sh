#!/usr/bin/env bash
# The README's main job: `rpdata sample` runs offline end to end through the real downloader
# (file:// mirror with SHA256SUMS), prints the table, and a rerun skips verified work.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/s" --no-progress > "$WORK/table.txt" 2> "$WORK/log1.txt"
cat "$WORK/table.txt"
grep -qE '^c4 +2000 ' "$WORK/table.txt" || fail "table lacks 2000 c4 docs"
grep -q 'total' "$WORK/table.txt" || fail "table lacks total"
# Wikipedia: 3 synthetic multistream dumps (md5sums verified), 38 articles each.
grep -qE '^wikipedia +114 ' "$WORK/table.txt" || fail "table lacks 114 wikipedia docs"
ls "$WORK/s/wikipedia/" | grep -q 'ukwiki-20230320-pages-articles-multistream.xml-00000.jsonl.zst' || fail "no ukwiki shard"
zstdcat "$WORK/s/wikipedia/"dewiki-*.jsonl.zst | head -1 | grep -q '"meta": {"title": "Sample 0", "url": "https://de.wikipedia.org/wiki/Sample%200", "language": "de", "timestamp": "20230320"}' \
  || fail "wikipedia record lacks RedPajama's meta"
zstdcat "$WORK/s/wikipedia/"*.jsonl.zst | sha256sum > "$WORK/wiki1.sha"
[ -f "$WORK/s/c4/manifest.json" ] || fail "no merged manifest"
ls "$WORK/s/c4/_work/raw/" | grep -q 'c4-train.00003-of-01024.json.gz' || fail "raw inputs not downloaded"
"$RPDATA" sample --out "$WORK/s" --no-progress > /dev/null 2> "$WORK/log2.txt"
grep -q '0 processed, 4 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "rerun did not skip"; }
grep -q '0 processed, 3 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "wikipedia rerun did not skip"; }
# Deterministic: a fresh run writes the same Wikipedia records.
"$RPDATA" sample --out "$WORK/s2" --only wikipedia --no-progress > /dev/null 2> "$WORK/log3.txt"
zstdcat "$WORK/s2/wikipedia/"*.jsonl.zst | sha256sum | cmp -s - "$WORK/wiki1.sha" || fail "wikipedia sample output not deterministic"
"$RPDATA" manifest "$WORK/s" --verify > /dev/null || fail "manifest --verify failed"
"$RPDATA" status "$WORK/s" | grep -q 'rank-00000-of-00001 *done' || fail "status does not show done"
echo OK
