# Shared pieces of the bench/*.sh scripts (source it after setting `root`):
#   bench_setup NAME      work dir $work (removed on exit), `pin` (taskset -c 0 when present),
#                         `median` (of numbers on stdin), `ft` (the fastText CLI or "")
#   cpu_seconds CMD...    user + system CPU seconds of one run of CMD (output discarded)
#   time_cmd CMD...       "wall cpu" seconds of one run of CMD (output discarded)
#   median_cpu RUNS CMD.. median of RUNS such runs
#   reference_tokenizer BUILD  sets $npm_dir: the Hugging Face tokenizers reference (npm
#                         @anush008/tokenizers, installed once under BUILD and shared with the
#                         differential test); exits 77 when npm cannot install it
#   real_corpus REALDATA c4|ukwiki OUT lines|records
#                         the real documents the LID/cc_net benches share: the 1000 real C4
#                         records, or the ukwiki excerpt cut into ~4 kB pages; `lines` writes
#                         one newline-glued document per line (cc_net's LID input), `records`
#                         separates documents by "\n\x1e\n"
bench_setup() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/rpdata-$1.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  pin=()
  command -v taskset > /dev/null && pin=(taskset -c 0)
  ft="${FASTTEXT:-$(command -v fasttext || true)}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

cpu_seconds() {
  local TIMEFORMAT='%U %S' t
  t=$( { time "$@" > /dev/null; } 2>&1 )
  echo "$t" | awk '{print $1 + $2}'
}

time_cmd() {
  local out
  out=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null 2>&1; } 2>&1 )
  awk '{printf "%.4f %.4f\n", $1, $2 + $3}' <<< "$out"
}

median_cpu() {
  local runs="$1" times=()
  shift
  for _ in $(seq "$runs"); do times+=("$(cpu_seconds "$@")"); done
  printf '%s\n' "${times[@]}" | median
}

reference_tokenizer() {
  npm_dir="$1/npm-tokenizers"
  [ -f "$npm_dir/node_modules/@anush008/tokenizers-linux-x64-gnu/tokenizers.linux-x64-gnu.node" ] && return
  local tmp="$npm_dir.tmp-$$"
  rm -rf "$tmp"
  npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error \
    @anush008/tokenizers@0.6.0 @anush008/tokenizers-linux-x64-gnu@0.6.0 > /dev/null ||
    { echo "SKIPPED: npm install of the reference tokenizer failed"; rm -rf "$tmp"; exit 77; }
  rm -rf "$npm_dir"
  mv "$tmp" "$npm_dir"
}

real_corpus() {
  python3 - "$@" <<'PY'
import bz2, json, sys
real, corpus, out, mode = sys.argv[1:]
docs = []
if corpus == "c4":
    with open(f"{real}/c4/c4-train.00000-of-01024.first1000.reserialized.jsonl", encoding="utf-8") as f:
        docs = [json.loads(l)["text"] for l in f]
else:
    data = bz2.open(f"{real}/wikipedia/ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2").read().decode()
    cur = []
    for line in data.split("\n"):
        cur.append(line)
        if sum(map(len, cur)) > 4000:
            docs.append("\n".join(cur)); cur = []
with open(out, "w", encoding="utf-8") as f:
    if mode == "lines":
        for d in docs:
            f.write(d.replace("\n", "") + "\n")  # cc_net: raw_content.replace("\n", "")
    else:
        f.write("\n\x1e\n".join(docs))
PY
}
