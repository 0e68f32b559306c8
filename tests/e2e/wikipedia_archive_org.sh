#!/usr/bin/env bash
# The wikipedia_archive_org recipe against a loopback server laid out as the Internet Archive
# keeps the Wikimedia dumps: one item per language, /download/<lang>wiki-20230320/<file>, each
# with its own <lang>wiki-20230320_files.xml (size, md5). Its records equal those of the
# dump-host layout; a dump replaced by an HTML page (status 200) fails its md5 and only its
# language; an item without its files.xml fails its language, naming the missing file. The
# production recipe falls back to these items for a dump the dump host has dropped.
source "$(dirname "$0")/lib.bash"
export HOME="$WORK/home"
"$RPDATA" sample --only wikipedia --out "$WORK/gen" --no-progress -q > /dev/null 2>&1 || fail "sample generation failed"
export RPDATA_MODELS="$WORK/gen/_models"  # the tokenizer the sample used

# The items, built from the sample's dump-host mirror (<lang>wiki/20230320/...).
files_xml() {  # ITEM_DIR: the item's files.xml, as archive.org writes it (name, source, size, md5, sha1)
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<files>'
    for f in "$1"/*; do
      case "$f" in *_files.xml) continue ;; esac
      echo "  <file name=\"$(basename "$f")\" source=\"original\">"
      echo "    <size>$(stat -c %s "$f")</size>"
      echo "    <md5>$(md5sum < "$f" | cut -c1-32)</md5>"
      echo "    <sha1>$(sha1sum < "$f" | cut -c1-40)</sha1>"
      echo "  </file>"
    done
    echo '</files>'
  } > "$1/$(basename "$1")_files.xml"
}
for lang in de en uk; do
  item="$WORK/ia/download/${lang}wiki-20230320"
  mkdir -p "$item"
  cp "$WORK/gen/_mirror/wikipedia/${lang}wiki/20230320/${lang}wiki-20230320-pages-articles-multistream.xml.bz2" "$item/"
  files_xml "$item"
done
start_fault_server "$WORK/ia"
run_ia() {  # OUT [more flags]: the three sample languages from the loopback archive
  local out="$1"; shift
  "$RPDATA" run wikipedia --recipe wikipedia_archive_org --mirror "$base/ok/download" \
    --set 'download.languages=["de", "en", "uk"]' --out "$out" --no-progress "$@"
}

run_ia "$WORK/o1" 2> "$WORK/log1" || { cat "$WORK/log1"; fail "archive.org layout run failed"; }
zstdcat "$WORK"/o1/wikipedia/*.jsonl.zst | sha256sum > "$WORK/ia.sha"
zstdcat "$WORK"/gen/wikipedia/*.jsonl.zst | sha256sum > "$WORK/host.sha"
cmp -s "$WORK/ia.sha" "$WORK/host.sha" || fail "records differ from the dump host's layout"
# Into a file, then grep: piped into `grep -q`, python (PYTHONUNBUFFERED=1 writes print's
# text and its "\n" apart) died of SIGPIPE when grep had already matched and exited.
python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
  "$base/stats?path=/ok/download/enwiki-20230320/enwiki-20230320_files.xml" > "$WORK/files_xml_stats.txt"
grep -q '^200' "$WORK/files_xml_stats.txt" || fail "the item's files.xml was not read"
"$RPDATA" report "$WORK/o1" | grep -q '^snapshot: wikipedia_archive_org: ' || fail "report lacks the snapshot note"

# A dump replaced by an HTML page with status 200: caught by the item's md5, only uk fails.
cp "$WORK/ia/download/ukwiki-20230320/ukwiki-20230320-pages-articles-multistream.xml.bz2" "$WORK/uk.bz2"
printf '<!DOCTYPE html>\n<html><body>Item is being derived, try later</body></html>\n' \
  > "$WORK/ia/download/ukwiki-20230320/ukwiki-20230320-pages-articles-multistream.xml.bz2"
set +e; run_ia "$WORK/o2" --set download.max_attempts=1 2> "$WORK/log2"; rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/log2"; fail "expected exit 1 for a corrupt item, got $rc"; }
grep -q 'ukwiki-20230320-pages-articles-multistream.xml.bz2' "$WORK/log2" || { cat "$WORK/log2"; fail "the failure does not name the file"; }
grep -qi 'md5\|size' "$WORK/log2" || { cat "$WORK/log2"; fail "the failure is not a checksum mismatch"; }
ls "$WORK"/o2/wikipedia/dewiki-*.jsonl.zst "$WORK"/o2/wikipedia/enwiki-*.jsonl.zst > /dev/null || fail "the good items were not processed"
ls "$WORK"/o2/wikipedia/ukwiki-* > /dev/null 2>&1 && fail "the corrupt item left output"
cp "$WORK/uk.bz2" "$WORK/ia/download/ukwiki-20230320/ukwiki-20230320-pages-articles-multistream.xml.bz2"

# The production recipe's fallback: the dump host has lost uk's date, so uk comes from its
# archive item and de/en from the host; the records are the same as ever.
for lang in de en; do
  mkdir -p "$WORK/ia/host/${lang}wiki/20230320"
  cp "$WORK/gen/_mirror/wikipedia/${lang}wiki/20230320/"* "$WORK/ia/host/${lang}wiki/20230320/"
done
sed -e "s|^base_url = .*|base_url = \"$base/ok/download\"|" "$SRC/configs/wikipedia_archive_org.toml" > "$WORK/ia.toml"
sed -e "s|^base_url = .*|base_url = \"$base/ok/host\"|" -e "s|^fallbacks = .*|fallbacks = [\"$WORK/ia.toml\"]|" \
  "$SRC/configs/wikipedia.toml" > "$WORK/host.toml"
"$RPDATA" run wikipedia --recipe "$WORK/host.toml" --set 'download.languages=["de", "en", "uk"]' \
  --set download.max_attempts=1 --out "$WORK/o4" --no-progress 2> "$WORK/log4" || { cat "$WORK/log4"; fail "run with a fallback failed"; }
grep -q 'ukwiki-20230320-pages-articles-multistream.xml.bz2: fetched from fallback .*ia.toml' "$WORK/log4" ||
  { cat "$WORK/log4"; fail "uk was not fetched from the fallback"; }
grep -q 'dewiki.*fetched from fallback' "$WORK/log4" && fail "de came from the fallback"
zstdcat "$WORK"/o4/wikipedia/*.jsonl.zst | sha256sum | cmp -s - "$WORK/host.sha" || fail "records differ with a fallback"

# An item without its files.xml: its language fails, naming the file it looked for.
rm "$WORK/ia/download/dewiki-20230320/dewiki-20230320_files.xml"
set +e; run_ia "$WORK/o3" --set download.max_attempts=1 2> "$WORK/log3"; rc=$?; set -e
[ "$rc" = 1 ] || { cat "$WORK/log3"; fail "expected exit 1 without a files.xml, got $rc"; }
grep -q 'dewiki-20230320_files.xml' "$WORK/log3" || { cat "$WORK/log3"; fail "the missing files.xml is not named"; }
echo OK
