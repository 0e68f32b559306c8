#!/usr/bin/env bash
# RedPajama's Books dedup over PG-19 + Books3 together (`rpdata run book`, spec section 4):
# a small PG-19 bucket mirror and a local Books3 folder where dedup.py's id collision decides
# the fate of PG-19 books (one dropped and one kept ONLY because of the Books3 book with the
# same id). The kept sets of both [dedup] book_ids modes must equal an independent brute-force
# reference (tests/unit/dedup/simhash_ref.py: dedup.py + PyPI simhash re-typed in Python), in
# output order (PG-19 first, then Books3), and the bytes must not depend on tasks or partitions.
source "$(dirname "$0")/lib.bash"
REF="$SRC/tests/unit/dedup/simhash_ref.py"
mirror="$WORK/mirror"; b3="$WORK/b3"
python3 - "$mirror" "$b3" <<'PY'
import os, random, sys
mirror, b3 = sys.argv[1], sys.argv[2]
rng = random.Random(1913)
syll = ["ka", "lo", "mi", "ner", "os", "pha", "qui", "ret", "sal", "tum", "ul", "ven", "wo", "xi", "yr", "zan",
        "bre", "cor", "dal", "eth"]
common = "the of and to a in that he was it his her with as had for she not at but".split()
def book():
    own = ["".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(80)]
    lines, words = [], []
    for i in range(3500):
        words.append(rng.choice(own) if rng.random() < 0.4 else rng.choice(common))
        if len(words) == 12:
            lines.append(" ".join(words) + ".")
            words = []
    return "\n".join(lines) + "\n"
def edit(text, n=3):  # a near-duplicate: n words replaced
    w = text.split(" ")
    for _ in range(n):
        w[rng.randrange(1, len(w) - 1)] = "wandered"
    return " ".join(w)
# PG-19 ids 0..6 (listing order), Books3 ids 0..4 (sorted path order).
pg = [book() for _ in range(7)]
pg[2] = edit(pg[1])            # PG-19 near-duplicate pair (1, 2)
b = [book() for _ in range(5)]
b[1] = edit(b[0])              # Books3 pair (0, 1): Books3 1 loses, and so PG-19 1 with RedPajama's ids
b[3] = edit(pg[6])             # across: Books3 3 (id 3) beats PG-19 6 with RedPajama's ids
b[4] = edit(pg[4])             # across with the same id 4: neither drops the other
os.makedirs(f"{mirror}/deepmind-gutenberg/train")
os.makedirs(b3)
meta = []
for i, t in enumerate(pg):
    pid = 30000 + 11 * i
    open(f"{mirror}/deepmind-gutenberg/train/{pid}.txt", "w", newline="").write(t)
    meta.append(f"{pid},Book {i},{1900 + i},http://www.gutenberg.org/ebooks/{pid}\n")
open(f"{mirror}/deepmind-gutenberg/metadata.csv", "w").write("".join(meta))
for i, t in enumerate(b):
    open(f"{b3}/vol{i} Title.epub.txt", "w", newline="").write(t)
open(f"{b3}/README.txt", "w").write("not a book\n")  # not .epub.txt: skipped, takes no id
PY
# The reference: signatures of the inputs, then dedup.py's decision for each id scheme.
ls "$mirror"/deepmind-gutenberg/train/*.txt | LC_ALL=C sort > "$WORK/pg.list"
ls "$b3"/*.epub.txt | LC_ALL=C sort > "$WORK/b3.list"
python3 "$REF" sig $(cat "$WORK/pg.list") > "$WORK/pg.sig"
tr '\n' '\0' < "$WORK/b3.list" | xargs -0 python3 "$REF" sig > "$WORK/b3.sig"
npg=$(wc -l < "$WORK/pg.sig"); nb3=$(wc -l < "$WORK/b3.sig")
names() {  # the books in output order: PG-19 by url, Books3 by title
  sed 's|.*/\([0-9]*\)\.txt$|http://www.gutenberg.org/ebooks/\1|' "$WORK/pg.list"
  sed 's|.*/\([^/.]*\)\..*$|\1|' "$WORK/b3.list"
}
names > "$WORK/names"
{ awk '{print NR-1, $1}' "$WORK/pg.sig"; awk '{print NR-1, $1}' "$WORK/b3.sig"; } > "$WORK/rp.keys"
{ awk '{print NR-1, $1}' "$WORK/pg.sig"; awk -v n="$npg" '{print n+NR-1, $1}' "$WORK/b3.sig"; } > "$WORK/unique.keys"
python3 "$REF" keep --shared-ids < "$WORK/rp.keys" > "$WORK/rp.flags"
python3 "$REF" keep < "$WORK/rp.keys" > "$WORK/rp_own.flags"
python3 "$REF" keep < "$WORK/unique.keys" > "$WORK/unique.flags"
# The input must exercise the collision: among PG-19 books one is dropped and one kept only
# through the flag of the Books3 book sharing its id.
paste -d' ' <(head -n "$npg" "$WORK/rp_own.flags") <(head -n "$npg" "$WORK/rp.flags") > "$WORK/pg_flags"
grep -qx '1 0' "$WORK/pg_flags" || fail "no PG-19 book is dropped only through a Books3 id (input design)"
grep -qx '0 1' "$WORK/pg_flags" || fail "no PG-19 book is kept only through a Books3 id (input design)"
cmp -s "$WORK/rp.flags" "$WORK/unique.flags" && fail "both id modes keep the same books (input design)"
expected() { paste -d' ' "$1" "$WORK/names" | awk '$1 == 1 {sub(/^1 /, ""); print}'; }
kept() {  # url (PG-19) or title (Books3) of every output record, in output (manifest row) order
  local shards; shards=$(sed 's/^{"path": "book\/\([^"]*\)".*/\1/' "$1/manifest.jsonl")
  (cd "$1" && zstd -dcq $shards) > "$WORK/out.jsonl"
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)["meta"]
    assert "simhash" not in m, m
    print(m.get("url") or m["title"])' "$WORK/out.jsonl"
}

"$RPDATA" recipe book > "$WORK/rp.toml"
sed 's/^book_ids = .*/book_ids = "unique"/' "$WORK/rp.toml" > "$WORK/unique.toml"
sed 's/^files_per_unit = .*/files_per_unit = 2/; s/^partitions = .*/partitions = 1/' "$WORK/rp.toml" > "$WORK/p1.toml"
sed -i 's/^files_per_unit = .*/files_per_unit = 2/; s/^partitions = .*/partitions = 5/' "$WORK/rp.toml" "$WORK/unique.toml"
run() { "$RPDATA" run book --mirror "$mirror" --input "$b3" --tokenizers none --no-progress -q "$@"; }
run --recipe "$WORK/rp.toml" --out "$WORK/rp" || fail "redpajama run failed"
run --recipe "$WORK/unique.toml" --out "$WORK/unique" || fail "unique run failed"
diff <(expected "$WORK/rp.flags") <(kept "$WORK/rp/book") || fail "redpajama ids: kept set differs from dedup.py"
diff <(expected "$WORK/unique.flags") <(kept "$WORK/unique/book") || fail "unique ids: kept set differs from the reference"
echo "kept: redpajama $(kept "$WORK/rp/book" | wc -l), unique $(kept "$WORK/unique/book" | wc -l) of $((npg + nb3))"
grep -q '"group": "books3"' "$WORK/rp/book/_work/plan.json" || fail "plan lacks the books3 group"
grep -q '"name": "pg19-00003"' "$WORK/rp/book/_work/plan.json" || fail "expected PG-19 units pg19-00000..00003"
grep -q '"read:skipped_file": 1' "$WORK"/rp/book/_work/stages/main/_work/units/books3-00000.json || fail "README.txt not skipped"
# 1 task = 3 tasks (every stage split), and 5 partitions = 1 partition.
for stage in main reduce apply; do
  for r in 0 1 2; do
    run --recipe "$WORK/rp.toml" --out "$WORK/w3" --rank $r --world-size 3 --stage $stage --threads 2 ||
      fail "$stage rank $r of 3 failed"
  done
done
same_outputs "$WORK/rp/book" "$WORK/w3/book" "3 tasks differ from 1"
run --recipe "$WORK/p1.toml" --out "$WORK/p1" || fail "1-partition run failed"
diff <(cd "$WORK/rp/book" && sha256sum *.jsonl.zst) <(cd "$WORK/p1/book" && sha256sum *.jsonl.zst) ||
  fail "1 partition differs from 5"
# The local group needs --input.
set +e; "$RPDATA" run book --recipe "$WORK/rp.toml" --mirror "$mirror" --out "$WORK/none" -q > "$WORK/noinput.txt" 2>&1
rc=$?; set -e
[ $rc = 2 ] && grep -q "give them with --input" "$WORK/noinput.txt" || { cat "$WORK/noinput.txt"; fail "missing --input not a usage error"; }
# Slurm passes the local group's --input to every task (absolute path).
"$RPDATA" slurm submit book --recipe "$WORK/rp.toml" --mirror "$mirror" --input "$b3" --out "$WORK/sl" --tasks 3 \
  --dry-run > "$WORK/dry.txt" || fail "slurm dry run"
grep -qF "'--input' '$b3'" "$WORK/dry.txt" || { cat "$WORK/dry.txt"; fail "slurm tasks lack --input"; }
# `rpdata download` fetches PG-19 (Books3 is local) into the run that `rpdata process` then completes.
"$RPDATA" download book --recipe "$WORK/rp.toml" --mirror "$mirror" --input "$b3" --out "$WORK/dl" --tokenizers none --no-progress -q ||
  fail "download failed"
[ -f "$WORK/dl/book/_work/raw/deepmind-gutenberg/train/30000.txt" ] || fail "PG-19 not downloaded"
"$RPDATA" process book --recipe "$WORK/rp.toml" --mirror "$mirror" --input "$b3" --out "$WORK/dl" --tokenizers none \
  --no-progress -q || fail "process after download failed"
same_outputs "$WORK/rp/book" "$WORK/dl/book" "download + process differs from run"
# `rpdata report` finds the combined run under RedPajama's slice name "book".
"$RPDATA" report "$WORK/rp" --json | python3 -c '
import json, sys
book = json.load(sys.stdin)["sources"]["book"]
assert book.get("docs", 0) > 0, book' || fail "rpdata report shows no book row for a combined run"
# --input with a recipe whose groups all download is a usage error, not silently ignored.
"$RPDATA" recipe book | python3 -c '
import sys; t = sys.stdin.read(); a = t.index("[[inputs]]", t.index("[[inputs]]") + 1)
sys.stdout.write(t[:a] + t[t.index("[[steps]]"):])' > "$WORK/pg_only.toml"
set +e; "$RPDATA" run book --recipe "$WORK/pg_only.toml" --mirror "$mirror" --input "$b3" --out "$WORK/x" -q > "$WORK/x.txt" 2>&1
rc=$?; set -e
[ $rc = 2 ] && grep -q "no \[\[inputs\]\] group of this recipe is local" "$WORK/x.txt" || { cat "$WORK/x.txt"; fail "stray --input accepted"; }
echo OK
