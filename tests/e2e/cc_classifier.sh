#!/usr/bin/env bash
# The CC quality classifier through the CLI (spec §1.7): `classifier dataset` + `classifier
# train` twice give byte-identical models (one thread), and a recipe with the cc_classifier,
# cc_classifier_filter and cc_classifier_format steps writes the published CC records
# ({pred_label, pred_label_prob, wiki_prob, text, source}, jq -c layout), wiki_prob >= 0.25 only.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
python3 - "$WORK" <<'PY'
import json, random, sys
w = sys.argv[1]
rng = random.Random(5)
wiki = "history university published century government population research journal species museum".split()
cc = "cheap click login casino shipping cart deals subscribe cookies password".split()
def doc(words, n=60):
    return "\n".join(" ".join(rng.choice(words) for _ in range(8)) for _ in range(n // 8))
with open(f"{w}/wiki.jsonl", "w") as f:
    for i in range(120):
        f.write(json.dumps({"url": f"http://w/{i}", "raw_content": doc(wiki, 200)}) + "\n")
for k in range(3):
    with open(f"{w}/cc{k}.jsonl", "w") as f:
        for i in range(60):
            f.write(json.dumps({"url": f"http://c/{k}/{i}", "raw_content": doc(cc)}) + "\n")
with open(f"{w}/en_head_0000.jsonl", "w") as f:
    for i in range(20):
        f.write(json.dumps({"url": f"http://t/{i}", "raw_content": doc(wiki if i % 2 == 0 else cc) + "\nnaïve ok"}) + "\n")
PY
"$RPDATA" classifier dataset --wiki-jsonl "$WORK/wiki.jsonl" --cc "$WORK/cc0.jsonl" "$WORK/cc1.jsonl" "$WORK/cc2.jsonl" \
  --out "$WORK/train.txt" -q || fail "classifier dataset failed"
[ "$(grep -c '^__label__wiki ' "$WORK/train.txt")" = 120 ] || fail "expected 120 wiki lines"
[ "$(grep -c '^__label__cc ' "$WORK/train.txt")" = 120 ] || fail "expected 3 x 40 cc lines (perfile = 120 / 3)"
"$RPDATA" classifier train "$WORK/train.txt" --out "$WORK/m1.bin" -q || fail "train failed"
"$RPDATA" classifier train "$WORK/train.txt" --out "$WORK/m2.bin" -q || fail "train failed"
cmp -s "$WORK/m1.bin" "$WORK/m2.bin" || fail "one-thread training is not reproducible"

cat > "$WORK/recipe.toml" <<TOML
source = "cc_classifier_e2e"
description = "cc_net head output -> RedPajama CC classifier records"
[read]
format = "jsonl"
text_field = "raw_content"
[[steps]]
type = "cc_classifier"
model = "$WORK/m1.bin"
[[steps]]
type = "cc_classifier_filter"
threshold = 0.25
[[steps]]
type = "cc_classifier_format"
job = "2019-30/{unit}.json.gz"
[output]
json_style = "jq_compact"
layout = "flat_text_before_last"
tokenizers = []
TOML
"$RPDATA" run cc_classifier_e2e --recipe "$WORK/recipe.toml" --input "$WORK/en_head_0000.jsonl" \
  --out "$WORK/out" --no-progress -q || fail "run with the classifier steps failed"
out=$(find "$WORK/out/cc_classifier_e2e" -name '*.jsonl.zst' | head -1)
[ -n "$out" ] || fail "no output shard"
zstd -dcq "$out" > "$WORK/records.jsonl"
[ "$(wc -l < "$WORK/records.jsonl")" = 10 ] || fail "expected the 10 wiki-like records, got $(wc -l < "$WORK/records.jsonl")"
python3 - "$WORK/records.jsonl" <<'PY' || fail "record layout"
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    r = json.loads(line)
    assert list(r) == ["pred_label", "pred_label_prob", "wiki_prob", "text", "source"], list(r)
    assert r["pred_label"] == "__label__wiki" and r["wiki_prob"] >= 0.25, r
    assert r["source"].startswith("cc/2019-30/"), r["source"]
    assert r["source"].endswith(f"/line{2 * i}"), r["source"]
    assert ", " not in line[:80] and "naïve" in line, line[:80]
PY
echo OK
