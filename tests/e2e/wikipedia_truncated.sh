#!/usr/bin/env bash
# A Wikipedia dump cut short fails its unit (the HF builder raised too), and the error names
# the file, the byte offset and the switch that keeps the complete pages before the cut
# ([read] on_error = "truncate"); with that switch the unit succeeds and records the cut.
source "$(dirname "$0")/lib.bash"
REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}"
dump="$REAL/wikipedia/ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2"
[ -f "$dump" ] || no_realdata "$dump not found (set RPDATA_REALDATA)"
cut="$WORK/ukwiki-20230501-pages-articles-multistream.xml.bz2"
head -c $(( $(stat -c %s "$dump") / 2 )) "$dump" > "$cut"
set +e
"$RPDATA" process wikipedia --recipe sample/wikipedia --input "$cut" --out "$WORK/out" \
  --tokenizers none --no-progress > "$WORK/stdout" 2> "$WORK/stderr"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$WORK/stderr" >&2; fail "exit code $rc for a truncated dump (want 1)"; }
grep -q "ukwiki-20230501-pages-articles-multistream.xml.bz2 at byte [0-9]*: .*truncated" "$WORK/stderr" ||
  { cat "$WORK/stderr" >&2; fail "the error does not name the file, offset and truncation"; }
grep -q 'on_error = "truncate"' "$WORK/stderr" || { cat "$WORK/stderr" >&2; fail "the error does not name the switch"; }
# The same recipe with the switch keeps the pages before the cut.
"$RPDATA" recipe sample/wikipedia > "$WORK/wiki.toml"
sed -i 's/^\[read\]$/[read]\non_error = "truncate"/' "$WORK/wiki.toml"
grep -q '^on_error = "truncate"' "$WORK/wiki.toml" || fail "could not write the recipe"
"$RPDATA" process wikipedia --recipe "$WORK/wiki.toml" --input "$cut" --out "$WORK/out2" \
  --tokenizers none --no-progress > "$WORK/stdout2" 2> "$WORK/stderr2" || { cat "$WORK/stderr2" >&2; fail "truncate run failed"; }
grep -Eq '"truncated_inputs": ?1' "$WORK"/out2/wikipedia/_work/units/*.json ||
  { cat "$WORK"/out2/wikipedia/_work/units/*.json >&2; fail "no truncated_inputs in the unit record"; }
docs=$(zstd -dcq "$WORK"/out2/wikipedia/*.jsonl.zst | wc -l)
[ "$docs" -gt 0 ] || fail "no pages kept before the cut"
echo "OK: exit 1 with the hint; with on_error = truncate $docs pages kept"
