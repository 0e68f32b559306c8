#!/usr/bin/env bash
# A cron job that keeps a RedPajama slice up to date, e.g. nightly:
#   15 2 * * *  /opt/rpdata/scripts/cron_example.sh c4 /data/rp >> /var/log/rpdata-c4.log 2>&1
# Idempotent: completed inputs are verified and skipped, a killed run resumes where it
# stopped, and a second copy started while one is running exits at once (flock). Exit codes:
# 0 done, 1 some input failed (cron mails the log), 2 usage/config error, 75 already running.
set -euo pipefail
source_name="${1:?usage: cron_example.sh SOURCE OUT_DIR [extra rpdata run flags]}"
out="${2:?usage: cron_example.sh SOURCE OUT_DIR [extra rpdata run flags]}"
shift 2
rpdata="${RPDATA:-$(cd "$(dirname "$0")/.." && pwd)/build/rpdata}"
mkdir -p "$out"
exec 9> "$out/.rpdata-$source_name.cron.lock"
if ! flock -n 9; then
  echo "$(date -Is) rpdata $source_name: another run holds $out/.rpdata-$source_name.cron.lock; leaving it" >&2
  exit 75
fi
echo "$(date -Is) rpdata $source_name: starting"
# --no-progress: periodic log lines instead of a progress bar; --delete-raw keeps disk bounded.
set +e
"$rpdata" run "$source_name" --out "$out" --no-progress --delete-raw "$@"
rc=$?
set -e
"$rpdata" status "$out" || true
echo "$(date -Is) rpdata $source_name: finished with exit code $rc"
exit "$rc"
