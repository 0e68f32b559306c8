#!/usr/bin/env bash
# `rpdata subsample` on the bundled sample run: one file per slice named as
# RedPajama-Data-1T-Sample names them; 1 and 2 threads give the same bytes; another seed
# selects other records; --fraction 1 keeps every record byte for byte in manifest order with
# the run's GPT-NeoX counts; a shard with a flipped byte is refused (exit 1) and an unfinished
# run too (exit 2) unless --allow-partial, which the manifest records. Nothing is left behind
# by a refusal.
source "$(dirname "$0")/lib.bash"
export RPDATA_MODELS="$WORK/no-models" HOME="$WORK/home"
run="$WORK/run"
"$RPDATA" sample --out "$run" --no-progress -q > /dev/null 2>&1 || fail "sample run failed"
sub() { "$RPDATA" subsample "$@" -q > "$WORK/sub.out" 2> "$WORK/sub.err"; }

sub "$run" --out "$WORK/t1" --fraction 0.3 --threads 1 || fail "subsample failed: $(cat "$WORK/sub.err")"
cat "$WORK/sub.out"
expected="arxiv_sample.jsonl book_sample.jsonl c4_sample.jsonl cc_2019-30_sample.jsonl github_sample.jsonl manifest.json stackexchange_sample.jsonl wikipedia_sample.jsonl"
[ "$(ls "$WORK/t1" | tr '\n' ' ' | sed 's/ $//')" = "$expected" ] || fail "files: $(ls "$WORK/t1")"
sub "$run" --out "$WORK/t2" --fraction 0.3 --threads 2 || fail "subsample --threads 2 failed"
diff -r "$WORK/t1" "$WORK/t2" > /dev/null || fail "1 and 2 threads differ"
c4_docs=$(wc -l < "$WORK/t1/c4_sample.jsonl")
[ "$c4_docs" -gt 500 ] && [ "$c4_docs" -lt 700 ] || fail "0.3 of 2000 c4 records kept $c4_docs"

sub "$run" --out "$WORK/seed" --fraction 0.3 --seed 1 || fail "subsample --seed 1 failed"
cmp -s "$WORK/t1/c4_sample.jsonl" "$WORK/seed/c4_sample.jsonl" && fail "another seed selected the same c4 records"

# --fraction 1: every record, byte for byte, in manifest order, and the run's token counts.
sub "$run" --out "$WORK/all" --fraction 1 --threads 2 || fail "subsample --fraction 1 failed"
python3 - "$run" "$WORK/all" <<'EOF' || fail "--fraction 1 is not the run"
import json, subprocess, sys
run, out = sys.argv[1], sys.argv[2]
files = {"arxiv": "arxiv_sample.jsonl", "book": "book_sample.jsonl", "c4": "c4_sample.jsonl",
         "commoncrawl": "cc_2019-30_sample.jsonl", "github": "github_sample.jsonl",
         "stackexchange": "stackexchange_sample.jsonl", "wikipedia": "wikipedia_sample.jsonl"}
manifest = {f["path"]: f for f in json.load(open(f"{out}/manifest.json"))["files"]}
for source, name in files.items():
    rows = [json.loads(l) for l in open(f"{run}/{source}/manifest.jsonl")]
    data = b"".join(subprocess.run(["zstd", "-dcq", f"{run}/{r['path']}"], check=True, capture_output=True).stdout
                    for r in rows)
    got = open(f"{out}/{name}", "rb").read()
    assert got == data, f"{name}: {len(got)} bytes, the run's shards {len(data)}"
    totals = json.load(open(f"{run}/{source}/manifest.json"))
    m = manifest[name]
    assert m["docs"] == totals["docs"] == m["docs_read"], (name, m["docs"], totals["docs"])
    assert m["tokens"] == {"neox": totals["tokens"]["neox"]}, (name, m["tokens"], totals["tokens"])
    assert m["sources"] == [source], m
print("fraction 1: every slice is its shards' bytes, with the run's docs and neox tokens")
EOF
grep -q '"partial": false' "$WORK/all/manifest.json" || fail "manifest lacks partial: false"
grep -q '"fraction": 1.0' "$WORK/all/manifest.json" || fail "manifest lacks the fraction"

# A shard with one flipped byte: refused, naming it, nothing written.
cp -r "$run" "$WORK/bad"
shard="$WORK/bad/c4/$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["path"].split("/",1)[1])' "$run/c4/manifest.jsonl")"
python3 - "$shard" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x20; open(sys.argv[1], "wb").write(b)
EOF
set +e; sub "$WORK/bad" --out "$WORK/bad_out" --fraction 0.5; rc=$?; set -e
[ "$rc" = 1 ] || fail "a tampered shard gave exit $rc"
grep -q "$(basename "$shard")" "$WORK/sub.err" || fail "the refusal does not name the shard: $(cat "$WORK/sub.err")"
[ -z "$(ls -A "$WORK/bad_out")" ] || fail "a refused subsample left $(ls -A "$WORK/bad_out")"

# An unfinished run: refused with exit 2 naming the source; --allow-partial takes what is done.
cp -r "$run" "$WORK/part"
rm "$(ls "$WORK"/part/wikipedia/_work/units/*.json | head -1)"
set +e; sub "$WORK/part" --out "$WORK/part_out" --fraction 0.5; rc=$?; set -e
[ "$rc" = 2 ] || fail "an unfinished run gave exit $rc"
grep -q "wikipedia (2 of 3 inputs done)" "$WORK/sub.err" || fail "the refusal does not name wikipedia: $(cat "$WORK/sub.err")"
[ ! -e "$WORK/part_out/manifest.json" ] || fail "a refused subsample wrote a manifest"
sub "$WORK/part" --out "$WORK/part_out" --fraction 0.5 --allow-partial || fail "--allow-partial failed"
grep -q '"partial": true' "$WORK/part_out/manifest.json" || fail "manifest does not record partial"
grep -q '"partial_sources": \["wikipedia"\]' "$WORK/part_out/manifest.json" || fail "manifest does not name wikipedia"

# Usage errors: exit 2.
set +e; sub "$run" --out "$WORK/x" --fraction 0; rc=$?; set -e
[ "$rc" = 2 ] || fail "--fraction 0 gave exit $rc"
set +e; sub "$run" --out "$WORK/x" --fraction 0.5 --sources nope; rc=$?; set -e
[ "$rc" = 2 ] || fail "--sources nope gave exit $rc"
echo "ok"
