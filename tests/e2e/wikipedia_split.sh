#!/usr/bin/env bash
# A multistream dump cut into units by its -multistream-index.txt.bz2 ([read] unit_max_bytes)
# gives the records of reading it whole, byte for byte and in order (same ids): in one task
# with --threads 2 and over three tasks. A dump whose index cannot be had is read whole, with a
# plan note; a damaged index fails naming the index and the offset.
source "$(dirname "$0")/lib.bash"
"$RPDATA" sample --out "$WORK/ref" --only wikipedia --no-progress -q > /dev/null
export RPDATA_MODELS="$WORK/ref/_models"
mirror="$WORK/ref/_mirror/wikipedia"
ls "$mirror"/enwiki/20230320/enwiki-20230320-pages-articles-multistream-index.txt.bz2 > /dev/null ||
  fail "the sample has no multistream index"
# The records of a run in manifest order, decompressed and concatenated.
records() {
  sed 's/^{"path": "\([^"]*\)".*/\1/' "$1/wikipedia/manifest.jsonl" > "$WORK/paths.txt"
  while read -r p; do zstd -dcq "$1/$p"; done < "$WORK/paths.txt"
}
records "$WORK/ref" > "$WORK/ref.jsonl"
[ "$(wc -l < "$WORK/ref.jsonl")" -eq 114 ] || fail "the sample's wikipedia has $(wc -l < "$WORK/ref.jsonl") records"
cut_run() {  # out-dir, extra flags...
  local out="$1"; shift
  "$RPDATA" run wikipedia --recipe sample/wikipedia --mirror "$mirror" --out "$out" --set read.unit_max_bytes=1 \
    --threads 2 --no-progress -q "$@"
}
cut_run "$WORK/one" || fail "the cut run failed"
# Every page stream its own unit but the last (its size is not in the index): 3 per language.
grep -c '"slice"' "$WORK/one/wikipedia/_work/plan.json" > "$WORK/n.txt" || true
[ "$(cat "$WORK/n.txt")" -eq 9 ] || fail "expected 9 units cut from 3 dumps, plan has $(cat "$WORK/n.txt")"
ls "$WORK/one/wikipedia/" > "$WORK/shards.txt"
grep -q '^enwiki-20230320-pages-articles-multistream.xml-part00002-00000.jsonl.zst$' "$WORK/shards.txt" ||
  fail "no shard of unit part00002: $(cat "$WORK/shards.txt")"
records "$WORK/one" > "$WORK/one.jsonl"
cmp "$WORK/ref.jsonl" "$WORK/one.jsonl" || fail "cut into units, the records differ from reading the dumps whole"
echo "one task, 2 threads: identical records"
for ((r = 0; r < 3; r++)); do
  cut_run "$WORK/three" --rank $r --world-size 3 || fail "rank $r of 3 failed"
done
same_outputs "$WORK/one/wikipedia" "$WORK/three/wikipedia" "three tasks differ from one"
echo "three tasks: identical outputs"
# `rpdata download` fetches the index with the dumps and plans the cut; `rpdata process` plans
# the same units from the downloaded index, without the network (the mirror no longer has it).
cp -r "$mirror" "$WORK/dpmirror"
"$RPDATA" download wikipedia --recipe sample/wikipedia --mirror "$WORK/dpmirror" --out "$WORK/dp" \
  --set read.unit_max_bytes=1 --no-progress -q || fail "download failed"
rm "$WORK/dpmirror"/*/20230320/*-index.txt.bz2
"$RPDATA" process wikipedia --recipe sample/wikipedia --mirror "$WORK/dpmirror" --out "$WORK/dp" \
  --set read.unit_max_bytes=1 --no-progress -q || fail "process failed"
same_outputs "$WORK/one/wikipedia" "$WORK/dp/wikipedia" "download + process differs from run"
echo "download + process: identical outputs"

# No index on the mirror: the dump is read whole (same outputs as the sample), and the plan says so.
cp -r "$mirror" "$WORK/noindex"
rm "$WORK/noindex"/enwiki/20230320/*-index.txt.bz2
"$RPDATA" run wikipedia --recipe sample/wikipedia --mirror "$WORK/noindex" --out "$WORK/whole" \
  --set read.unit_max_bytes=1 --no-progress -q 2> "$WORK/whole.err" || fail "the run without an index failed"
grep -q 'enwiki-20230320-pages-articles-multistream.xml.bz2 is read as one unit' "$WORK/whole/wikipedia/_work/plan.json" ||
  fail "the plan does not note the dump read whole"
grep -q 'is read as one unit' "$WORK/whole.err" || fail "no warning for the dump read whole"
records "$WORK/whole" > "$WORK/whole.jsonl"
cmp "$WORK/ref.jsonl" "$WORK/whole.jsonl" || fail "with one dump whole, the records differ"

# A damaged index beside a local input: a clear error naming the index and the byte offset.
mkdir -p "$WORK/local"
cp "$mirror"/enwiki/20230320/enwiki-20230320-pages-articles-multistream.xml.bz2 "$WORK/local/"
printf '600:10:Sample 0\n600:11\n' | bzip2 > "$WORK/local/enwiki-20230320-pages-articles-multistream-index.txt.bz2"
set +e
"$RPDATA" run wikipedia --recipe sample/wikipedia --input "$WORK/local/enwiki-20230320-pages-articles-multistream.xml.bz2" \
  --out "$WORK/bad" --set read.unit_max_bytes=1 --no-progress -q 2> "$WORK/bad.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a damaged index was accepted"
grep -q 'multistream index line 2: not OFFSET:PAGEID:TITLE' "$WORK/bad.err" || fail "unclear error: $(cat "$WORK/bad.err")"
grep -q 'enwiki-20230320-pages-articles-multistream-index.txt.bz2' "$WORK/bad.err" || fail "error does not name the index"
echo OK
