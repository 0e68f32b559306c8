#!/usr/bin/env python3
"""Checks that exec/ and cli/ name no source: no source's name (or its aliases), no source's
file extension and no source's host appears in their code (comments are not code; string
literals are). The source names are the folders of src/sources. What truly belongs there is
in ALLOWED, each entry with its reason.
Usage: check_no_source_names.py REPO_ROOT   (exit 1 and one line per hit)
"""
import os
import re
import sys

ALIASES = {
    "books": ["book", "books3", "pg19", "pg-19", "gutenberg"],
    "commoncrawl": ["common crawl", "cc_net", "ccnet", "wet", "cc-main"],
    "stackexchange": ["stack exchange", "posts.xml"],
    "wikipedia": ["wiki", "wikimedia", "mediawiki"],
    "github": ["codeload"],
}
EXTENSIONS = [".7z", ".tar", ".wet"]
HOSTS = ["huggingface.co/datasets", "dumps.wikimedia.org", "data.commoncrawl.org", "archive.org",
         "storage.googleapis.com", "codeload.github.com", "s3://arxiv"]

# (path prefix, line pattern, reason)
ALLOWED = [
    ("src/cli/", r'rpdata (run|download|process|plan|slurm submit|recipe|count|doctor) c4\b|runs/rp/c4|/data/c4/en|'
                 r'c4-train\.00000|first \d+ (of 1024 )?C4 files|\(c4, sample/c4\)|\(c4, \.\.\.\)|recipe c4\)|'
                 r'--whole-file book\.txt|--weights [a-z0-9=.,]+"|--sources [a-z,]+"|e\.g\. c4=0\.15',
     "--help examples name a real recipe or source, as a user would type it"),
    ("src/cli/cmd_classifier.cpp", r".",
     "`rpdata classifier` builds cc_net's quality classifier from Wikipedia references: a tool, not a source"),
    ("src/cli/common.cpp", r"arXiv's requester-pays|stops arXiv at|e\.g\. books3|e\.g\. book,",
     "flag help names the recipe that uses a feature, as an example"),
]


def strip_comments(text):
    """The text with // and /* */ comments blanked (line structure kept), strings untouched."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            if c == '"' and text[i - 1:i] == "R" and text[i + 1:i + 2] != "\\":  # raw string R"d(...)d"
                d = text[i + 1:text.index("(", i)]
                end = text.index(")" + d + '"', i) + len(d) + 2
                out.append(text[i:end])
                i = end
                continue
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    root = sys.argv[1]
    sources = sorted(d for d in os.listdir(os.path.join(root, "src/sources"))
                     if os.path.isdir(os.path.join(root, "src/sources", d)))
    words = sources + [a for s in sources for a in ALIASES.get(s, [])]
    pattern = re.compile("|".join([r"(?<![a-z0-9])" + re.escape(w) + r"(?![a-z0-9])" for w in words] +
                                  [re.escape(e) + r"(?![a-z0-9])" for e in EXTENSIONS] +
                                  [re.escape(h) for h in HOSTS]), re.IGNORECASE)
    bad, files, used = [], 0, set()
    for top in ("src/exec", "src/cli", "include/rpdata/exec", "include/rpdata/cli"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for f in sorted(names):
                if not f.endswith((".cpp", ".h", ".inc")):
                    continue
                files += 1
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                code = strip_comments(open(os.path.join(dirpath, f), encoding="utf-8").read())
                for n, line in enumerate(code.split("\n"), 1):
                    for m in pattern.finditer(line):
                        allowed = [k for k, (p, rx, _) in enumerate(ALLOWED) if rel.startswith(p) and re.search(rx, line)]
                        used.update(allowed)
                        if not allowed:
                            bad.append(f"{rel}:{n}: names a source ('{m.group(0)}'): {line.strip()}")
    for k, (p, rx, why) in enumerate(ALLOWED):
        if k not in used:
            bad.append(f"allowlist entry for {p} ({why}) matches nothing any more: remove it")
    print(f"{files} files of exec/ and cli/ checked against {len(sources)} sources, {len(bad)} hits")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
