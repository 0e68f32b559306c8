#!/usr/bin/env bash
# `rpdata run commoncrawl` (the production recipe: listing, 5000 units, cc_net steps) on a local
# mirror tree: the real whirlwind WET (CC-MAIN-2024-22, Spanish) beside the bundled sample's
# generated segments and, in a second run, a truncated segment. The production model names are
# links to the stand-ins in ../shared/realdata/models (lid.176.ftz for lid.176.bin, the small
# Wikipedia SentencePiece/KenLM pair for en.sp.model/en.arpa.bin, cc_net's real cutoff.csv).
source "$(dirname "$0")/lib.bash"
REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}"
[ -f "$REAL/commoncrawl/whirlwind/whirlwind.warc.wet.gz" ] || no_realdata "no realdata at $REAL"
M="$WORK/models"; mkdir -p "$M/fasttext" "$M/ccnet"
ln -s "$REAL/models/fasttext/lid.176.ftz" "$M/fasttext/lid.176.bin"
ln -s "$REAL/models/kenlm/en_wiki_sp8k.model" "$M/ccnet/en.sp.model"
ln -s "$REAL/models/kenlm/en_wiki_sp8k.o5.probing.bin" "$M/ccnet/en.arpa.bin"
ln -s "$REAL/commoncrawl/ccnet/cutoff.csv" "$M/ccnet/cutoff.csv"
export RPDATA_MODELS="$M"

# The production recipe with the mirror's one dump (it lists RedPajama's five).
grep -q '^dumps = \["2019-30", "2020-05", "2021-04", "2022-05", "2023-06"\]$' "$SRC/configs/commoncrawl.toml" || fail "recipe dumps"
sed 's/^dumps = .*/dumps = ["2019-30"]/' "$SRC/configs/commoncrawl.toml" > "$WORK/cc.toml"
# Mirror: the sample's 4 generated segments + the real WET, listed in that order.
"$RPDATA" sample --only commoncrawl --out "$WORK/gen" --no-progress > /dev/null 2> "$WORK/gen.log" || { cat "$WORK/gen.log"; fail "sample"; }
# RedPajama's model.bin stands in as the classifier the sample trained (fastText supervised).
mkdir -p "$M/classifier"
cp "$WORK/gen/_models/classifier/sample_model.bin" "$M/classifier/model.bin"
mkdir -p "$WORK/mirror"
cp -r "$WORK/gen/_mirror/commoncrawl/crawl-data" "$WORK/mirror/"
D="crawl-data/CC-MAIN-2019-30"
real_seg="$D/segments/0000000000000.00/wet/whirlwind.warc.wet.gz"
mkdir -p "$WORK/mirror/$(dirname "$real_seg")"
cp "$REAL/commoncrawl/whirlwind/whirlwind.warc.wet.gz" "$WORK/mirror/$real_seg"
zcat "$WORK/mirror/$D/wet.paths.gz" > "$WORK/listing"
echo "$real_seg" >> "$WORK/listing"
gzip -c "$WORK/listing" > "$WORK/mirror/$D/wet.paths.gz"

"$RPDATA" run commoncrawl --recipe "$WORK/cc.toml" --mirror "$WORK/mirror" --out "$WORK/o1" --tokenizers none --no-progress 2> "$WORK/log1" \
  || { cat "$WORK/log1"; fail "run failed"; }
# 5 entries over 5000 units: units s with s*5//5000 < (s+1)*5//5000.
units=$(ls "$WORK/o1/commoncrawl/_work/units/" | grep -c '\.json$')
[ "$units" = 5 ] || fail "expected 5 units, got $units"
for u in 0999 1999 2999 3999 4999; do
  [ -f "$WORK/o1/commoncrawl/_work/units/2019-30_$u.json" ] || fail "no marker for unit 2019-30_$u"
done
[ -f "$WORK/o1/commoncrawl/_work/listing/$D/wet.paths.gz" ] || fail "listing not cached"
grep -q 'line dedup over 1 WET segment(s) as one hash group' "$WORK/log1" || fail "no hash-group budget log"
# The real Spanish page: read, then dropped by the language step.
# The recipe has RedPajama's digest dedup ([dedup] url_membership): per-unit cc_net stats are in
# the main stage's markers.
MAIN=_work/stages/main/_work/units
python3 - "$WORK/o1/commoncrawl/$MAIN/2019-30_4999.json" <<'PY' || fail "whirlwind unit stats"
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
c, d = s["counters"], s.get("drops", {})
assert c["docs_in"] == 1 and c["docs_out"] == 0 and d.get("ccnet_lid:language") == 1, s
PY
# The sample units: dedup and lid did something, outputs routed to en_head / en_middle.
python3 - "$WORK/o1/commoncrawl" <<'PY' || fail "sample unit stats / outputs"
import json, sys, glob, os, subprocess
root = sys.argv[1]
tot = {}
for f in glob.glob(root + "/_work/stages/main/_work/units/*.json"):
    st = json.load(open(f))["stats"]
    for k, v in list(st["counters"].items()) + list(st.get("drops", {}).items()):
        tot[k] = tot.get(k, 0) + v
print(tot)
assert tot["line_dedup:no_line_left"] + tot.get("ccnet_lid:language", 0) > 0, tot
assert tot["docs_out"] > 0, tot
import re
def lines(path):
    return subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout.decode().splitlines()
# cc_net records: the main stage's intermediate shards ({"_id", "_route", "text", "meta"}).
cc = [json.loads(l) for s in sorted(glob.glob(root + "/_work/stages/main/*.jsonl.zst")) for l in lines(s)]
assert cc, "no intermediate records"
for r in cc:
    m = r["meta"]
    assert list(m)[:8] == ["url", "date_download", "digest", "length", "nlines", "source_domain", "title", "cc_segment"], list(m)
    assert list(m)[8:11] == ["original_nlines", "original_length", "line_ids"], list(m)
    assert len(m["line_ids"]) == m["nlines"] == len(r["text"].split("\n")), m
    assert m["language"] == "en" and m["language_score"] >= 0.5 and m["bucket"] in ("head", "middle"), m
    assert r["_route"] == "en_" + m["bucket"]
# Final records: the published CC schema (classifier), wiki_prob >= 0.25, in en_head/en_middle.
final = []
for s in glob.glob(root + "/en_*/*.jsonl.zst"):
    for l in lines(s):
        r = json.loads(l)
        assert list(r) == ["pred_label", "pred_label_prob", "wiki_prob", "text", "source"], list(r)
        assert r["wiki_prob"] >= 0.25, r
        route = os.path.basename(os.path.dirname(s))
        assert re.fullmatch(r"cc/2019-30/" + route + r"_\d{4}\.json\.gz/line\d+", r["source"]), r["source"]
        final.append(r["text"])
assert final, os.listdir(root)
# Digest dedup: the sample copies a page of segment 0/1 to a mirror URL in segment 2 (dropped:
# another unit's URL won that digest) and re-crawls one at its own URL in segment 3 (kept:
# RedPajama keeps every record whose URL won).
drops = sum(json.load(open(f))["drops"] for f in glob.glob(root + "/_work/stages/reduce/*.json"))
assert drops >= 1, drops
mirror = [r["text"] for r in cc if "mirror.example" in r["meta"]["url"]]
assert len(mirror) == 1 and final.count(mirror[0]) == 1, "the mirror copy survived the digest dedup"
urls = [r["meta"]["url"] for r in cc]
again = [u for u in set(urls) if urls.count(u) == 2]
assert len(again) == 1, again
text = [r["text"] for r in cc if r["meta"]["url"] == again[0]][0]
assert final.count(text) == 2, "the re-crawled winning URL should be kept twice (RedPajama's URL membership)"
PY
"$RPDATA" manifest "$WORK/o1" --verify > /dev/null || fail "manifest --verify"

# Same bytes with 2 threads and with 3 tasks (each stage on every task in turn, as Slurm chains them).
"$RPDATA" run commoncrawl --recipe "$WORK/cc.toml" --mirror "$WORK/mirror" --out "$WORK/o2" --tokenizers none --no-progress -j 2 2> /dev/null || fail "run -j 2"
for stage in main winners reduce apply; do
  for r in 0 1 2; do
    "$RPDATA" run commoncrawl --recipe "$WORK/cc.toml" --mirror "$WORK/mirror" --out "$WORK/o3" --tokenizers none --no-progress --rank $r \
      --world-size 3 --stage $stage 2> /dev/null || fail "stage $stage rank $r"
  done
done
same_outputs "$WORK/o1/commoncrawl" "$WORK/o2/commoncrawl" "threads change the output"
same_outputs "$WORK/o1/commoncrawl" "$WORK/o3/commoncrawl" "tasks change the output"

# Truncated gzip: a 6th segment cut in the middle. Default recipe: that unit fails naming the
# file, exit 1, the other units complete and verify; nothing of the cut unit is published.
cut_seg="$D/segments/0000000000000.01/wet/truncated.warc.wet.gz"
mkdir -p "$WORK/mirror/$(dirname "$cut_seg")"
first_seg=$(head -1 "$WORK/listing")
size=$(stat -c %s "$WORK/mirror/$first_seg")
head -c $((size / 2)) "$WORK/mirror/$first_seg" > "$WORK/mirror/$cut_seg"
echo "$cut_seg" >> "$WORK/listing"
gzip -c "$WORK/listing" > "$WORK/mirror/$D/wet.paths.gz"
set +e
"$RPDATA" run commoncrawl --recipe "$WORK/cc.toml" --mirror "$WORK/mirror" --out "$WORK/o4" --tokenizers none --no-progress 2> "$WORK/log4"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$WORK/log4"; fail "truncated segment: exit $rc, expected 1"; }
grep -q 'truncated.warc.wet.gz' "$WORK/log4" || { cat "$WORK/log4"; fail "error does not name the file"; }
[ "$(ls "$WORK/o4/commoncrawl/$MAIN/" | grep -c '\.json$')" = 5 ] || fail "other units not complete"
[ ! -f "$WORK/o4/commoncrawl/$MAIN/2019-30_4999.json" ] || fail "the cut unit has a marker"
# on_error = "truncate": the intact records of the cut segment are kept, the cut is counted.
sed 's/^on_error = "fail"/on_error = "truncate"/' "$WORK/cc.toml" > "$WORK/cc_truncate.toml"
"$RPDATA" run commoncrawl --recipe "$WORK/cc_truncate.toml" --mirror "$WORK/mirror" --out "$WORK/o5" --tokenizers none \
  --no-progress 2> "$WORK/log5" || { cat "$WORK/log5"; fail "on_error=truncate run"; }
python3 - "$WORK/o5/commoncrawl/$MAIN/2019-30_4999.json" <<'PY' || fail "truncate stats"
import json, sys
s = json.load(open(sys.argv[1]))["stats"]
d = s.get("drops", {})
assert d.get("warc_truncated", 0) + d.get("warc_stream_error", 0) >= 1 and s["counters"]["docs_in"] > 5, s
PY

# Download (listing + 2 units) with the mirror, then process offline from the cached listing.
"$RPDATA" download commoncrawl --recipe "$WORK/cc.toml" --mirror "$WORK/mirror" --out "$WORK/o6" --limit 2 --tokenizers none --no-progress 2> "$WORK/log6" \
  || { cat "$WORK/log6"; fail "download"; }
mv "$WORK/mirror" "$WORK/mirror.away"
"$RPDATA" process commoncrawl --recipe "$WORK/cc.toml" --out "$WORK/o6" --limit 2 --tokenizers none --no-progress 2> "$WORK/log7" \
  || { cat "$WORK/log7"; fail "process offline"; }
[ "$(ls "$WORK/o6/commoncrawl/_work/units/" | grep -c '\.json$')" = 2 ] || fail "offline process did not complete 2 units"

# Two dumps in one run ([download] dumps): each dump's listing, units named per dump, the
# second dump's units in group 1 (the digest dedup ranks dump folders first).
mkdir -p "$WORK/mirror.away/crawl-data/CC-MAIN-2020-05"
echo "$real_seg" | gzip -c > "$WORK/mirror.away/crawl-data/CC-MAIN-2020-05/wet.paths.gz"
sed 's/^dumps = .*/dumps = ["2019-30", "2020-05"]/' "$WORK/cc.toml" > "$WORK/cc2.toml"
"$RPDATA" download commoncrawl --recipe "$WORK/cc2.toml" --mirror "$WORK/mirror.away" --out "$WORK/o8" --tokenizers none \
  --no-progress 2> "$WORK/log8" || { cat "$WORK/log8"; fail "two-dump download"; }
python3 - "$WORK/o8/commoncrawl/_work/plan.json" <<'PY' || fail "two-dump plan"
import json, sys
units = json.load(open(sys.argv[1]))["units"]
names = [(u["name"], u.get("group")) for u in units]
assert names[-1] == ("2020-05_4999", "2020-05") and all(g == "2019-30" for n, g in names[:-1]) and len(names) == 7, names
PY
echo OK
