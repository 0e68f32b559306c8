#!/usr/bin/env bash
# `rpdata run arxiv` against a loopback S3 server that verifies every Signature V4
# (tests/servers/s3_server.py, botocore): the listing (ListObjectsV2) and the manifest give
# the cost estimate, which needs --yes; with it the bulk tar is fetched (md5 and size from the
# manifest) and processed; a wrong secret fails at once with SignatureDoesNotMatch.
source "$(dirname "$0")/lib.bash"
PY=""
for p in "${RPDATA_PYTHON3:-}" /usr/bin/python3 python3; do
  [ -n "$p" ] && "$p" -c 'import botocore' 2> /dev/null && { PY="$p"; break; }
done
[ -n "$PY" ] || { echo "SKIPPED: no python3 with botocore (apt-get install python3-botocore)"; exit 77; }

"$RPDATA" sample --out "$WORK/gen" --only arxiv --no-progress -q > /dev/null 2>&1 || fail "sample generation failed"
mkdir -p "$WORK/s3/arxiv/src"
cp "$WORK/gen/_mirror/arxiv/arXiv_src_2303_001.tar" "$WORK/s3/arxiv/src/"
cp "$WORK/gen/_mirror/arxiv/arXiv_src_2303_001.tar" "$WORK/s3/arxiv/src/arXiv_src_2303_002.tar"
# A later month than RedPajama's snapshot: --set download.until=2303 leaves it out.
cp "$WORK/gen/_mirror/arxiv/arXiv_src_2303_001.tar" "$WORK/s3/arxiv/src/arXiv_src_2304_001.tar"
echo "not a source tar" > "$WORK/s3/arxiv/src/README.txt"
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<arXivSRC>'
  for f in "$WORK"/s3/arxiv/src/arXiv_src_*.tar; do
    echo "<file><filename>src/$(basename "$f")</filename><md5sum>$(md5sum < "$f" | cut -c1-32)</md5sum>"
    echo "<num_items>8</num_items><size>$(stat -c %s "$f")</size><yymm>2303</yymm></file>"
  done
  echo '</arXivSRC>'
} > "$WORK/s3/arxiv/src/arXiv_src_manifest.xml"

"$PY" "$SRC/tests/servers/s3_server.py" "$WORK/s3" AKIDE2E 'e2e/secret+KEY' > "$WORK/port" 2> "$WORK/server.log" &
server=$!
trap 'kill $server 2> /dev/null; [ -n "${RPDATA_KEEP_TEMP:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
port="$(head -1 "$WORK/port")"
[ -n "$port" ] || fail "s3 server did not start: $(cat "$WORK/server.log")"

sed -e 's|^s3 = .*|s3 = "s3://arxiv/src/"\nendpoint = "http://127.0.0.1:'"$port"'"|' \
    -e '1i missing_models = "skip"' "$SRC/configs/arxiv.toml" > "$WORK/arxiv.toml"
grep -q "endpoint = \"http://127.0.0.1:$port\"" "$WORK/arxiv.toml" || fail "recipe edit failed"
export AWS_ACCESS_KEY_ID=AKIDE2E AWS_SECRET_ACCESS_KEY='e2e/secret+KEY'
unset AWS_SESSION_TOKEN AWS_PROFILE
export RPDATA_MODELS=/nonexistent HOME="$WORK"

# 1. Without --yes: the estimate is printed and nothing is downloaded (usage error, exit 2).
set +e
"$RPDATA" run arxiv --recipe "$WORK/arxiv.toml" --out "$WORK/out" --tokenizers none --no-progress > /dev/null 2> "$WORK/noyes.log"
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$WORK/noyes.log"; fail "expected exit 2 without --yes, got $rc"; }
grep -q '3 file(s) to fetch' "$WORK/noyes.log" || { cat "$WORK/noyes.log"; fail "no byte estimate"; }
grep -q "not RedPajama's snapshot: 1 tar(s) dated after 2303" "$WORK/noyes.log" ||
  { cat "$WORK/noyes.log"; fail "the tar past RedPajama's snapshot is not flagged"; }
set +e
"$RPDATA" run arxiv --recipe "$WORK/arxiv.toml" --set download.until=2303 --out "$WORK/out" --tokenizers none \
  --no-progress > /dev/null 2> "$WORK/noyes.log"
set -e
grep -q '2 file(s) to fetch' "$WORK/noyes.log" || { cat "$WORK/noyes.log"; fail "until did not bound the estimate"; }
grep -q '1 object(s) after 2303 left out' "$WORK/noyes.log" || { cat "$WORK/noyes.log"; fail "until not reported"; }
grep -q 'estimated requester-pays cost \$0.00' "$WORK/noyes.log" || { cat "$WORK/noyes.log"; fail "no cost estimate"; }
grep -q 'rerun with --yes' "$WORK/noyes.log" || fail "no --yes hint"
[ ! -e "$WORK/out/arxiv/_work/raw/arXiv_src_2303_001.tar" ] || fail "downloaded without --yes"

# 2. With --yes: both tars up to 2303 fetched, verified against the manifest, processed.
"$RPDATA" run arxiv --recipe "$WORK/arxiv.toml" --set download.until=2303 --out "$WORK/out" --tokenizers none \
  --no-progress --yes 2> "$WORK/yes.log" || { cat "$WORK/yes.log"; fail "run --yes failed"; }
[ ! -e "$WORK/out/arxiv/_work/raw/arXiv_src_2304_001.tar" ] || fail "fetched a tar after until"
grep -q "not RedPajama's snapshot" "$WORK/yes.log" && fail "a run up to 2303 is flagged"
"$RPDATA" report "$WORK/out" --json > "$WORK/report.json"
grep -q '"redpajama_snapshot": true' "$WORK/report.json" || fail "report flags a run up to 2303"
n=$(zstd -dc "$WORK"/out/arxiv/arXiv_src_2303_00[12]-*.jsonl.zst | wc -l)
[ "$n" = 10 ] || fail "expected 10 papers, got $n"
grep -q 'e2e/secret+KEY' "$WORK/yes.log" "$WORK/noyes.log" && fail "the secret appears in a log"

# 3. A wrong secret: one request, SignatureDoesNotMatch, exit 1, no retries.
export AWS_SECRET_ACCESS_KEY=wrong
set +e
"$RPDATA" run arxiv --recipe "$WORK/arxiv.toml" --out "$WORK/out2" --tokenizers none --no-progress --yes > /dev/null 2> "$WORK/wrong.log"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$WORK/wrong.log"; fail "expected exit 1 with a wrong secret, got $rc"; }
grep -q 'SignatureDoesNotMatch' "$WORK/wrong.log" || { cat "$WORK/wrong.log"; fail "no SignatureDoesNotMatch"; }
grep -q 'retrying' "$WORK/wrong.log" && fail "a signature error was retried"
echo OK
