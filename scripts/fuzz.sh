#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/, clang with ASan + UBSan), assembles each target's
# seed corpus from ../shared/realdata and the bundled sample generators (read at fuzz time,
# never copied into the repository), runs every target for SECONDS each, one at a time with
# one job, and prints executions, time and crashes per target. New crash inputs are copied to
# tests/fuzz/regressions/<target>/ for review (see docs/fuzzing.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 180 s, every target)
# Environment: RPDATA_FUZZ_WORK (work dir, default build-fuzz/work), RPDATA_REALDATA,
# RPDATA_FUZZ_CC / RPDATA_FUZZ_CXX (default clang-16 / clang++-16: clang 14 lacks the
# __builtin_source_location that libstdc++ 12's std::source_location needs).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
seconds="${1:-180}"
shift || true
all_targets=(warc wet jsonl bigquery wikipedia_dump wikitext stackexchange_posts stackexchange_html
             arxiv_latex arxiv_paper github_tarball neox_tokenizer recipe)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
[ -d "$realdata" ] || { echo "fuzz: $realdata not found (set RPDATA_REALDATA)" >&2; exit 1; }
realdata="$(cd "$realdata" && pwd)"
work="${RPDATA_FUZZ_WORK:-$root/build-fuzz/work}"
cc="${RPDATA_FUZZ_CC:-clang-16}" cxx="${RPDATA_FUZZ_CXX:-clang++-16}"

# --- toolchain and build ----------------------------------------------------------------
if ! command -v "$cxx" > /dev/null || [ -z "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]; then
  ver="${cxx##*-}"
  echo "fuzz: installing clang-$ver and libclang-rt-$ver-dev"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "clang-$ver" "libclang-rt-$ver-dev"
fi
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$root")}"
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  # -O1 without NDEBUG: asserts stay on; the sanitizers need no more optimisation than that.
  CC="$cc" CXX="$cxx" cmake -S . -B build-fuzz -DRPDATA_FUZZ=ON -DRPDATA_BUILD_TESTS=OFF -DRPDATA_BUILD_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DCMAKE_C_FLAGS_RELEASE=-O1 "${launcher[@]}" \
    > build-fuzz.log 2>&1 || { cat build-fuzz.log; exit 1; }
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "${t}_fuzz"); done
cmake --build build-fuzz -j"${RPDATA_FUZZ_JOBS:-$(nproc)}" "${build_targets[@]}"

# --- seed corpora -------------------------------------------------------------------------
mkdir -p "$work"
seeds="$work/seeds"
sample="$work/sample"
# The sample generators write every source's raw input (OUT/_mirror/<source>); the run after
# them may fail for want of a model, which does not matter here.
if [ ! -d "$sample/_mirror" ]; then
  bin="${RPDATA_BIN:-$root/build/rpdata}"
  [ -x "$bin" ] || { cmake --build build-fuzz -j"${RPDATA_FUZZ_JOBS:-$(nproc)}" --target rpdata; bin="$root/build-fuzz/rpdata"; }
  echo "fuzz: writing the sample inputs with $bin"
  ASAN_OPTIONS=detect_leaks=0 RPDATA_MODELS="$realdata/models" "$bin" sample --out "$sample" --no-progress \
    > "$work/sample.log" 2>&1 || echo "fuzz: the sample run failed after writing its inputs (see $work/sample.log)"
fi

declare -A max_len=(
  [warc]=65536 [wet]=65536 [jsonl]=32768 [bigquery]=32768 [wikipedia_dump]=65536 [wikitext]=16384
  [stackexchange_posts]=32768 [stackexchange_html]=8192 [arxiv_latex]=32768 [arxiv_paper]=131072
  [github_tarball]=65536 [neox_tokenizer]=4096 [recipe]=8192)

# seed_files TARGET FILE...: copies each file (and its decompressed form, for gz/bz2/xz/zst),
# cut into line-aligned chunks of at most max_len bytes (at most 20 chunks per file).
seed_files() {
  local t="$1" n="${max_len[$1]}"; shift
  local dir="$seeds/$t" f base
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    base="$(basename "$f")"
    [ -e "$dir/$base" ] && base="$(basename "$(dirname "$f")")-$base"
    if [ "$(stat -c %s "$f")" -le "$n" ]; then cp "$f" "$dir/$base"; fi
    local plain=""
    case "$f" in
      *.gz|*.tgz) plain="$(gzip -dc "$f" 2>/dev/null | head -c $((n * 20)) || true)" ;;
      *.bz2) plain="$(bzip2 -dc "$f" 2>/dev/null | head -c $((n * 20)) || true)" ;;
      *.xz) plain="$(xz -dc "$f" 2>/dev/null | head -c $((n * 20)) || true)" ;;
      *.zst) plain="$(zstd -dc "$f" 2>/dev/null | head -c $((n * 20)) || true)" ;;
      *) [ "$(stat -c %s "$f")" -gt "$n" ] && plain="$(head -c $((n * 20)) "$f")" ;;
    esac
    if [ -n "$plain" ]; then
      printf '%s' "$plain" | split -C "$n" -d -a 2 - "$dir/$base.plain."
    fi
  done
}

# python_seeds TARGET KIND FILE...: one seed per extracted item (page wikitext, post body,
# tokenizer case text, .tex file of a paper), for the targets that take one item, not a file.
python_seeds() {
  local t="$1" kind="$2"; shift 2
  mkdir -p "$seeds/$t"
  python3 - "$seeds/$t" "${max_len[$t]}" "$kind" "$@" <<'PY'
import bz2, html, io, json, os, re, sys, tarfile, gzip
out, limit, kind, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
items = []
for f in files:
    if kind == "wikitext":
        data = bz2.open(f).read(8 << 20).decode("utf-8", "replace")
        for m in re.finditer(r"<text[^>]*>(.*?)</text>", data, re.S):
            items.append(b"\x00" + html.unescape(m.group(1)).encode())
    elif kind == "se_html":
        for line in open(f, encoding="utf-8", errors="replace"):
            m = re.search(r' Body="([^"]*)"', line)
            if m: items.append(html.unescape(m.group(1)).encode())
    elif kind == "tokens":
        for line in open(f, encoding="utf-8"):
            try: items.append(json.loads(line)["text"].encode("utf-8", "surrogatepass"))
            except Exception: pass
    elif kind == "tex":
        try:
            with tarfile.open(f) as tar:
                texs = [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile() and m.name.endswith(".tex")]
        except tarfile.TarError:
            texs = [gzip.open(f).read()]
        items.append(b"\x07" + b"\x00".join(texs))
for i, item in enumerate(items[:300]):
    with open(os.path.join(out, "%s-%04d" % (kind, i)), "wb") as w:
        w.write(item[:limit])
PY
}

build_seeds() {
  local t="$1" m="$sample/_mirror"
  rm -rf "${seeds:?}/$t"
  mkdir -p "$seeds/$t"
  case "$t" in
    warc|wet)
      seed_files "$t" $(find "$realdata/commoncrawl" -name '*.warc*' -o -name '*.wet*' | grep -v paths) \
        $(find "$m/commoncrawl" -name '*.warc.wet.gz' 2>/dev/null | head -4) ;;
    jsonl)
      seed_files "$t" "$realdata"/c4/* "$realdata"/commoncrawl/ccnet/*.jsonl.gz $(find "$m/c4" -type f 2>/dev/null | head -2) ;;
    bigquery)
      seed_files "$t" $(find "$m/github" -name 'github_*' 2>/dev/null) ;;
    wikipedia_dump)
      seed_files "$t" "$realdata"/wikipedia/*.bz2 $(find "$m/wikipedia" -name '*pages-articles*.bz2' 2>/dev/null) ;;
    wikitext)
      python_seeds "$t" wikitext "$realdata"/wikipedia/*.bz2 ;;
    stackexchange_posts)
      seed_files "$t" "$realdata"/stackexchange/*.xml $(find "$m/stackexchange" -name '*.7z' 2>/dev/null) ;;
    stackexchange_html)
      python_seeds "$t" se_html "$realdata"/stackexchange/*.xml ;;
    arxiv_latex)
      python_seeds "$t" tex "$realdata"/arxiv/papers/* ;;
    arxiv_paper)
      seed_files "$t" "$realdata"/arxiv/papers/*
      # the members of the bulk tars (the sample's and the real excerpt) are papers too
      for tar in "$realdata"/arxiv/*.tar $(find "$m/arxiv" -name '*.tar' 2>/dev/null); do
        mkdir -p "$work/tmp/arxiv" && tar -xf "$tar" -C "$work/tmp/arxiv" 2>/dev/null || true
      done
      seed_files "$t" $(find "$work/tmp/arxiv" -type f -size -"${max_len[$t]}"c 2>/dev/null | head -50) ;;
    github_tarball)
      # a codeload-style tarball ("<repo>-<ref>/" prefix, root LICENSE) of a few of our own files
      mkdir -p "$work/tmp"
      tar -czf "$work/tmp/rpdata-main.tar.gz" --transform 's,^,rpdata-main/,' -C "$root" \
        LICENSE README.md scripts/setup.sh include/rpdata/core/error.h src/core/error.cpp
      tar -cf "$work/tmp/rpdata-main.tar" --transform 's,^,rpdata-main/,' -C "$root" LICENSE scripts/setup.sh
      seed_files "$t" "$work/tmp/rpdata-main.tar.gz" "$work/tmp/rpdata-main.tar" ;;
    neox_tokenizer)
      python_seeds "$t" tokens "$realdata"/reference/tokenization_cases.jsonl ;;
    recipe)
      seed_files "$t" $(find "$root/configs" -name '*.toml') ;;
  esac
  # the committed regression inputs seed their target too
  [ -d "$root/tests/fuzz/regressions/$t" ] && cp "$root/tests/fuzz/regressions/$t"/* "$seeds/$t/" 2>/dev/null || true
}

# --- runs -----------------------------------------------------------------------------------
declare -A asan_extra=()
# RPDATA_FUZZ_NO_LEAKS="target ...": leak detection off for those targets, to fuzz past a
# known leak that is being fixed elsewhere (docs/fuzzing.md lists the open ones).
for t in ${RPDATA_FUZZ_NO_LEAKS:-}; do asan_extra[$t]=":detect_leaks=0"; done

# Symbolised stacks in the logs (clang-16 ships no llvm-symbolizer of its own version).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in "/usr/lib/llvm-${cxx##*-}/bin/llvm-symbolizer" /usr/bin/llvm-symbolizer; do
    [ -x "$s" ] && { export ASAN_SYMBOLIZER_PATH="$s"; break; }
  done
fi

results="$work/results.tsv"
printf 'target\texecs\tseconds\tcrashes\tcorpus\n' > "$results"
for t in "${targets[@]}"; do
  build_seeds "$t"
  corpus="$work/corpus/$t" artifacts="$work/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  before=$(ls "$artifacts" | wc -l)
  echo "fuzz: $t for ${seconds}s ($(ls "$seeds/$t" | wc -l) seeds, max_len ${max_len[$t]})"
  start=$(date +%s)
  # -fork=1: a crash does not end the run; each crash input lands in $artifacts.
  ASAN_OPTIONS="abort_on_error=1:detect_stack_use_after_return=0${asan_extra[$t]:-}" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  RPDATA_MODELS="$realdata/models" \
    "build-fuzz/tests/fuzz/${t}_fuzz" "$corpus" "$seeds/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$seconds" -max_len="${max_len[$t]}" -rss_limit_mb=2560 -timeout=20 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 > "$work/$t.log" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))
  # fork mode reports the executions of its jobs in "#N ... exec/s" status lines
  execs=$(grep -oE '^#[0-9]+' "$work/$t.log" | tail -1 | tr -d '#')
  crashes=$(( $(ls "$artifacts" | wc -l) - before ))
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-0}" "$elapsed" "$crashes" "$(ls "$corpus" | wc -l)" >> "$results"
  if [ "$crashes" -gt 0 ]; then
    mkdir -p "tests/fuzz/regressions/$t"
    for f in "$artifacts"/*; do
      dest="tests/fuzz/regressions/$t/$(basename "$f")"
      [ -e "$dest" ] || cp "$f" "$dest"
    done
    echo "fuzz: $t: $crashes new crash input(s) copied to tests/fuzz/regressions/$t/ for review (log: $work/$t.log)"
  fi
done
column -t -s $'\t' "$results"
