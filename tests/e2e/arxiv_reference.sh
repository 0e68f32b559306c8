#!/usr/bin/env bash
# rpdata's arXiv cleaning against a Python evaluation of RedPajama's regexes
# (tests/tools/arxiv_reference.py) on the real paper sources of ../shared/realdata/arxiv:
# the real bulk-layout tar, and a bulk tar made of every real paper (tar.gz projects,
# single gzipped .tex, HTML-only, macOS ._ junk). Every kept paper's text must be identical,
# and both must keep the same papers. Plus a differential run on 1500 random LaTeX-like
# papers (tests/tools/arxiv_random_papers.py: every rule's corner cases, non-ASCII, CRLF).
source "$(dirname "$0")/lib.bash"
REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}/arxiv"
command -v python3 > /dev/null || { echo "SKIPPED: no python3"; exit 77; }
tars=("$WORK/arXiv_src_2303_901.tar")
python3 "$SRC/tests/tools/arxiv_random_papers.py" "$WORK/arXiv_src_2303_901.tar" 1500 20230417
if [ -d "$REAL" ]; then
  tars+=("$REAL/arXiv_src_0903_sample.tar" "$WORK/arXiv_src_0903_900.tar")
else
  [ "${RPDATA_REQUIRE_REALDATA:-}" = 1 ] && fail "$REAL not found (RPDATA_REQUIRE_REALDATA=1)"
  echo "NOTE: $REAL not found; real papers not compared"
fi
[ -d "$REAL" ] && python3 - "$REAL/papers" "$WORK/arXiv_src_0903_900.tar" <<'PY'
import io, os, sys, tarfile
with tarfile.open(sys.argv[2], "w", format=tarfile.GNU_FORMAT) as tf:
    for i, f in enumerate(sorted(os.listdir(sys.argv[1]))):
        data = open(os.path.join(sys.argv[1], f), "rb").read()
        ti = tarfile.TarInfo("0903/0903.9%04d.gz" % i)
        ti.size, ti.mtime = len(data), 1236211200
        tf.addfile(ti, io.BytesIO(data))
PY
for tar in "${tars[@]}"; do
  name="$(basename "$tar" .tar)"
  RPDATA_MODELS=/nonexistent HOME="$WORK" "$RPDATA" process arxiv --recipe sample/arxiv --input "$tar" \
    --out "$WORK/out-$name" --tokenizers none --no-progress -q || fail "rpdata process $name failed"
  zstd -dc "$WORK/out-$name"/arxiv/*.jsonl.zst > "$WORK/$name.ours.jsonl"
  python3 "$SRC/tests/tools/arxiv_reference.py" "$tar" > "$WORK/$name.ref.jsonl" || fail "reference failed"
  python3 - "$WORK/$name.ours.jsonl" "$WORK/$name.ref.jsonl" <<'PY' || fail "$name differs from the reference"
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
ref = [json.loads(l) for l in open(sys.argv[2])]
print("%s: rpdata kept %d papers, reference %d" % (sys.argv[1].rsplit("/", 1)[-1], len(ours), len(ref)))
assert len(ours) == len(ref), "paper counts differ"
for o, r in zip(ours, ref):
    assert o["meta"]["arxiv_id"] == r["arxiv_id"], (o["meta"]["arxiv_id"], r["arxiv_id"])
    assert o["meta"]["yymm"] == r["yymm"]
    if o["text"] != r["text"]:
        i = next(k for k in range(min(len(o["text"]), len(r["text"]))) if o["text"][k] != r["text"][k]) \
            if any(a != b for a, b in zip(o["text"], r["text"])) else min(len(o["text"]), len(r["text"]))
        raise SystemExit("%s: texts differ at char %d: ours %r ref %r" % (r["arxiv_id"], i, o["text"][i:i+60], r["text"][i:i+60]))
    if len(ours) < 20:
        print("  %s: %d chars identical" % (r["arxiv_id"], len(o["text"])))
print("  all %d texts identical" % len(ours))
PY
done
echo OK
