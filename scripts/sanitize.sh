#!/usr/bin/env bash
# Builds rpdata with AddressSanitizer + UBSan (RelWithDebInfo, RPDATA_SANITIZE=ON) into
# build-sanitize/ and runs the whole ctest suite under it. Any sanitizer report fails the run:
# reports abort the process that made them, and every report is also written to
# build-sanitize/sanitizer-logs/, which must be empty at the end (so a report from a process
# whose exit code a test ignores still counts). Usage: scripts/sanitize.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
build="$root/build-sanitize"
logs="$build/sanitizer-logs"
jobs="${RPDATA_JOBS:-$(nproc)}"

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$root")}"
fi

start=$(date +%s)
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRPDATA_SANITIZE=ON \
  -DRPDATA_BUILD_BENCH=OFF "${launcher[@]}" > "$build/configure.log" 2>&1 \
  || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j"$jobs"
built=$(date +%s)

rm -rf "$logs"
mkdir -p "$logs"
# halt_on_error/abort_on_error: the first report ends the process with a failing status.
# log_path: one file per reporting process (name.<pid>), checked below.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"

set +e
(cd "$build" && ctest --output-on-failure -j"$jobs" "$@")
ctest_rc=$?
set -e
end=$(date +%s)

findings=$(find "$logs" -type f | wc -l)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s," \
     "ctest exit $ctest_rc, $findings sanitizer report file(s) in $logs"
if [ "$findings" -ne 0 ]; then
  for f in "$logs"/*; do
    echo "==== $f"
    head -n 60 "$f"
  done
  exit 1
fi
exit "$ctest_rc"
