#!/usr/bin/env bash
# --dump-date against a loopback server laid out as dumps.wikimedia.org: <lang>wiki/ lists the
# dump dates (nginx's autoindex), each <lang>wiki/<date>/ holds the dump, its md5sums file and
# dumpstatus.json. "latest" takes the newest date every language has finished (a newer date
# still running for one language is skipped); the records carry that date as their timestamp;
# the run's plan records the flag's assignments and the deviation, and `rpdata report` flags
# the slice as not RedPajama's snapshot. RedPajama's own date gives the sample's bytes and no
# flag. A bad date, "latest" where the host cannot list dates, and the flag on another source
# are clear errors (exit 2).
source "$(dirname "$0")/lib.bash"
export HOME="$WORK/home"
"$RPDATA" sample --only wikipedia --out "$WORK/gen" --no-progress -q > /dev/null 2>&1 || fail "sample generation failed"
export RPDATA_MODELS="$WORK/gen/_models"  # the tokenizer the sample used
mirror="$WORK/gen/_mirror/wikipedia"

status_json() {  # LANG DATE STATUS: the dump's dumpstatus.json, as the dump host writes it
  local f="$1wiki-$2-pages-articles-multistream.xml.bz2"
  printf '{"jobs": {"articlesmultistreamdump": {"status": "%s", "updated": "2026-12-02 10:00:00", "files": {"%s": {"size": 1, "url": "/%swiki/%s/%s"}}}, "xmlstubsdump": {"status": "done", "files": {}}}, "version": "0.8"}\n' \
    "$3" "$f" "$1" "$2" "$f"
}
dump() {  # LANG DATE STATUS: a dump of DATE with the sample's pages
  local dir="$WORK/host/$1wiki/$2" f="$1wiki-$2-pages-articles-multistream.xml.bz2"
  mkdir -p "$dir"
  cp "$mirror/$1wiki/20230320/$1wiki-20230320-pages-articles-multistream.xml.bz2" "$dir/$f"
  (cd "$dir" && md5sum "$f" > "$1wiki-$2-md5sums.txt")
  status_json "$1" "$2" "$3" > "$dir/dumpstatus.json"
}
for lang in de en uk; do
  dump "$lang" 20230320 done
  dump "$lang" 20261201 done
  dump "$lang" 20261220 done
done
status_json en 20261220 in-progress > "$WORK/host/enwiki/20261220/dumpstatus.json"  # en still running
mkdir -p "$WORK/host/dewiki/latest"  # the host's latest/ folder is not a date
start_fault_server "$WORK/host"
sed -e "s|^base_url = .*|base_url = \"$base/ok\"|" -e 's|^fallbacks = .*||' "$SRC/configs/wikipedia.toml" > "$WORK/host.toml"
run() {  # OUT [flags]: the three sample languages from the loopback dump host
  local out="$1"; shift
  "$RPDATA" run wikipedia --recipe "$WORK/host.toml" --set 'download.languages=["de", "en", "uk"]' \
    --out "$out" --no-progress "$@"
}

# latest: 20261220 is skipped (en is running), 20261201 is taken.
run "$WORK/o1" --dump-date latest 2> "$WORK/log1" || { cat "$WORK/log1"; fail "--dump-date latest failed"; }
grep -q 'dump date 20261220 skipped: en: in-progress' "$WORK/log1" || { cat "$WORK/log1"; fail "the running date was not skipped"; }
grep -q 'dump_date latest = 20261201' "$WORK/log1" || { cat "$WORK/log1"; fail "latest did not resolve to 20261201"; }
ls "$WORK"/o1/wikipedia/enwiki-20261201-*.jsonl.zst > /dev/null || fail "no output of the 20261201 dumps"
zstdcat "$WORK"/o1/wikipedia/*.jsonl.zst > "$WORK/latest.jsonl"
grep -q '"timestamp": "20261201"' "$WORK/latest.jsonl" || fail "records do not carry the dump date"
grep -q '"timestamp": "20230320"' "$WORK/latest.jsonl" && fail "a record kept RedPajama's date"
zstdcat "$WORK"/gen/wikipedia/*.jsonl.zst | sed 's/"timestamp": "20230320"/"timestamp": "20261201"/' > "$WORK/expected.jsonl"
cmp -s "$WORK/latest.jsonl" "$WORK/expected.jsonl" || fail "records differ from the sample's beyond the timestamp"
plan="$WORK/o1/wikipedia/_work/plan.json"
grep -q '"overrides": \[.*"download.dump_date=\\"latest\\""' "$plan" || { cat "$plan"; fail "the plan does not record the flag"; }
grep -q '"deviations": \["Wikipedia dumps of 20261201 (the latest), not the 20230320 dumps RedPajama used"\]' "$plan" ||
  { head -5 "$plan"; fail "the plan does not record the deviation"; }
grep -q '"deviations": \["Wikipedia dumps of 20261201' "$WORK/o1/wikipedia/manifest.json" || fail "the manifest does not record the deviation"
"$RPDATA" report "$WORK/o1" > "$WORK/report1"
grep -q "^NOT RedPajama's snapshot: wikipedia: Wikipedia dumps of 20261201" "$WORK/report1" || { cat "$WORK/report1"; fail "report does not flag the date"; }
grep -q '^recipe changed: wikipedia: download.dump_date="latest"' "$WORK/report1" || { cat "$WORK/report1"; fail "report does not show the change"; }
"$RPDATA" report "$WORK/o1" --json > "$WORK/report1.json"
grep -q '"redpajama_snapshot": false' "$WORK/report1.json" || fail "report --json does not flag it"
# `rpdata process` cannot resolve "latest" offline: it reuses the plan the download published.
"$RPDATA" process wikipedia --recipe "$WORK/host.toml" --set 'download.languages=["de", "en", "uk"]' \
  --out "$WORK/o1" --no-progress --dump-date latest 2> "$WORK/log1p" || { cat "$WORK/log1p"; fail "process after download failed"; }

# The doctor takes the same flags: it checks the latest dumps' first input.
"$RPDATA" doctor "$WORK/host.toml" --set 'download.languages=["de", "en", "uk"]' --dump-date latest \
  --out "$WORK/od" > "$WORK/doctor.txt" 2>&1 || { cat "$WORK/doctor.txt"; fail "doctor --dump-date latest failed"; }
grep -q 'dewiki-20261201-pages-articles-multistream.xml.bz2' "$WORK/doctor.txt" || { cat "$WORK/doctor.txt"; fail "doctor did not check the latest dump"; }

# RedPajama's own date: the sample's bytes, nothing flagged.
run "$WORK/o2" --dump-date 20230320 2> "$WORK/log2" || { cat "$WORK/log2"; fail "--dump-date 20230320 failed"; }
zstdcat "$WORK"/o2/wikipedia/*.jsonl.zst | cmp -s - <(zstdcat "$WORK"/gen/wikipedia/*.jsonl.zst) || fail "20230320 differs from the sample"
"$RPDATA" report "$WORK/o2" > "$WORK/report2"
grep -q "NOT RedPajama" "$WORK/report2" && fail "RedPajama's date is flagged"

# An explicit other date: its timestamp, and the flag.
run "$WORK/o3" --dump-date 20261220 --limit 1 2> "$WORK/log3" || { cat "$WORK/log3"; fail "--dump-date 20261220 failed"; }
# (Outputs go to files before grep -q: a writer piped into it may die of SIGPIPE under pipefail.)
zstdcat "$WORK"/o3/wikipedia/dewiki-20261220-*.jsonl.zst > "$WORK/o3.jsonl"
grep -q '"timestamp": "20261220"' "$WORK/o3.jsonl" || fail "explicit date not in records"
"$RPDATA" report "$WORK/o3" > "$WORK/report3"
grep -q "^NOT RedPajama's snapshot: wikipedia: Wikipedia dumps of 20261220, not" "$WORK/report3" || fail "explicit date not flagged"

# Errors: exit 2 with the reason.
expect_error() {  # PATTERN CMD...: exit 2 and PATTERN in stderr
  local pattern="$1"; shift
  set +e; "$@" > /dev/null 2> "$WORK/err"; local rc=$?; set -e
  [ "$rc" = 2 ] || { cat "$WORK/err"; fail "expected exit 2, got $rc: $*"; }
  grep -q -- "$pattern" "$WORK/err" || { cat "$WORK/err"; fail "expected '$pattern'"; }
}
expect_error "must be YYYYMMDD or latest, got '2023'" run "$WORK/o4" --dump-date 2023
expect_error 'cannot list dump dates' \
  "$RPDATA" run wikipedia --recipe wikipedia_archive_org --mirror "$base/ok" --dump-date latest --out "$WORK/o5" --no-progress
expect_error 'applies to recipes of wikipedia, not to c4' "$RPDATA" run c4 --dump-date 20230320 --out "$WORK/o6"
# A host whose dates all are unfinished: named, none taken.
for lang in de en uk; do status_json "$lang" 20261201 failed > "$WORK/host/${lang}wiki/20261201/dumpstatus.json"; done
rm -r "$WORK/host/"*wiki/20230320
expect_error 'no finished dump among the newest 2 dates' run "$WORK/o7" --dump-date latest
echo OK
