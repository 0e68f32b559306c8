#!/usr/bin/env python3
"""Reference for the GitHub differential test (pure Python, stdlib only).

  github_ref.py pack OUT.gz [--max-files N per tree] REPO=DIR:LICENSE ...
      Packs real source trees into a BigQuery-style github_repos export (gzip JSONL, RedPajama's
      query columns: repo_name, id, size, content, binary, copies, ref, path, mode, license,
      language; INT64 as strings). Files >= 1 MiB are left out (BigQuery has no content for
      them); binary files (NUL in the first 8000 bytes) get content null; non-UTF-8 files are
      written with their raw bytes (an invalid-UTF-8 row).
  github_ref.py ref EXPORT.gz EXPECTED.jsonl DROPS.json
      RedPajama's rules on the export, transcribed line by line from (rp_v1)
        togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/github/github_clean_dedup_local.py
          (CPAT, PAT, clean_copyright_comments, get_filecontent_stats, preprocess_source),
        togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/github/github_run_filter.py
          (extensions_whitelist, discard_record),
        togethercomputer/RedPajama-Data@d174968e57a0a515982766771d7b805a8b1bc83a:data_prep/github/README.md
          (the export query's WHERE clause).
      Regexes, the extension tuple and both helper functions are identical to the originals.
      Deliberate differences:
      - discard_record's tokenizer rule (#alpha / #GPT-NeoX tokens < 1.5) is left out: no HF
        tokenizer here; the test turns it off in rpdata too and unit tests cover it.
      - the query's WHERE (license LIKE 'mit%' / 'bsd%' / 'apache%', content IS NOT NULL),
        which BigQuery applied before the export, is applied to each row here.
      - rows are read as bytes and split on "\n" only: an empty or non-UTF-8 line is a counted
        drop, where gzip.open(..., "rt") + json.loads would stop RedPajama's run with an
        exception (a JSON line holds no raw "\r", so text mode's universal newlines split the
        same rows).
      - the whole export file is one chunk (one md5 table); with a single chunk
        github_global_dedup.py and github_merge_dedup.py keep every record, so they are not
        transcribed, and the record is written with json.dumps once instead of being
        re-serialised by the merge (json.loads/json.dumps round-trips these values exactly).
      - preprocess_source's try/except around the cleaning and the stats is dropped: neither
        function can raise on a str.
      - each skip is counted under rpdata's drop reason name; a null-content row is counted as
        read:null_content even when its path is LICENSE (the query removed it either way).
"""
import gzip
import hashlib
import json
import os
import re
import sys

CPAT = re.compile("copyright", re.IGNORECASE)
PAT = re.compile("/\\*[^*]*\\*+(?:[^/*][^*]*\\*+)*/")

EXTENSIONS = (".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp", ".hpp", ".c++", ".h++", ".cc", ".hh", ".C", ".H",
              ".cmake", ".css", ".dockerfile", ".f90", ".f", ".f03", ".f08", ".f77", ".f95", ".for", ".fpp", ".go",
              ".hs", ".html", ".java", ".js", ".jl", ".lua", ".md", ".markdown", ".php", ".php3", ".php4", ".php5",
              ".phps", ".phpt", ".pl", ".pm", ".pod", ".perl", ".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql",
              ".scala", ".sh", ".bash", ".command", ".zsh", ".ts", ".tsx", ".tex", ".vb", "Dockerfile", "Makefile",
              ".xml", ".rst", ".m", ".smali")


def clean_copyright_comments(content):
    r = PAT.search(content)
    if r:
        span = r.span()
        sub = content[span[0]:span[1]]
        if CPAT.search(sub):
            content = content[: span[0]] + content[span[1]:]
        return content
    lines = content.split('\n')
    skip = 0
    for k in range(len(lines)):
        if (lines[k].startswith("//") or lines[k].startswith("#") or lines[k].startswith("--") or not lines[k]):
            skip = skip + 1
        else:
            break
    if skip:
        content = "\n".join(lines[skip:])
    return content


def get_filecontent_stats(content):
    line_lengths = list(map(len, content.splitlines()))
    if len(line_lengths) == 0:
        return {"line_count": 0, "max_line_length": 0, "avg_line_length": 0, "alnum_prop": 0}
    max_length = max(line_lengths)
    avg_length = len(content) / len(line_lengths)
    alnum_count = sum(map(lambda char: 1 if char.isalnum() else 0, content))
    alnum_prop = alnum_count / len(content)
    return {"line_count": len(line_lengths), "max_line_length": max_length,
            "avg_line_length": avg_length, "alnum_prop": alnum_prop}


def discard_reason(record):
    text, metadata = record["text"], record["meta"]
    if len(text) == 0:
        return "empty"
    if not metadata["path"].endswith(EXTENSIONS):
        return "extension"
    if metadata["max_line_length"] > 1000:
        return "max_line_length"
    if metadata["avg_line_length"] > 100:
        return "avg_line_length"
    if metadata["alnum_prop"] < 0.25:
        return "alnum_prop"
    return None


def ref(export, expected, drops_path):
    drops = {}
    hash_table = {}

    def drop(reason):
        drops[reason] = drops.get(reason, 0) + 1

    with gzip.open(export, "rb") as f, open(expected, "w") as out:
        for raw in f:
            raw = raw.rstrip(b"\n")
            if not raw:
                drop("read:empty_line")
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                drop("read:invalid_utf8")  # RedPajama's gzip.open(..., "rt") would have crashed
                continue
            result = json.loads(line)
            if result.get("content") is None:
                drop("read:null_content")
                continue
            lic = result.get("license", "")
            if not (lic.startswith("mit") or lic.startswith("bsd") or lic.startswith("apache")):
                drop("github_clean:license")
                continue
            if result['path'].endswith(".crt"):
                drop("github_clean:crt")
                continue
            if result['path'] == "LICENSE":
                drop("github_clean:license_file")
                continue
            digest = hashlib.md5(result['content'].encode('utf8')).hexdigest()
            if digest in hash_table:
                drop("github_clean:duplicate_in_unit")
                continue
            hash_table[digest] = 1
            content = clean_copyright_comments(result['content'])
            file_stats = get_filecontent_stats(content)
            record = {
                "text": content,
                "meta": {
                    "content_hash": digest,
                    "timestamp": "",
                    "source": "github",
                    "line_count": file_stats["line_count"],
                    "max_line_length": file_stats["max_line_length"],
                    "avg_line_length": file_stats["avg_line_length"],
                    "alnum_prop": file_stats["alnum_prop"],
                    **{k: v for k, v in result.items() if k != "content"}
                }
            }
            reason = discard_reason(record)
            if reason:
                drop("github_filter:" + reason)
                continue
            out.write(json.dumps(record) + "\n")
    with open(drops_path, "w") as f:
        json.dump(dict(sorted(drops.items())), f, sort_keys=True)
        f.write("\n")


def pack(out_path, specs, max_files):
    with gzip.open(out_path, "wb") as out:
        for spec in specs:
            n = 0
            repo, rest = spec.split("=", 1)
            root, lic = rest.rsplit(":", 1)
            for dirpath, dirnames, filenames in os.walk(root):
                if n >= max_files:
                    break
                dirnames.sort()
                dirnames[:] = [d for d in dirnames if d not in (".git", "build", "__pycache__")]
                for name in sorted(filenames):
                    full = os.path.join(dirpath, name)
                    if os.path.islink(full) or not os.path.isfile(full):
                        continue
                    size = os.path.getsize(full)
                    if size >= 1 << 20:
                        continue
                    if n >= max_files:
                        break
                    with open(full, "rb") as f:
                        data = f.read()
                    rel = os.path.relpath(full, root)
                    row = {"repo_name": repo,
                           "id": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest(),
                           "size": str(len(data))}
                    binary = b"\0" in data[:8000]
                    row["content"] = None if binary else data.decode("utf-8", "surrogateescape")
                    row.update({"binary": binary, "copies": "1", "ref": "refs/heads/main", "path": rel,
                                "mode": "33188", "license": lic,
                                "language": [{"name": "C", "bytes": str(size)}]})
                    line = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
                    out.write(line.encode("utf-8", "surrogateescape") + b"\n")
                    n += 1


def main():
    if sys.argv[1] == "pack":
        out, args = sys.argv[2], sys.argv[3:]
        max_files = 1 << 30
        if args and args[0] == "--max-files":
            max_files = int(args[1])
            args = args[2:]
        pack(out, args, max_files)
    elif sys.argv[1] == "ref":
        ref(*sys.argv[2:5])
    else:
        sys.exit("usage: github_ref.py pack|ref ...")


if __name__ == "__main__":
    main()
