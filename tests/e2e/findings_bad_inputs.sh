#!/usr/bin/env bash
# Inputs that once crashed the release binary (../shared/findings, read in place): damaged
# gzip'd tarballs for which libarchive gives no error message (SIGSEGV, exit 139, before),
# and an empty Wikipedia dump (an offset printed as size_t(-1)). Each must fail its unit with
# exit 1 and a message naming the file. Skips (77) without the findings folder, unless
# RPDATA_REQUIRE_REALDATA=1.
source "$(dirname "$0")/lib.bash"
findings="${RPDATA_FINDINGS:-$SRC/../shared/findings}"
if [ ! -d "$findings" ]; then
  [ "${RPDATA_REQUIRE_REALDATA:-}" = 1 ] && fail "$findings not found and RPDATA_REQUIRE_REALDATA=1"
  echo "SKIPPED: $findings not found (set RPDATA_FINDINGS)"
  exit 77
fi
"$RPDATA" recipe github_tarball | sed '1i missing_models = "skip"' > "$WORK/t.toml"

# expect_failure NAME OUT CMD...: exit status 1 and an error line naming NAME.
expect_failure() {
  local name="$1" out="$2"
  shift 2
  set +e
  "$@" --out "$WORK/$out" --tokenizers none --no-progress 2> "$WORK/$out.log"
  local rc=$?
  set -e
  [ "$rc" = 1 ] || { cat "$WORK/$out.log"; fail "$name: expected exit 1, got $rc"; }
  grep -q "error failed: $name: .*$name at byte [0-9]*: " "$WORK/$out.log" \
    || { cat "$WORK/$out.log"; fail "$name: no error naming the file"; }
  grep -q "18446744073709551615" "$WORK/$out.log" && { cat "$WORK/$out.log"; fail "$name: size_t(-1) offset"; }
  return 0
}

mkdir -p "$WORK/in"
cp "$findings/octo~repo@main.tar.gz" "$WORK/in/"
cp "$findings/tiny-damaged-gzip.tar.gz" "$WORK/in/o~r@m.tar.gz"
: > "$WORK/in/enwiki-20230320-pages-articles-multistream.xml.bz2"
cd "$WORK/in"
expect_failure 'octo~repo@main.tar.gz' octo "$RPDATA" process github --recipe "$WORK/t.toml" --input 'octo~repo@main.tar.gz'
grep -q 'cannot open tarball: ' "$WORK/octo.log" || { cat "$WORK/octo.log"; fail "octo: no libarchive context"; }
expect_failure 'o~r@m.tar.gz' tiny "$RPDATA" process github --recipe "$WORK/t.toml" --input 'o~r@m.tar.gz'
expect_failure enwiki-20230320-pages-articles-multistream.xml.bz2 wiki \
  "$RPDATA" process wikipedia --input enwiki-20230320-pages-articles-multistream.xml.bz2
echo OK
