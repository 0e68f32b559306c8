#!/usr/bin/env bash
# Bad inputs: corrupt gzip and truncated gzip fail their input with the file and byte offset;
# invalid UTF-8 and a 100 MB single line are counted per-document drops; empty files give
# no documents; nothing already written is lost; exit code 1 while any input fails.
source "$(dirname "$0")/lib.bash"
in="$WORK/in"; mkdir -p "$in"
good='{"text":"a good document","timestamp":"2019-04-25T12:57:54Z","url":"https://example.com/"}'
for i in $(seq 200); do echo "$good"; done | gzip > "$in/good.json.gz"
python3 - "$in" <<'PY'
import gzip, sys, os
d = sys.argv[1]
good = b'{"text":"ok","timestamp":"2019-04-25T12:57:54Z","url":"https://e.com/"}\n'
with gzip.open(os.path.join(d, "utf8.json.gz"), "wb") as f:
    f.write(good * 3 + b'{"text":"bad \xff\xfe bytes","timestamp":"t","url":"u"}\n' + good)
with gzip.open(os.path.join(d, "huge.json.gz"), "wb", compresslevel=1) as f:
    f.write(good + b'{"text":"' + b"x" * (100 << 20) + b'","timestamp":"t","url":"u"}\n' + good)
big = b"".join(b'{"text":"doc %d %s","timestamp":"t","url":"u"}\n' % (i, os.urandom(40).hex().encode()) for i in range(20000))
raw = gzip.compress(big)
open(os.path.join(d, "truncated.json.gz"), "wb").write(raw[: len(raw) // 2])
bad = bytearray(raw)
for i in range(len(bad) // 2, len(bad) // 2 + 64): bad[i] ^= 0x55
open(os.path.join(d, "corrupt.json.gz"), "wb").write(bytes(bad))
open(os.path.join(d, "empty.json.gz"), "wb").close()
with gzip.open(os.path.join(d, "emptygz.json.gz"), "wb"): pass
PY
inputs=()
for f in good utf8 huge truncated corrupt empty emptygz; do inputs+=(--input "$in/$f.json.gz"); done
set +e
"$RPDATA" run c4 --out "$WORK/out" "${inputs[@]}" --tokenizers none --no-progress > "$WORK/stdout" 2> "$WORK/stderr"
rc=$?
set -e
cat "$WORK/stderr"
[ "$rc" = 1 ] || fail "exit code $rc, expected 1"
grep -q "corrupt.json.gz at byte [0-9]*: corrupt gzip data" "$WORK/stderr" || fail "corrupt gzip not named with offset"
grep -q "truncated.json.gz at byte [0-9]*: truncated gzip stream" "$WORK/stderr" || fail "truncation not named with offset"
units="$WORK/out/c4/_work/units"
for f in good utf8 huge empty emptygz; do [ -f "$units/$f.json.gz.json" ] || fail "$f did not complete"; done
grep -q '"read:invalid_utf8": 1' "$units/utf8.json.gz.json" || fail "invalid utf8 not counted"
grep -q '"docs_out": 4' "$units/utf8.json.gz.json" || fail "utf8 file lost good docs"
grep -q '"read:line_too_long": 1' "$units/huge.json.gz.json" || fail "100 MB line not counted"
grep -q '"docs_out": 2' "$units/huge.json.gz.json" || fail "huge file lost good docs"
[ "$(zstdcat "$WORK/out/c4/good-00000.jsonl.zst" | wc -l)" = 200 ] || fail "good output incomplete"
{ "$RPDATA" status "$WORK/out" || true; } | grep -q failed || fail "status does not show the failure"
before=$(outputs "$WORK/out/c4")
set +e; "$RPDATA" run c4 --out "$WORK/out" "${inputs[@]}" --tokenizers none --no-progress > /dev/null 2> "$WORK/stderr2"; rc=$?; set -e
[ "$rc" = 1 ] || fail "rerun exit code $rc"
grep -q '5 already complete' "$WORK/stderr2" || { cat "$WORK/stderr2"; fail "rerun did not keep completed inputs"; }
[ "$before" = "$(outputs "$WORK/out/c4")" ] || fail "completed outputs changed on rerun"
echo OK
