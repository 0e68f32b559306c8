# A source defined entirely in test code (tests/toy/toy_source.cpp, registered with one call)
# runs end to end: its download shape lists inputs from a loopback HTTP server, downloads are
# checked against SHA256SUMS, its reader and step make the shards, the manifest counts them,
# `rpdata report` shows its row, `rpdata sample --only toy` runs its sample and `rpdata steps`
# lists its types. The real rpdata binary knows nothing of it.
# Usage: toy_source.sh TOY_BINARY SOURCE_DIR RPDATA_BINARY
source "$2/tests/e2e/lib.bash"
TOY="$1"
REAL="$3"

mirror="$WORK/mirror"
mkdir -p "$mirror"
printf 'first line of a\n\nab\nlast line of a\n' > "$mirror/a.txt"
printf 'only line of b\n' > "$mirror/b.txt"
printf 'a.txt\nb.txt\n' > "$mirror/catalog.txt"
(cd "$mirror" && sha256sum a.txt b.txt > SHA256SUMS)
start_fault_server "$mirror"

"$TOY" steps > "$WORK/steps.txt"
for t in toy_lines toy_chars catalog; do grep -q "^  $t " "$WORK/steps.txt" || fail "rpdata steps does not list $t"; done
"$REAL" steps | grep -q toy_ && fail "the real binary lists a toy type"

# Through a dropping server (the connection is cut mid-body, the fetcher resumes).
"$TOY" run toy --out "$WORK/run" --mirror "http://127.0.0.1:$port/drop/1" --no-progress 2> "$WORK/run.log" \
  || { cat "$WORK/run.log"; fail "toy run failed"; }
ls "$WORK/run/toy"/a-00000.jsonl.zst "$WORK/run/toy"/b-00000.jsonl.zst > /dev/null || fail "no shards named after the inputs"
cmp "$mirror/a.txt" "$WORK/run/toy/_work/raw/a.txt" || fail "downloaded a.txt differs"
zstd -dcq "$WORK/run/toy/a-00000.jsonl.zst" > "$WORK/a.jsonl"
[ "$(head -1 "$WORK/a.jsonl")" = '{"text": "first line of a", "meta": {"chars": 15}}' ] \
  || { cat "$WORK/a.jsonl"; fail "unexpected first record"; }
[ "$(wc -l < "$WORK/a.jsonl")" = 2 ] || fail "a.txt: expected 2 documents (empty line and 'ab' dropped)"
python3 - "$WORK/run/toy/manifest.json" <<'PY' || fail "manifest totals"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["docs"] == 3, m
assert m["drops"] == {"read:empty_line": 1, "toy_chars:short": 1}, m
PY
"$TOY" report "$WORK/run" > "$WORK/report.txt" || { cat "$WORK/report.txt"; fail "report failed"; }
grep -q '^toy ' "$WORK/report.txt" || { cat "$WORK/report.txt"; fail "report has no toy row"; }

# A SHA256SUMS that does not match fails the input and publishes nothing for it.
mkdir -p "$WORK/bad" && cp "$mirror"/*.txt "$WORK/bad/"
(cd "$WORK/bad" && sha256sum a.txt b.txt | sed -E '1s/^[0-9a-f]{64}/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff/' > SHA256SUMS)
"$TOY" run toy --out "$WORK/badrun" --mirror "$WORK/bad" --no-progress 2> "$WORK/bad.log" && fail "a bad checksum passed"
[ -e "$WORK/badrun/toy/a-00000.jsonl.zst" ] && fail "shards of a bad download were published"

"$TOY" sample --only toy --out "$WORK/sample" --no-progress > "$WORK/sample.txt" 2> "$WORK/sample.log" \
  || { cat "$WORK/sample.log"; fail "toy sample failed"; }
grep -q '^toy ' "$WORK/sample.txt" || { cat "$WORK/sample.txt"; fail "sample table has no toy row"; }
echo "toy source: OK"
