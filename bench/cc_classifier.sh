#!/usr/bin/env bash
# CC quality classifier throughput, each side by side with its baseline in the same run,
# medians of N runs, CPU seconds (user+sys, children included) on one core (taskset -c 0):
#   1. <ref> URL extraction on the real enwiki excerpt (MB/s of XML):
#      `rpdata classifier urls` vs RedPajama's rule in Python `re` on the raw lines.
#   2. Scoring (docs/s, MB/s of text): `rpdata run` with the cc_classifier step on the real C4
#      records (x10) vs Debian's `fasttext predict-prob` on the same preprocessed texts.
# Usage: bench/cc_classifier.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-3}"
rpdata="$build/rpdata"
work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
realdata="${RPDATA_REALDATA:-$root/../shared/realdata}"
dump="$realdata/wikipedia/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
c4="$realdata/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl"
[ -f "$dump" ] && [ -f "$c4" ] || { echo "needs ../shared/realdata"; exit 77; }
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)

cpu_time() {  # CMD... -> user+sys seconds
  local out
  out=$( { TIMEFORMAT='%U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f\n", $1 + $2}' <<< "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { local name=$1; shift; for _ in $(seq "$runs"); do cpu_time "$@"; done | median; }

# 1. URL extraction, on the decompressed XML (both sides parse the same bytes).
bzcat "$dump" > "$work/enwiki.xml"
xml_mb=$(python3 -c "import os;print(os.path.getsize('$work/enwiki.xml')/1e6)")
cat > "$work/ref.py" <<'PY'
import re, sys
url = re.compile(r"\b(?:https?|telnet|gopher|file|wais|ftp):[\w/#~:.?+=&%@!\-.:?\\-]+?(?=[.:?\-]*(?:[^\w/#~:.?+=&%@!\-.:?\-]|$))")
with open(sys.argv[1], "r", errors="ignore") as f, open(sys.argv[2], "w") as out:
    for line in f:
        refs = re.search("&lt;ref&gt(.*)&lt;/ref&gt;", line)
        if refs is not None:
            for u in url.findall(refs.group(0)):
                out.write(u + "\n")
PY
py_urls() { "${pin[@]}" python3 "$work/ref.py" "$work/enwiki.xml" "$work/py.txt"; }
our_urls() { "${pin[@]}" "$rpdata" classifier urls "$work/enwiki.xml" -q --out "$work/ours.txt"; }
t_py=$(measure py py_urls)
t_ours=$(measure ours our_urls)
cmp -s "$work/py.txt" "$work/ours.txt" || { echo "URL lists differ"; exit 1; }
echo "URL extraction, $(wc -l < "$work/ours.txt") URLs from $xml_mb MB of XML (CPU s, median of $runs):"
awk -v p="$t_py" -v o="$t_ours" -v mb="$xml_mb" 'BEGIN {
  printf "  python re (RedPajama rule)  %7.3f s  %7.1f MB/s\n", p, mb / p;
  printf "  rpdata classifier urls      %7.3f s  %7.1f MB/s  (%.1fx)\n", o, mb / o, p / o }'

# 2. Scoring. A model trained here on generated data (same size class as RedPajama's:
#    dim 100, unigrams); texts are the real C4 records x10.
python3 - "$work" "$c4" <<'PY'
import json, random, sys
w, c4 = sys.argv[1], sys.argv[2]
rng = random.Random(1)
docs = [json.loads(l)["text"] for l in open(c4, encoding="utf-8")]
with open(f"{w}/train.txt", "w", encoding="utf-8") as f:
    for i, d in enumerate(docs):
        f.write(("__label__wiki " if i % 2 else "__label__cc ") + " ".join(d.splitlines()) + "\n")
with open(f"{w}/docs.jsonl", "w", encoding="utf-8") as f, open(f"{w}/texts.txt", "w", encoding="utf-8") as t:
    for _ in range(10):
        for d in docs:
            f.write(json.dumps({"raw_content": d}) + "\n")
            t.write(" ".join(d.strip().splitlines()) + "\n")
PY
"$rpdata" classifier train "$work/train.txt" --out "$work/model.bin" -q
text_mb=$(python3 -c "import os;print(os.path.getsize('$work/texts.txt')/1e6)")
ndocs=$(wc -l < "$work/texts.txt")
cat > "$work/recipe.toml" <<TOML
source = "bench_cc_classifier"
[read]
format = "jsonl"
text_field = "raw_content"
[[steps]]
type = "cc_classifier"
model = "$work/model.bin"
[output]
json_style = "jq_compact"
layout = "flat_text_before_last"
tokenizers = []
TOML
ours_score() { rm -rf "$work/out"; "${pin[@]}" "$rpdata" run bench_cc_classifier --recipe "$work/recipe.toml" \
  --input "$work/docs.jsonl" --out "$work/out" --threads 1 --no-progress -q; }
t_run=$(measure ours_score ours_score)
echo "Scoring $ndocs documents, $text_mb MB of text (CPU s, median of $runs):"
if command -v fasttext > /dev/null; then
  ft() { "${pin[@]}" fasttext predict-prob "$work/model.bin" "$work/texts.txt" > /dev/null; }
  t_ft=$(measure ft ft)
  awk -v t="$t_ft" -v n="$ndocs" -v mb="$text_mb" 'BEGIN {
    printf "  fasttext predict-prob            %7.3f s  %8.0f docs/s  %6.1f MB/s\n", t, n / t, mb / t }'
fi
awk -v t="$t_run" -v n="$ndocs" -v mb="$text_mb" 'BEGIN {
  printf "  rpdata run (jsonl -> cc_classifier -> zstd shards)  %7.3f s  %8.0f docs/s  %6.1f MB/s\n", t, n / t, mb / t }'
