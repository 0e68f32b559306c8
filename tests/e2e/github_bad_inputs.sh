#!/usr/bin/env bash
# Hostile BigQuery-style exports: a row with a 100 MB file, a row with invalid UTF-8, a binary
# row (content null), a truncated row, and a gzip bomb (1 GiB of one byte in ~1 MB). Each bad
# row is a counted drop and the good rows of the same file are kept (nothing lost: rows in =
# kept + dropped); the bomb is refused with an error naming it while the other input completes.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
mkdir -p "$WORK/in"
python3 - "$WORK/in/github_000000000000.gz" <<'PY'
import gzip, json, sys
def row(path, content, **kw):
    r = {"repo_name": "a/b", "id": "0", "size": "1", "content": content, "binary": False, "copies": "1",
         "ref": "refs/heads/main", "path": path, "mode": "33188", "license": "mit", "language": []}
    r.update(kw)
    return json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape") + b"\n"
with gzip.open(sys.argv[1], "wb", compresslevel=1) as f:
    f.write(row("good1.py", "def f(x):\n    return x * 2\n"))
    f.write(row("huge.c", "int x;\n" * (100 * 1024 * 1024 // 7)))
    f.write(row("bad.c", "caf\udce9 = 1;\n"))
    f.write(row("img.png", None, binary=True))
    f.write(b'{"repo_name":"a/b","content":"unterminated\n')
    f.write(row("good2.py", "def g(y):\n    return y + 1\n"))
PY
python3 -c "
import gzip,sys
with gzip.open(sys.argv[1], 'wb', compresslevel=9) as f:
    block = b'A' * (1 << 20)
    for _ in range(1024): f.write(block)
" "$WORK/in/github_000000000001.gz"
set +e
RPDATA_MODELS="$WORK/none" HOME="$WORK" "$RPDATA" run github --recipe sample/github \
  --input "$WORK/in/github_000000000000.gz" --input "$WORK/in/github_000000000001.gz" \
  --out "$WORK/out" --tokenizers none --no-progress 2> "$WORK/log.txt"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$WORK/log.txt"; fail "expected exit 1 (bomb refused), got $rc"; }
grep -q 'github_000000000001.gz.*max_expansion_ratio' "$WORK/log.txt" || { cat "$WORK/log.txt"; fail "bomb not named"; }
marker="$WORK/out/github/_work/stages/main/_work/units/github_000000000000.gz.json"
[ -f "$marker" ] || { ls -R "$WORK/out/github/_work" >&2; fail "the good input did not complete"; }
python3 - "$marker" <<'PY' || fail "rows lost or miscounted"
import json, sys
m = json.load(open(sys.argv[1]))
s = m["stats"]["counters"]
drops = m["stats"]["drops"]
print("stats:", json.dumps(m["stats"], sort_keys=True))
assert s["docs_in"] == 6 and s["docs_out"] == 2, s
assert drops.get("read:line_too_long") == 1 and drops.get("read:invalid_utf8") == 1, drops
assert drops.get("read:null_content") == 1 and drops.get("read:invalid_json") == 1, drops
assert s["docs_out"] + sum(drops.values()) == s["docs_in"], s
PY
echo OK
