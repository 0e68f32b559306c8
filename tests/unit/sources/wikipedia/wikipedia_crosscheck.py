#!/usr/bin/python3
"""Cross-check of rpdata's Wikipedia slice against mwparserfromhell (tests only).

For every real dump in $REALDATA/wikipedia, runs the Hugging Face builder's logic with
Debian's python3-mwparserfromhell (wikipedia_ref.py) and rpdata's reader + clean step
(wikipedia_dump_filter), compares page by page (title, url, text) and fails when fewer than
95 % of pages are identical. Usage: wikipedia_crosscheck.py FILTER_BINARY REALDATA_DIR
Exit 77 (skip) without mwparserfromhell or real data.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
TARGET = 0.95
DUMPS = [  # file, language (from the file name, as the reader does)
    ("enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2", "en"),
    ("enwiki-table-markup.xml.bz2", "en"),
    ("ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2", "uk"),
    ("bgwiki-latest-pages-articles-shortened.xml.bz2", "bg"),  # UTF-16 with BOM, CRLF
    ("bgwiki-latest-pages-articles-shortened.utf8.xml.bz2", "bg"),
]


def main():
    binary, realdata = sys.argv[1], sys.argv[2]
    try:
        import mwparserfromhell  # noqa: F401
    except ImportError:
        print("SKIPPED: python3-mwparserfromhell is not installed (apt-get install -y python3-mwparserfromhell)")
        return 77
    import wikipedia_ref
    import mwparserfromhell

    folder = os.path.join(realdata, "wikipedia")
    if not os.path.isdir(folder):
        print(f"SKIPPED: {folder} not found (set RPDATA_REALDATA)")
        return 77
    total = same = 0
    for name, lang in DUMPS:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            print(f"missing real dump {path}")
            return 1
        ref = []
        for title, raw in wikipedia_ref.pages(path):
            try:
                text = wikipedia_ref.parse_and_clean_wikicode(raw, mwparserfromhell, lang)
            except mwparserfromhell.parser.ParserError:
                continue
            if text:
                url = f"https://{lang}.wikipedia.org/wiki/{wikipedia_ref.quote(title)}"
                ref.append({"title": title, "url": url, "text": text})
        run = subprocess.run([binary, path, lang], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{name}: rpdata failed: {run.stderr}")
            return 1
        ours = [json.loads(line) for line in run.stdout.splitlines()]
        ours_by_title = {d["title"]: d for d in ours}
        file_same = 0
        for r in ref:
            o = ours_by_title.get(r["title"])
            if o == r:
                file_same += 1
                continue
            if o is None:
                print(f"  DIFF {name} {r['title']!r}: missing from rpdata's output")
                continue
            for key in ("url", "text"):
                if o[key] != r[key]:
                    a, b = r[key], o[key]
                    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
                    print(f"  DIFF {name} {r['title']!r} {key} at {i}:\n    ref {a[max(0, i - 40):i + 40]!r}\n"
                          f"    our {b[max(0, i - 40):i + 40]!r}")
        extra = set(ours_by_title) - {r["title"] for r in ref}
        for t in sorted(extra):
            print(f"  DIFF {name} {t!r}: only in rpdata's output")
        n = len(ref) + len(extra)
        print(f"{name}: {file_same}/{n} pages identical")
        total += n
        same += file_same
    rate = same / total if total else 0.0
    print(f"TOTAL: {same}/{total} pages identical ({100 * rate:.1f} %, target {100 * TARGET:.0f} %)")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
