#!/usr/bin/env bash
# `rpdata tokenize` on the bundled sample (all seven sources): an independent numpy reader
# (tests/tools/read_indexed_dataset.py, written from GPT-NeoX's format) reads every .bin/.idx
# back and decodes each document to its record's text; the ids equal the Hugging Face
# tokenizers reference's (npm @anush008/tokenizers, as tests/unit/tokenize/neox_reference_test
# uses); `rpdata count` + one EOD per document equals the datasets' tokens. 1 vs 2 threads and
# 1 vs 3 tasks give the same bytes; killed at several points, a rerun gives them too. A shard
# changed after the run, an unfinished source, and other settings in the same --out are refused.
source "$(dirname "$0")/lib.bash"
export HOME="$WORK/home"
PY=/usr/bin/python3
"$PY" -c 'import numpy' 2> /dev/null || fail "Debian's python3-numpy is required (scripts/setup.sh installs it)"
"$RPDATA" sample --out "$WORK/rp" --no-progress -q > /dev/null 2>&1 || fail "sample failed"
unset RPDATA_MODELS  # tokenize finds the sample's tokenizer in RUN_DIR/_models

"$RPDATA" tokenize "$WORK/rp" --out "$WORK/t1" --no-progress 2> "$WORK/log1" || { cat "$WORK/log1"; fail "tokenize failed"; }
for s in arxiv book c4 commoncrawl github stackexchange wikipedia; do
  ls "$WORK/t1/$s/$s-00000_text_document.bin" "$WORK/t1/$s/$s-00000_text_document.idx" > /dev/null || fail "no dataset for $s"
done
grep -q '"dtype": "uint16"' "$WORK/t1/manifest.json" || fail "GPT-NeoX-20B's ids are not uint16"
grep -q '"eod_id": 0' "$WORK/t1/manifest.json" || fail "the EOD is not <|endoftext|> (0)"

# The independent reader: format, EOD, decoding back to each record's text.
zstd -dcq "$SRC/models/gpt-neox-20b/tokenizer.json.zst" > "$WORK/tokenizer.json"
"$PY" "$SRC/tests/tools/read_indexed_dataset.py" "$WORK/tokenizer.json" "$WORK/t1" "$WORK/rp" \
  "$WORK/texts.jsonl" "$WORK/ids.txt" > "$WORK/read.txt" || fail "the numpy reader refused the datasets"
read -r docs tokens < "$WORK/read.txt"
[ "$docs" -gt 100 ] || fail "only $docs documents read"

# `rpdata count` of the run's shards + one EOD per document = the datasets' tokens.
# (CommonCrawl's shards are in per-bucket folders; _work holds intermediate stages.)
mapfile -t shards < <(find "$WORK/rp" -mindepth 2 \( -name _work -o -name _mirror -o -name _models \) -prune -o -name '*.jsonl.zst' -print)
[ "${#shards[@]}" -gt 6 ] || fail "only ${#shards[@]} run shards found"
counted=$("$RPDATA" count "${shards[@]}" \
  --model "$WORK/tokenizer.json" --json --no-progress | "$PY" -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["tokens"] + t["docs"], t["docs"])')
[ "$counted" = "$tokens $docs" ] || fail "count + EOD ($counted) != the datasets ($tokens $docs)"

# The ids are the reference tokenizer's.
BUILD="$(cd "$(dirname "$RPDATA")" && pwd)"
modules="$BUILD/npm-tokenizers/node_modules"
if [ ! -f "$modules/@anush008/tokenizers/index.js" ]; then
  modules="$WORK/npm/node_modules"
  npm install --prefix "$WORK/npm" --no-audit --no-fund --no-save --loglevel=error \
    @anush008/tokenizers@0.6.0 @anush008/tokenizers-linux-x64-gnu@0.6.0 > "$WORK/npm.log" 2>&1 ||
    { cat "$WORK/npm.log"; fail "npm install of the reference tokenizer failed"; }
fi
node "$SRC/tests/tokenize/reference_tokenize.js" ids "$modules" "$WORK/tokenizer.json" "$WORK/texts.jsonl" "$WORK/ref_ids.txt" ||
  fail "the reference tokenizer failed"
cmp -s "$WORK/ids.txt" "$WORK/ref_ids.txt" || fail "ids differ from the reference tokenizer's"

# Threads and tasks do not change a byte; nor does a smaller shard size change the tokens.
"$RPDATA" tokenize "$WORK/rp" --out "$WORK/t2" -j 2 --no-progress 2> /dev/null || fail "tokenize -j 2 failed"
same_outputs "$WORK/t1" "$WORK/t2" "1 vs 2 threads differ"
for r in 0 1 2; do
  "$RPDATA" tokenize "$WORK/rp" --out "$WORK/t3" --rank $r --world-size 3 --no-progress 2> /dev/null || fail "task $r of 3 failed"
done
same_outputs "$WORK/t1" "$WORK/t3" "1 vs 3 tasks differ"
"$RPDATA" tokenize "$WORK/rp" --out "$WORK/t4" --shard-bytes 1 --sources c4 --no-progress 2> /dev/null || fail "--shard-bytes 1 failed"
n_in=$(ls "$WORK"/rp/c4/*.jsonl.zst | wc -l); n_out=$(ls "$WORK"/t4/c4/*.bin | wc -l)
[ "$n_in" = "$n_out" ] && [ "$n_in" -gt 1 ] || fail "--shard-bytes 1: $n_out datasets for $n_in run shards"
cat "$WORK"/t4/c4/*.bin | cmp -s - <(cat "$WORK"/t1/c4/*.bin) || fail "c4's tokens differ when sharded finer"

# Killed at several points: the rerun gives the same bytes.
for delay in 0.05 0.15 0.3 0.6; do
  rm -rf "$WORK/tk"
  { timeout -s KILL "$delay" "$RPDATA" tokenize "$WORK/rp" --out "$WORK/tk" --shard-bytes 100000 --no-progress \
    > /dev/null 2>&1 || true; } 2> /dev/null
  "$RPDATA" tokenize "$WORK/rp" --out "$WORK/tk" --shard-bytes 100000 --no-progress 2> "$WORK/logk" ||
    { cat "$WORK/logk"; fail "rerun after a kill at ${delay}s failed"; }
  "$RPDATA" tokenize "$WORK/rp" --out "$WORK/tf" --shard-bytes 100000 --no-progress 2> /dev/null || fail "fresh run failed"
  same_outputs "$WORK/tf" "$WORK/tk" "a rerun after a kill at ${delay}s differs"
done

# A shard changed after the run: refused, naming it; the other sources are made.
cp -r "$WORK/rp" "$WORK/bad"
shard=$(ls "$WORK"/bad/c4/*.jsonl.zst | head -1)
printf 'x' | dd of="$shard" bs=1 seek=100 conv=notrunc 2> /dev/null
set +e; "$RPDATA" tokenize "$WORK/bad" --out "$WORK/t5" --no-progress 2> "$WORK/log5"; rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/log5"; fail "expected exit 1 for a changed shard, got $rc"; }
grep -q "$(basename "$shard").*sha256\|sha256.*does not match" "$WORK/log5" || { cat "$WORK/log5"; fail "the changed shard is not named"; }
[ -f "$WORK/t5/wikipedia/manifest.json" ] || fail "the other sources were not made"
[ -f "$WORK/t5/c4/manifest.json" ] && fail "c4 has a manifest with a changed shard"

# An unfinished source: refused unless --allow-partial, which is recorded.
marker=$(ls "$WORK"/bad/wikipedia/_work/units/*.json | head -1)
rm "$marker"
set +e; "$RPDATA" tokenize "$WORK/bad" --out "$WORK/t6" --sources wikipedia --no-progress 2> "$WORK/log6"; rc=$?; set -e
[ "$rc" = 2 ] || { cat "$WORK/log6"; fail "expected exit 2 for an unfinished source, got $rc"; }
grep -q 'wikipedia.*is not finished' "$WORK/log6" || { cat "$WORK/log6"; fail "the unfinished source is not named"; }
"$RPDATA" tokenize "$WORK/bad" --out "$WORK/t6" --sources wikipedia --allow-partial --no-progress 2> /dev/null || fail "--allow-partial failed"
grep -q '"partial": true' "$WORK/t6/wikipedia/manifest.json" || fail "the partial source is not recorded"

# The mixture: RedPajama's proportions over the seven sources, weights per shard summing to 1,
# the same in GPT-NeoX's and Megatron-LM's form; a repeated source is named.
"$RPDATA" mix "$WORK/t1" --budget 1e6 > "$WORK/mix.txt" || fail "mix failed"
grep -q '^note: commoncrawl is repeated' "$WORK/mix.txt" || { cat "$WORK/mix.txt"; fail "no repetition note"; }
"$PY" - "$WORK/t1/mix" "$WORK/t1" <<'PY' || fail "the mixture files disagree"
import json, os, sys
mix, root = sys.argv[1], os.path.abspath(sys.argv[2])
neox = json.loads(''.join(l for l in open(os.path.join(mix, 'neox.yml')) if not l.startswith('#')))
paths, weights = neox['train_data_paths'], neox['train_data_weights']
assert len(paths) == len(weights) == 7, paths
assert abs(sum(weights) - 1) < 1e-12, sum(weights)
for p in paths:
    assert os.path.exists(p + '.bin') and os.path.exists(p + '.idx') and p.startswith(root), p
words = open(os.path.join(mix, 'megatron_data_path.txt')).read().split()
assert [float(w) for w in words[0::2]] == weights and words[1::2] == paths
m = json.load(open(os.path.join(mix, 'mix.json')))
cc = m['sources']['commoncrawl']
assert abs(cc['weight'] - 878 / 1210) < 1e-9, cc  # RedPajama's 878B of 1210B tokens
assert abs(cc['epochs'] - cc['target_tokens'] / cc['tokens']) < 1e-9
PY
"$RPDATA" mix "$WORK/t1" --weights c4=3,github=1 --out "$WORK/mix2" > /dev/null || fail "mix --weights failed"
grep -q '"train_data_weights": \[0.75, 0.25\]' "$WORK/mix2/neox.yml" || { cat "$WORK/mix2/neox.yml"; fail "given weights not used"; }
set +e; "$RPDATA" mix "$WORK/t1" --weights nope=1 > /dev/null 2> "$WORK/log8"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q 'does not hold' "$WORK/log8" || { cat "$WORK/log8"; fail "a weight for an absent source was not refused"; }

# Another EOD (or tokenizer) into the same --out: refused.
set +e; "$RPDATA" tokenize "$WORK/rp" --out "$WORK/t1" --eod-id 1 --no-progress 2> "$WORK/log7"; rc=$?; set -e
[ "$rc" = 2 ] || { cat "$WORK/log7"; fail "expected exit 2 for other settings, got $rc"; }
echo OK
