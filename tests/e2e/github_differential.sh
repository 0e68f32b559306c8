#!/usr/bin/env bash
# GitHub differential test: real source trees of this machine (this repository, /usr/include,
# the Python standard library, /usr/share/doc) packed as a BigQuery-style export, run through
# `rpdata run github` and through a Python transcription of RedPajama's scripts
# (tests/unit/sources/github_ref.py). Kept records must be byte-identical (text, meta, key
# order, float repr) and every drop reason count equal. The tokenizer rule is off on both
# sides (no HF tokenizers in Python here); it is checked in the unit tests.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
REF="$SRC/tests/unit/sources/github_ref.py"
N="${RPDATA_GITHUB_DIFF_FILES:-1500}"
trees=("local/rpdata=$SRC:apache-2.0")
[ -d /usr/include ] && trees+=("gnu/usr-include=/usr/include:mit")
[ -d /usr/lib/python3.11 ] && trees+=("python/cpython=/usr/lib/python3.11:bsd-3-clause")
[ -d /usr/share/doc ] && trees+=("debian/doc=/usr/share/doc:apache-2.0")
# One tree with a non-permissive license: every row must be dropped by the license rule.
[ -d /usr/share/perl5 ] && trees+=("perl/perl5=/usr/share/perl5:gpl-2.0")
mkdir -p "$WORK/in"
python3 "$REF" pack "$WORK/in/github_000000000000.gz" --max-files "$N" "${trees[@]}"
python3 "$REF" ref "$WORK/in/github_000000000000.gz" "$WORK/expected.jsonl" "$WORK/expected_drops.json"
sed -e '1i missing_models = "skip"' \
    -e 's/^min_alpha_per_token = .*/min_alpha_per_token = 0.0/' "$SRC/configs/github.toml" > "$WORK/github_diff.toml"
RPDATA_MODELS="$WORK/no-models" "$RPDATA" run github --recipe "$WORK/github_diff.toml" \
  --input "$WORK/in/github_000000000000.gz" --out "$WORK/out" --tokenizers none --no-progress 2> "$WORK/log.txt" ||
  { cat "$WORK/log.txt"; fail "rpdata run github failed"; }
zstdcat "$WORK"/out/github/github_000000000000-*.jsonl.zst > "$WORK/ours.jsonl"
rows=$(python3 -c "import gzip;print(sum(1 for _ in gzip.open('$WORK/in/github_000000000000.gz')))")
kept=$(wc -l < "$WORK/expected.jsonl")
echo "export rows: $rows, kept by the reference: $kept, kept by rpdata: $(wc -l < "$WORK/ours.jsonl")"
if ! cmp -s "$WORK/expected.jsonl" "$WORK/ours.jsonl"; then
  python3 - "$WORK/expected.jsonl" "$WORK/ours.jsonl" <<'PY'
import json, sys
a = {json.loads(l)["meta"]["id"]: l for l in open(sys.argv[1])}
b = {json.loads(l)["meta"]["id"]: l for l in open(sys.argv[2])}
for k in sorted(set(a) | set(b)):
    if a.get(k) != b.get(k):
        m = json.loads(a.get(k) or b.get(k))["meta"]
        print("DIFF", m["repo_name"], m["path"], "only-ref" if k not in b else "only-ours" if k not in a else "text/meta")
PY
  fail "kept records differ from the Python reference"
fi
# Drops: the final manifest (dedup, post_steps) plus every unit of the main stage (read, clean).
python3 - "$WORK/expected_drops.json" "$WORK/out/github" <<'PY' || fail "drop counts differ"
import glob, json, sys
want = json.load(open(sys.argv[1]))
got = {}
# The manifest accounts for every stage (apply carries the main stage's drop counts).
for k, v in json.load(open(sys.argv[2] + "/manifest.json"))["drops"].items():
    if v:
        got[k] = got.get(k, 0) + v
print("drops:", json.dumps(got, sort_keys=True))
if want != got:
    print("reference:", json.dumps(want, sort_keys=True))
    sys.exit(1)
PY
[ "$kept" -gt 100 ] || fail "too few kept records ($kept) for a meaningful comparison"
echo OK
