#!/usr/bin/env bash
# `rpdata doctor` as a user runs it, against loopback servers: the all-ok case (exit 0, one
# line per check, the table), a missing first input and a missing checksum listing (exit 1,
# FAIL lines and cells), a recipe with [[inputs]] groups over the Cloud Storage emulation
# (which refuses HEAD: the first input is asked for with a 1-byte Range GET), --slurm without
# sbatch on PATH, and the usage errors (exit 2). Nothing is written under --out.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || fail "python3 not found (the loopback servers need it)"

mkdir -p "$WORK/files" "$WORK/models/gpt-neox-20b" "$WORK/home"
export HOME="$WORK/home" RPDATA_MODELS="$WORK/models"
echo '{}' > "$WORK/models/gpt-neox-20b/tokenizer.json"
for i in 0 1 2; do echo "{\"text\": \"doc $i\"}" | gzip -n > "$WORK/files/part-0$i.jsonl.gz"; done
(cd "$WORK/files" && sha256sum part-*.jsonl.gz > SHA256SUMS)
start_fault_server "$WORK/files"

recipe() {  # recipe FILE BASE [EXTRA [download] LINE]
  cat > "$1" <<EOF
source = "c4"
description = "doctor e2e"
[download]
base_url = "$2"
pattern = "part-{index:02}.jsonl.gz"
count = 3
checksums = "sha256sums"
${3:-}
[read]
format = "jsonl"
[output]
tokenizers = ["neox"]
[plan]
raw_bytes = 3000.0
mb_per_core_s = 1.0
output_ratio = 0.5
EOF
}
run_doctor() {  # run_doctor NAME ARGS...: stdout to $WORK/NAME.out, exit code to $rc
  local name="$1"; shift
  set +e; "$RPDATA" doctor "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"; rc=$?; set -e
}
expect_line() {  # expect_line NAME REGEX
  grep -qE "$2" "$WORK/$1.out" || { cat "$WORK/$1.out" "$WORK/$1.err"; fail "$1: no line matching '$2'"; }
}

# 1. Everything answers: exit 0, one line per check, then the table.
recipe "$WORK/ok.toml" "$base/ok"
run_doctor ok "$WORK/ok.toml" --out "$WORK/run/out"
[ "$rc" = 0 ] || { cat "$WORK/ok.out" "$WORK/ok.err"; fail "all-ok: exit $rc"; }
expect_line ok "^ok +$WORK/ok.toml +recipe +valid: source c4"
expect_line ok "^ok +$WORK/ok.toml +plan +3 input\(s\), first part-00.jsonl.gz"
expect_line ok "^ok +$WORK/ok.toml +first input +part-00.jsonl.gz: HTTP 200, [0-9]+ B \(HEAD $base/ok/part-00.jsonl.gz\)"
expect_line ok "^ok +$WORK/ok.toml +checksums +sha256sums: sha256 [0-9a-f]{12}\.\.\. for part-00.jsonl.gz"
expect_line ok "^skip +$WORK/ok.toml +credentials +the inputs' requests are not signed"
expect_line ok "^ok +$WORK/ok.toml +models +1 model file\(s\) found: tokenizer.json"
expect_line ok "^ok +$WORK/ok.toml +disk +needs 4.5 KB \(raw 3.0 KB \+ output 1.5 KB, rpdata plan\), .* free under $WORK"
expect_line ok "^RECIPE +RECIPE +PLAN +FIRST INPUT +CREDENTIALS +CHECKSUMS +MODELS +DISK$"
expect_line ok "^$WORK/ok.toml +ok +ok +ok +- +ok +ok +ok$"
expect_line ok "^1 recipe\(s\) checked: no blocker, 0 warning\(s\)$"
[ ! -e "$WORK/run" ] || fail "doctor wrote under --out"
[ "$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode(), end='')" \
     "$base/stats?path=/ok/part-00.jsonl.gz")" = "200 -" ] || fail "the first input was asked for more than one HEAD"

# 2. The first input is missing, and so is the checksum listing: exit 1, FAIL lines and cells.
recipe "$WORK/missing.toml" "$base/notfound"
recipe "$WORK/nosums.toml" "$base/ok" 'checksums_file = "NO_SUCH_SUMS"'
run_doctor missing "$WORK/missing.toml" "$WORK/nosums.toml" --out "$WORK/run/out"
[ "$rc" = 1 ] || { cat "$WORK/missing.out"; fail "missing inputs: expected exit 1, got $rc"; }
expect_line missing "^FAIL +$WORK/missing.toml +first input +part-00.jsonl.gz: HTTP 404 \(HEAD $base/notfound/part-00.jsonl.gz\)"
expect_line missing "^FAIL +$WORK/nosums.toml +checksums +sha256sums: $base/ok/NO_SUCH_SUMS: HTTP 404"
expect_line missing "^$WORK/missing.toml +ok +ok +FAIL +- +FAIL +ok +ok$"
expect_line missing "^$WORK/nosums.toml +ok +ok +ok +- +FAIL +ok +ok$"
expect_line missing "^disk: the recipes together need 9.0 KB, "
expect_line missing "^2 recipe\(s\) checked: 2 with blockers, 0 warning\(s\)$"

# 3. A recipe with [[inputs]] groups through the Cloud Storage emulation (no HEAD there): the
#    downloaded group is planned and its first input asked for its first byte; the local group
#    is skipped.
mkdir -p "$WORK/gcs/deepmind-gutenberg/train"
echo "A short book." > "$WORK/gcs/deepmind-gutenberg/train/11.txt"
printf '_id,short_book_title,publication_date,url\n11,A Book,1865,http://example.org/11\n' \
  > "$WORK/gcs/deepmind-gutenberg/metadata.csv"
python3 "$SRC/tests/servers/gcs_server.py" "$WORK/gcs" > "$WORK/gcs.out" 2> "$WORK/gcs.err" &
gcs=$!
trap 'kill $server $gcs 2>/dev/null; [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 400); do [ -s "$WORK/gcs.out" ] && break; sleep 0.05; done
gcs_base="http://127.0.0.1:$(head -1 "$WORK/gcs.out")"
"$RPDATA" recipe book > "$WORK/book.toml"
sed -i 's/^raw_bytes = .*/raw_bytes = 1.0e6/' "$WORK/book.toml"
run_doctor book "$WORK/book.toml" --out "$WORK/run/out" --mirror "$gcs_base"
[ "$rc" = 0 ] || { cat "$WORK/book.out" "$WORK/book.err"; fail "book through the bucket: exit $rc"; }
expect_line book "^ok +$WORK/book.toml +plan \(pg19\) +1 input\(s\), first "
expect_line book "^ok +$WORK/book.toml +first input \(pg19\) +[^ ]*metadata.csv: HTTP 206, [0-9]+ B \(GET bytes=0-0 $gcs_base/"
expect_line book "^skip +$WORK/book.toml +plan \(books3\) +the group reads the local files given with --input"

# 4. --slurm without sbatch on PATH: a blocker, printed once and shown in every row.
mkdir -p "$WORK/emptybin"
set +e; PATH="$WORK/emptybin" "$RPDATA" doctor "$WORK/ok.toml" --out "$WORK/run/out" --slurm > "$WORK/slurm.out" 2>&1
rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/slurm.out"; fail "--slurm without sbatch: expected exit 1, got $rc"; }
expect_line slurm "^FAIL +\(all\) +slurm +sbatch not found on PATH \($WORK/emptybin\)"
expect_line slurm "^$WORK/ok.toml +ok +ok +ok +- +ok +ok +ok +FAIL$"

# 5. Usage errors: no recipe, --mirror with several recipes.
run_doctor none --out "$WORK/run/out"
[ "$rc" = 2 ] || fail "no recipe: expected exit 2, got $rc"
grep -q "name the recipes to check" "$WORK/none.err" || { cat "$WORK/none.err"; fail "no recipe: no hint"; }
run_doctor twomirror "$WORK/ok.toml" "$WORK/ok.toml" --out "$WORK/run/out" --mirror "$base/ok"
[ "$rc" = 2 ] || fail "--mirror with two recipes: expected exit 2, got $rc"
"$RPDATA" doctor --help | grep -q "rpdata doctor all --out /scratch/rp --slurm" || fail "--help has no examples"
echo OK
