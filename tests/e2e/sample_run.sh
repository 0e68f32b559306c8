#!/usr/bin/env bash
# The README's main job: `rpdata sample` runs offline end to end through the real downloader
# (file:// mirror with SHA256SUMS), prints the table, and a rerun skips verified work.
# Models: the bundled ones and the stand-ins `rpdata sample` trains, whatever the user has.
source "$(dirname "$0")/lib.bash"
export RPDATA_MODELS="$WORK/no-models" HOME="$WORK/home"
"$RPDATA" sample --out "$WORK/s" --no-progress > "$WORK/table.txt" 2> "$WORK/log1.txt"
cat "$WORK/table.txt"
# The README shows exactly this table (a newcomer's first run: no models of their own).
awk '/^```$/ { if (grab) exit; next } /^source +docs +bytes/ { grab = 1 } grab' "$SRC/README.md" > "$WORK/readme_table.txt"
diff -u "$WORK/readme_table.txt" "$WORK/table.txt" || fail "README's sample table differs from the run's"
grep -qE '^c4 +2000 ' "$WORK/table.txt" || fail "table lacks 2000 c4 docs"
grep -qE '^commoncrawl +[1-9][0-9]* ' "$WORK/table.txt" || fail "table lacks commoncrawl docs"
grep -q 'total' "$WORK/table.txt" || fail "table lacks total"
# Books: 24 PG-19 + 6 Books3 books deduplicated together with RedPajama's ids (27 kept,
# books_sample.cpp); PG-19 records first, then Books3.
grep -qE '^book +27 ' "$WORK/table.txt" || fail "table lacks 27 books (30 minus 3 near-duplicates)"
grep -q '"dedup:duplicate": 3' "$WORK/s/book/manifest.json" || fail "book near-duplicates not dropped"
head -1 "$WORK/s/book/manifest.jsonl" | grep -q '"path": "book/pg19-00000-00000.jsonl.zst"' || fail "PG-19 is not first"
tail -1 "$WORK/s/book/manifest.jsonl" | grep -q '"path": "book/books3-00001-00000.jsonl.zst"' || fail "Books3 is not last"
first_record "$WORK"/s/book/books3-00000-*.jsonl.zst | grep -q '^{"meta": {"title": "A Harbour of Lanterns"}, "text": "CHAPTER 1' \
  || fail "books3 record schema"
zstdcat "$WORK"/s/book/pg19-00000-*.jsonl.zst > "$WORK/books.jsonl"
head -1 "$WORK/books.jsonl" > "$WORK/first.jsonl"
grep -q '^{"meta": {"short_book_title": ".*", "publication_date": 1850, "url": "http://www.gutenberg.org/ebooks/10000"}, "text": "CHAPTER 1' "$WORK/first.jsonl" \
  || fail "books record schema"
grep -qE '^github +[0-9]+ ' "$WORK/table.txt" || fail "table lacks github"
[ -f "$WORK/s/github/manifest.json" ] || fail "no github manifest"
"$RPDATA" sample --out "$WORK/s2" --only github --no-progress > /dev/null 2> "$WORK/log_gh.txt"
same_outputs "$WORK/s/github" "$WORK/s2/github" "github sample output is not deterministic"
# Wikipedia: 3 synthetic multistream dumps (md5sums verified), 38 articles each.
grep -qE '^wikipedia +114 ' "$WORK/table.txt" || fail "table lacks 114 wikipedia docs"
ls "$WORK/s/wikipedia/" | grep -q 'ukwiki-20230320-pages-articles-multistream.xml-00000.jsonl.zst' || fail "no ukwiki shard"
first_record "$WORK/s/wikipedia/"dewiki-*.jsonl.zst | grep -q '"meta": {"title": "Sample 0", "url": "https://de.wikipedia.org/wiki/Sample%200", "language": "de", "timestamp": "20230320"}' \
  || fail "wikipedia record lacks RedPajama's meta"
zstdcat "$WORK/s/wikipedia/"*.jsonl.zst | sha256sum > "$WORK/wiki1.sha"
[ -f "$WORK/s/c4/manifest.json" ] || fail "no merged manifest"
[ -f "$WORK/s/commoncrawl/manifest.json" ] || fail "no commoncrawl manifest"
ls "$WORK/s/c4/_work/raw/" | grep -q 'c4-train.00003-of-01024.json.gz' || fail "raw inputs not downloaded"
# arXiv: one bulk tar in arXiv's layout, 5 papers kept (a project, single .tex files).
grep -qE '^arxiv +5 ' "$WORK/table.txt" || fail "table lacks 5 arxiv docs"
[ -f "$WORK/s/arxiv/manifest.json" ] || fail "no arxiv manifest"
ls "$WORK/s/arxiv/_work/raw/" | grep -q 'arXiv_src_2303_001.tar' || fail "arxiv tar not downloaded"
first_record "$WORK"/s/arxiv/arXiv_src_2303_001-*.jsonl.zst | grep -q '"meta": {"timestamp": "2023-04-01T00:00:00", "yymm": "2303", "arxiv_id": "2303.00001", "language": "' \
  || fail "arxiv record schema"
"$RPDATA" sample --out "$WORK/s2" --only arxiv --no-progress > /dev/null 2>&1 || fail "second arxiv sample failed"
same_outputs "$WORK/s/arxiv" "$WORK/s2/arxiv" "arxiv sample output is not deterministic"
"$RPDATA" sample --out "$WORK/s" --no-progress > /dev/null 2> "$WORK/log2.txt"
grep -q '0 processed, 4 already complete' "$WORK/log2.txt" && grep -q '0 processed, 1 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "rerun did not skip"; }
grep -q '0 processed, 2 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "commoncrawl rerun did not skip"; }
grep -q '0 processed, 5 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "book rerun did not skip"; }
# Deterministic: a fresh book sample has byte-identical outputs.
"$RPDATA" sample --out "$WORK/s2" --only book --no-progress > /dev/null 2> "$WORK/log3.txt"
same_outputs "$WORK/s/book" "$WORK/s2/book" "book sample outputs differ between runs"
grep -q '0 processed, 3 already complete' "$WORK/log2.txt" || { cat "$WORK/log2.txt"; fail "wikipedia rerun did not skip"; }
# Deterministic: a fresh run writes the same Wikipedia records.
"$RPDATA" sample --out "$WORK/s3" --only wikipedia --no-progress > /dev/null 2> "$WORK/log4.txt"
zstdcat "$WORK/s3/wikipedia/"*.jsonl.zst | sha256sum | cmp -s - "$WORK/wiki1.sha" || fail "wikipedia sample output not deterministic"
"$RPDATA" manifest "$WORK/s" --verify > /dev/null || fail "manifest --verify failed"
"$RPDATA" status "$WORK/s" > "$WORK/cmd_out.txt"; grep -q 'rank-00000-of-00001 *done' "$WORK/cmd_out.txt" || fail "status does not show done"
# StackExchange: 3 synthetic sites (.7z in the dump layout), the top 2 by posts selected.
[ -f "$WORK/s/stackexchange/manifest.json" ] || fail "no stackexchange manifest"
grep -q '"name": "beer.stackexchange.com.7z", "posts": [0-9]*, "selected": true' "$WORK/s/stackexchange/_work/site_selection.json" ||
  fail "beer not selected"
grep -q '"name": "coffee.stackexchange.com.7z", "posts": [0-9]*, "selected": false' "$WORK/s/stackexchange/_work/site_selection.json" ||
  fail "coffee (fewest posts) selected"
grep -q 'selected the 2 of 3 sites with most posts' "$WORK/log1.txt" || fail "site selection not logged"
first_record "$WORK"/s/stackexchange/beer.stackexchange.com-00000.jsonl.zst | grep -q '^{"text": "Q: .*"meta": {"language": "[a-z]*", "url": "https://beer.stackexchange.com/questions/1", "timestamp": "2023-03-29", "source": "stackexchange", "question_score": "' ||
  fail "stackexchange record shape"
"$RPDATA" sample --out "$WORK/s2" --only stackexchange --no-progress > /dev/null 2>&1
cmp <(cut -d, -f1-4 "$WORK/s/stackexchange/manifest.jsonl") <(cut -d, -f1-4 "$WORK/s2/stackexchange/manifest.jsonl") ||
  fail "stackexchange sample output not deterministic"

# Every stage ran: no model step was skipped, whatever models the user has (none here), and
# the stand-in perplexity model put CommonCrawl pages in both kept buckets.
! grep -q 'SKIPPED\|not found' "$WORK/log1.txt" || { grep 'SKIPPED\|not found' "$WORK/log1.txt"; fail "a model step was skipped"; }
grep -qE '^github +[0-9]+ .*neox=[1-9]' "$WORK/table.txt" || fail "no GPT-NeoX counts"
ls "$WORK/s/commoncrawl/en_head/"*.jsonl.zst > /dev/null || fail "no en_head shards"
ls "$WORK/s/commoncrawl/en_middle/"*.jsonl.zst > /dev/null || fail "no en_middle shards"
grep -q '"ccnet_perplexity:tail": [1-9]' "$WORK/s/commoncrawl/manifest.json" || fail "no tail drops"
first_record "$WORK"/s/commoncrawl/en_head/*.jsonl.zst | grep -q '"wiki_prob":0\.' || fail "no classifier score"
first_record "$WORK"/s/stackexchange/beer.stackexchange.com-00000.jsonl.zst | grep -q '"language": "en"' || fail "no language id"
grep -q '"github_filter:alpha_per_token": [1-9]' "$WORK/s/github/manifest.json" || fail "GitHub's token rule did not run"
"$RPDATA" sample --only commoncrawl --out "$WORK/cc2" --no-progress > /dev/null 2>&1 || fail "second commoncrawl sample"
same_outputs "$WORK/s/commoncrawl" "$WORK/cc2/commoncrawl" "commoncrawl sample is not deterministic"
echo OK
