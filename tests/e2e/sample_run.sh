#!/usr/bin/env bash
# The README's main job: `rpdata sample` runs offline end to end through the real downloader
# (file:// mirror with SHA256SUMS), prints the table, and a rerun skips verified work.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/s" --no-progress > "$WORK/table.txt" 2> "$WORK/log1.txt"
cat "$WORK/table.txt"
grep -qE '^c4 +2000 ' "$WORK/table.txt" || fail "table lacks 2000 c4 docs"
grep -q 'total' "$WORK/table.txt" || fail "table lacks total"
grep -qE '^books +23 ' "$WORK/table.txt" || fail "table lacks 23 books (24 minus the near-duplicate)"
grep -q '"dedup:duplicate": 1' "$WORK/s/books/manifest.json" || fail "books near-duplicate not dropped"
[ -f "$WORK/s/books/manifest.json" ] || fail "no books manifest"
zstdcat "$WORK"/s/books/train-00000-*.jsonl.zst > "$WORK/books.jsonl"
head -1 "$WORK/books.jsonl" > "$WORK/first.jsonl"
grep -q '^{"meta": {"short_book_title": ".*", "publication_date": 1850, "url": "http://www.gutenberg.org/ebooks/10000"}, "text": "CHAPTER 1' "$WORK/first.jsonl" \
  || fail "books record schema"
[ -f "$WORK/s/c4/manifest.json" ] || fail "no merged manifest"
ls "$WORK/s/c4/_work/raw/" | grep -q 'c4-train.00003-of-01024.json.gz' || fail "raw inputs not downloaded"
"$RPDATA" sample --out "$WORK/s" --no-progress > /dev/null 2> "$WORK/log2.txt"
grep -q '0 processed, 4 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "rerun did not skip"; }
grep -q '0 processed, 3 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "books rerun did not skip"; }
# Deterministic: a fresh books sample has byte-identical outputs.
"$RPDATA" sample --out "$WORK/s2" --only books --no-progress > /dev/null 2> "$WORK/log3.txt"
same_outputs "$WORK/s/books" "$WORK/s2/books" "books sample outputs differ between runs"
"$RPDATA" manifest "$WORK/s" --verify > /dev/null || fail "manifest --verify failed"
"$RPDATA" status "$WORK/s" | grep -q 'rank-00000-of-00001 *done' || fail "status does not show done"
echo OK
