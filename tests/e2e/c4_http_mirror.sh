#!/usr/bin/env bash
# The real C4 records end to end over real HTTP: a loopback mirror (tests/servers/
# fault_server.py) that drops connections or answers 503 SlowDown, `rpdata run c4 --mirror`,
# checksums from the mirror's SHA256SUMS, and output byte-identical to RedPajama's
# c4_reformat.py logic run by Python on the same files.
source "$(dirname "$0")/lib.bash"
REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}"
[ -d "$REAL" ] || no_realdata "$REAL not found (set RPDATA_REALDATA)"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
mirror="$WORK/mirror"; mkdir -p "$mirror"
# The excerpt is re-serialised (SOURCES.md); rebuild C4's own line format from it: keys
# text, timestamp, url and the ISO timestamp the json.gz files carry. Two files of 500.
python3 - "$REAL/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl" "$mirror" <<'PY'
import gzip, io, json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
for f in range(2):
    path = f"{sys.argv[2]}/c4-train.{f:05d}-of-01024.json.gz"
    # mtime=0: the same bytes every run, so the sha256 is stable.
    with io.TextIOWrapper(gzip.GzipFile(path, "wb", mtime=0), encoding="utf-8") as out:
        for d in recs[f * 500:(f + 1) * 500]:
            ts = d["timestamp"].replace(" ", "T") + "Z"
            out.write(json.dumps({"text": d["text"], "timestamp": ts, "url": d["url"]},
                                 ensure_ascii=False, separators=(",", ":")) + "\n")
PY
(cd "$mirror" && sha256sum c4-train.*.json.gz > SHA256SUMS)
start_fault_server "$mirror"

"$RPDATA" run c4 --out "$WORK/drop" --mirror "$base/drop/1" --limit 2 --threads 2 --tokenizers none --no-progress \
  2> "$WORK/drop.log" || { cat "$WORK/drop.log"; fail "run through dropping mirror failed"; }
"$RPDATA" run c4 --out "$WORK/slowdown" --mirror "$base/status/503/2" --limit 2 --tokenizers none --no-progress \
  2> "$WORK/slowdown.log" || { cat "$WORK/slowdown.log"; fail "run through SlowDown mirror failed"; }
grep -qi 'retry\|attempt' "$WORK/slowdown.log" || { cat "$WORK/slowdown.log"; fail "no retry was logged"; }
same_outputs "$WORK/drop/c4" "$WORK/slowdown/c4" "outputs differ between mirrors"
cmp "$mirror/c4-train.00001-of-01024.json.gz" "$WORK/drop/c4/_work/raw/c4-train.00001-of-01024.json.gz" \
  || fail "downloaded file differs from the mirror's"
# A mirror whose file does not match its SHA256SUMS fails loudly and leaves no raw file.
mkdir -p "$WORK/badmirror"; cp "$mirror"/*.json.gz "$WORK/badmirror/"
(cd "$mirror" && sed -E 's/^[0-9a-f]{64}/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff/' SHA256SUMS \
  > "$WORK/badmirror/SHA256SUMS")
set +e; "$RPDATA" run c4 --out "$WORK/bad" --mirror "$WORK/badmirror" --limit 1 --tokenizers none --no-progress 2> "$WORK/bad.log"; rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/bad.log"; fail "checksum mismatch exit code $rc"; }
grep -q 'sha256' "$WORK/bad.log" || { cat "$WORK/bad.log"; fail "mismatch not reported"; }
[ ! -e "$WORK/bad/c4/_work/raw/c4-train.00000-of-01024.json.gz" ] || fail "a raw file that failed its checksum was kept"

# RedPajama's c4_reformat.py on the same raw files, line by line from
# togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/c4/c4_reformat.py
# (process_record, process_file). Deliberate difference: both files go to stdout in name
# order instead of one output file each (ours are concatenated in name order too).
python3 - "$mirror" > "$WORK/python.jsonl" <<'PY'
import gzip, json, sys
def process_record(record):
    return {
        "text": record["text"],
        "meta": {
            "timestamp": record["timestamp"],
            "url": record["url"],
            "language": "en",
            "source": "c4"
        }
    }
for f in range(2):
    with gzip.open(f"{sys.argv[1]}/c4-train.{f:05d}-of-01024.json.gz", "r") as in_f:
        records = [json.loads(line) for line in in_f.readlines()]
    for record in records:
        record = process_record(record)
        if record is not None:
            sys.stdout.write(json.dumps(record) + "\n")
PY
zstdcat $(ls "$WORK"/drop/c4/c4-train.*.jsonl.zst | sort) > "$WORK/ours.jsonl"
cmp "$WORK/python.jsonl" "$WORK/ours.jsonl" || fail "output differs from c4_reformat.py's"
[ "$(wc -l < "$WORK/ours.jsonl")" = 1000 ] || fail "expected 1000 records"
echo OK
