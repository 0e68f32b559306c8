#!/usr/bin/env bash
# PG-19 end to end over real HTTP: a loopback Cloud Storage emulation (tests/servers/
# gcs_server.py: JSON API listing with pageToken pages + object GET) serving the real books
# and PG-19 metadata.csv, with a near-duplicate, an invalid-UTF-8 and an empty book; faults
# (listing 503s, a dropped transfer, a corrupted transfer) are retried; the records equal
# what RedPajama's pipeline (HF pg19 loader + dedup.py meta, Python reference SimHash) makes
# of the same files; a wrong md5Hash fails the unit loudly.
source "$(dirname "$0")/lib.bash"
REAL="${RPDATA_REALDATA:-$SRC/../shared/realdata}"
[ -d "$REAL/books" ] || no_realdata "$REAL/books not found (set RPDATA_REALDATA)"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
command -v zstdcat > /dev/null || { echo "SKIPPED: zstdcat not found"; exit 77; }
bucket="$WORK/root/deepmind-gutenberg"; mkdir -p "$bucket/train"
cp "$REAL/books/pg11-alice-11-0.txt" "$bucket/train/11.txt"
cp "$REAL/books/pg1342-pride-and-prejudice-1342-0.txt" "$bucket/train/1342.txt"
cp "$REAL/books/pg972-devils-dictionary-with-pg-header.txt" "$bucket/train/972.txt"     # CRLF
cp "$REAL/books/pg3261-news-from-nowhere-with-pg-header.txt" "$bucket/train/3261.txt"  # CRLF
python3 - "$bucket" "$REAL/books/pg19-metadata.csv" <<'PY'
import sys
b, meta = sys.argv[1], sys.argv[2]
text = open(f"{b}/train/1342.txt", encoding="utf-8").read()
words = text.split(" ")
for i in (1000, 5000, 20000, 40000, 60000):
    words[i] = "zebra"
open(f"{b}/train/20000.txt", "w", encoding="utf-8").write(" ".join(words))  # near-duplicate of 1342
open(f"{b}/train/30000.txt", "wb").write(b"A book with a bad byte \xff in it.\n")
open(f"{b}/train/40000.txt", "wb").write(b"")
rows = open(meta, encoding="utf-8").read()
rows += '20000,"Pride, Prejudice and Zebras" by A. Copyist,1999,http://www.gutenberg.org/ebooks/20000\n'
open(f"{b}/metadata.csv", "w", encoding="utf-8").write(rows)
PY
python3 "$SRC/tests/servers/gcs_server.py" "$WORK/root" --page-size 2 > "$WORK/server.out" 2> "$WORK/server.err" &
server=$!
trap 'kill $server 2>/dev/null; [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 400); do [ -s "$WORK/server.out" ] && break; sleep 0.05; done
port=$(head -1 "$WORK/server.out")
[ -n "$port" ] || fail "gcs server did not start"
base="http://127.0.0.1:$port"
ctl() { python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode(), end='')" "$base/$1"; }

# 3 books per unit: 7 books -> 3 units, each starting with metadata.csv.
"$RPDATA" recipe books > "$WORK/books.toml"
sed -i 's/^files_per_unit = .*/files_per_unit = 3/; s/^drop_key = .*/drop_key = false/' "$WORK/books.toml"
ctl "_fault?kind=list503&n=2" > /dev/null
ctl "_fault?kind=drop&name=train/1342.txt&n=1" > /dev/null
ctl "_fault?kind=corrupt&name=train/11.txt&n=1" > /dev/null
"$RPDATA" run books --recipe "$WORK/books.toml" --out "$WORK/o" --mirror "$base" --threads 2 --tokenizers none \
  --no-progress 2> "$WORK/run.log" || { cat "$WORK/run.log"; fail "run through the faulty bucket failed"; }
ctl _stats > "$WORK/stats.txt"
grep -q '/storage/v1/b/deepmind-gutenberg/o$' "$WORK/stats.txt" || { cat "$WORK/stats.txt"; fail "no listing request"; }
[ "$(awk '$2 == "/storage/v1/b/deepmind-gutenberg/o" {print $1}' "$WORK/stats.txt")" -ge 6 ] \
  || { cat "$WORK/stats.txt"; fail "listing was not paged (7 objects, 2 per page) after two 503s"; }
[ "$(awk '$2 == "/deepmind-gutenberg/train/11.txt" {print $1}' "$WORK/stats.txt")" -ge 2 ] \
  || { cat "$WORK/stats.txt"; fail "a corrupted transfer was not fetched again"; }
ls "$WORK/o/books/" | grep -q '^train-00002-' || fail "expected 3 units (train-00000..00002)"
cmp "$bucket/train/972.txt" "$WORK/o/books/_work/raw/deepmind-gutenberg/train/972.txt" || fail "raw file differs"
# Reader drops are counted by the [dedup] run's main stage (its unit markers).
grep -q '"read:invalid_utf8": 1' "$WORK"/o/books/_work/stages/main/_work/units/*.json \
  || fail "invalid UTF-8 book not counted"

# The reference: HF pg19 (sorted listing, metadata.csv via csv.DictReader, text mode) and
# dedup.py's record shape, plus the Python SimHash of tests/unit/dedup/simhash_ref.py.
# dedup.py's rule (togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:
# data_prep/book/dedup.py, find_match over SimhashIndex(k=5)) written pairwise: with 6 bands of
# 64 bits, two signatures within Hamming distance 5 share a band, so the index's near-dups are
# exactly the signatures within distance 5; ids are listing positions (PG-19 only, no Books3
# ids to collide with). Deliberate difference: rpdata's meta adds "simhash".
python3 - "$bucket" "$SRC/tests/unit/dedup" > "$WORK/expected.jsonl" <<'PY'
import csv, json, os, sys
b = sys.argv[1]
sys.path.insert(0, sys.argv[2])
import simhash_ref
with open(f"{b}/metadata.csv", encoding="utf-8") as f:
    meta = {r["_id"]: r for r in csv.DictReader(f, fieldnames=["_id", "short_book_title", "publication_date", "url"])}
seen = []  # signatures of every earlier book: dedup.py drops a book with any near-dup of smaller id
for name in sorted(os.listdir(f"{b}/train")):
    try:
        with open(f"{b}/train/{name}", encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        continue
    m = meta[os.path.splitext(name)[0]]
    value = simhash_ref.simhash(simhash_ref.get_features(text))
    sig = "%016x" % value
    dup = any(simhash_ref.distance(value, v) <= 5 for v in seen)
    seen.append(value)
    if dup:
        continue
    print(json.dumps({"meta": {"short_book_title": m["short_book_title"], "publication_date": int(m["publication_date"]),
                               "url": m["url"], "simhash": sig}, "text": text}))
PY
zstdcat $(ls "$WORK"/o/books/train-*.jsonl.zst | sort) > "$WORK/ours.jsonl"
[ "$(wc -l < "$WORK/ours.jsonl")" = 5 ] || fail "expected 5 books (7 minus the invalid one and the near-duplicate; the empty book is kept as HF gave it)"
grep -q '"dedup:duplicate": 1' "$WORK/o/books/manifest.json" || { cat "$WORK/o/books/manifest.json"; fail "near-duplicate not counted"; }
cmp "$WORK/expected.jsonl" "$WORK/ours.jsonl" || { diff <(cut -c1-300 "$WORK/expected.jsonl") <(cut -c1-300 "$WORK/ours.jsonl") | head; fail "records differ from the reference"; }
grep -q 'ebooks/20000' "$WORK/ours.jsonl" && fail "the near-duplicate of 1342 (id 20000) was kept"
# A rerun skips the verified units; an object whose listing md5 is wrong fails loudly.
"$RPDATA" run books --recipe "$WORK/books.toml" --out "$WORK/o" --mirror "$base" --tokenizers none --no-progress \
  2> "$WORK/rerun.log" || { cat "$WORK/rerun.log"; fail "rerun failed"; }
grep -q '0 processed, 3 already complete' "$WORK/rerun.log" || { cat "$WORK/rerun.log"; fail "rerun did not skip"; }
ctl "_fault?kind=badmd5&name=train/3261.txt&n=1000" > /dev/null
set +e; "$RPDATA" run books --recipe "$WORK/books.toml" --out "$WORK/bad" --mirror "$base" --tokenizers none \
  --no-progress 2> "$WORK/bad.log"; rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/bad.log"; fail "md5 mismatch exit code $rc"; }
grep -q 'md5' "$WORK/bad.log" || { cat "$WORK/bad.log"; fail "md5 mismatch not reported"; }
echo OK
