#!/usr/bin/python3
"""Cross-check of rpdata's Wikipedia slice against mwparserfromhell (tests only).

1. For every real dump in $REALDATA/wikipedia, runs the Hugging Face builder's logic with
   Debian's python3-mwparserfromhell (wikipedia_ref.py) and rpdata's reader + clean step
   (wikipedia_dump_filter), and compares page by page (title, url, text).
2. The same on dumps of random wikitext (markup fragments in random order: unbalanced
   brackets, tags, quotes, tables, links, entities), where parsers usually disagree.
Fails when fewer than 95 % of the pages of either part are identical; prints every
difference. Usage: wikipedia_crosscheck.py FILTER_BINARY REALDATA_DIR
Exit 77 (skip) without mwparserfromhell or real data.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

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
FRAGMENTS = [
    "{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "|", "=", "==", "\n", "\n\n", "''", "'''", "'", "<ref>", "</ref>",
    '<ref name="x"/>', "<ref name=x>", "<b>", "</b>", "<br>", "</br>", '<div class="a">', "</div>", "<!--", "-->",
    "&amp;", "&nbsp;", "&#65;", "&#x42;", "&bad;", "&", "#", "*", ":", ";", "-", "----", "{|", "|}", "|-", "!", "!!",
    "||", "http://ex.com/a", "https://x.org", "mailto:a@b.c", " ", "word", "File:", "Category:", "Image:x.png",
    "<math>", "</math>", "<nowiki>", "</nowiki>", "<gallery>", "</gallery>", "__NOTOC__", "__X__", "_", "<table>",
    "</table>", "<td>", "<tr>", '"', ">", "/", "\\", "é", "Ü", "«", "—", "<span>", "</span>", "<pre>", "</pre>",
    "<references/>", "[[File:a.jpg|thumb|c]]", "[[Category:X]]", "[[Kategorie:Y|*]]", "[[Datei:b.png]]", "[[a|b]]",
    "{{t|p=[[l]]}}", "<ref>r</ref>", "== h ==\n", "\n=== s ===\n", "\n* i\n", "\n{|\n|a\n|}\n", "''i''", "'''b'''",
    "[http://e.com t]", "<poem>", "</poem>", "<small>", "</small>",
]


def random_dump(path, seed, count):
    r = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">\n')
        for i in range(count):
            text = "".join(r.choice(FRAGMENTS) for _ in range(r.randint(1, 80)))
            f.write(f"<page><title>R{i}</title><ns>0</ns><id>{i}</id><revision>"
                    f'<text xml:space="preserve">{escape(text)}</text></revision></page>\n')
        f.write("</mediawiki>\n")


def compare(binary, path, lang, name):
    """Returns (identical pages, pages) and prints every difference."""
    import mwparserfromhell
    import wikipedia_ref
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
        return 0, max(len(ref), 1)
    ours = {d["title"]: d for d in (json.loads(line) for line in run.stdout.splitlines())}
    same = 0
    for r in ref:
        o = ours.get(r["title"])
        if o == r:
            same += 1
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
    extra = sorted(set(ours) - {r["title"] for r in ref})
    for t in extra:
        print(f"  DIFF {name} {t!r}: only in rpdata's output")
    total = len(ref) + len(extra)
    print(f"{name}: {same}/{total} pages identical")
    return same, total


def main():
    binary, realdata = sys.argv[1], sys.argv[2]
    try:
        import mwparserfromhell  # noqa: F401
    except ImportError:
        print("SKIPPED: python3-mwparserfromhell is not installed (apt-get install -y python3-mwparserfromhell)")
        return 77
    folder = os.path.join(realdata, "wikipedia")
    if not os.path.isdir(folder):
        print(f"SKIPPED: {folder} not found (set RPDATA_REALDATA)")
        return 77
    same = total = 0
    for name, lang in DUMPS:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            print(f"missing real dump {path}")
            return 1
        a, b = compare(binary, path, lang, name)
        same, total = same + a, total + b
    rate = same / total if total else 0.0
    print(f"REAL DUMPS: {same}/{total} pages identical ({100 * rate:.1f} %, target {100 * TARGET:.0f} %)")
    rs = rt = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed, lang in ((1, "en"), (2, "de"), (3, "uk")):
            path = os.path.join(tmp, f"{lang}wiki-random-{seed}.xml")
            random_dump(path, seed, 700)
            a, b = compare(binary, path, lang, f"random wikitext (seed {seed}, {lang})")
            rs, rt = rs + a, rt + b
    rrate = rs / rt if rt else 0.0
    print(f"RANDOM WIKITEXT: {rs}/{rt} pages identical ({100 * rrate:.1f} %, target {100 * TARGET:.0f} %)")
    return 0 if rate >= TARGET and rrate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
