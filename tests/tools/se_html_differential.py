#!/usr/bin/python3
"""Differential test of rpdata's StackExchange HTML -> text against RedPajama's cleanhtml()
(se_reference.py: the str.replace calls, then BeautifulSoup(s, "lxml").get_text() with Debian's
python3-bs4 + python3-lxml) on real post bodies and deterministic mutations of them.

Bodies: every Body attribute of the 2015 coffee.stackexchange.com Posts.xml in REALDATA, and of
beer.stackexchange.com.7z's Posts.xml when a 7z binary can extract it. Each body is compared as
is, then mutated MUTATIONS_PER_BODY times (random.Random(SEED)): 1 to 3 edits among deleting a
tag, duplicating a tag elsewhere, inserting a stray end tag, swapping two tags, cutting the text
at a random point; positions are between tags and text runs, or any character (inside a tag,
an entity, a comment). The C++ side is FILTER (stackexchange_html_filter: hex lines in, hex
lines out). Every difference is printed; exit 1 on any difference.

usage: se_html_differential.py FILTER REALDATA_DIR
Exit 77 (skip) without python3-bs4 + python3-lxml, or without REALDATA_DIR unless
RPDATA_REQUIRE_REALDATA=1 (then exit 1).
"""
import os
import random
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
SEED = 20240612
MUTATIONS_PER_BODY = {"coffee": 12, "beer": 2}
TAG = re.compile(r"<[^<>]*>")
STRAY_NAMES = ["b", "i", "em", "strong", "code", "pre", "p", "a", "div", "span", "li", "ul", "ol", "blockquote",
               "h1", "h2", "hr", "br", "img", "sup", "sub", "table", "tr", "td", "th", "html", "body", "head",
               "script", "style", "textarea", "e", "x"]


def posts_bodies(lines):
    """Body attributes of the row lines of a Posts.xml, in file order."""
    bodies = []
    for line in lines:
        line = line.strip()
        if line.startswith("<row "):
            body = ET.fromstring(line).attrib.get("Body")
            if body is not None:
                bodies.append(body)
    return bodies


def load_sites(realdata):
    sites = []
    coffee = os.path.join(realdata, "stackexchange", "coffee.stackexchange.com-2015-Posts.xml")
    with open(coffee, encoding="utf-8-sig") as f:
        sites.append(("coffee", posts_bodies(f)))
    beer = os.path.join(realdata, "stackexchange", "beer.stackexchange.com.7z")
    seven = shutil.which("7z") or shutil.which("7za")
    if seven and os.path.exists(beer):
        run = subprocess.run([seven, "x", "-so", beer, "Posts.xml"], capture_output=True, check=True)
        sites.append(("beer", posts_bodies(run.stdout.decode("utf-8-sig").split("\n"))))
    else:
        print("note: beer.stackexchange.com.7z not used (no 7z binary or file missing)")
    return sites


def boundaries(s):
    """Offsets between tags and text runs (0 and len(s) included)."""
    cuts = {0, len(s)}
    for m in TAG.finditer(s):
        cuts.update((m.start(), m.end()))
    return sorted(cuts)


def position(r, s):
    return r.choice(boundaries(s)) if r.random() < 0.7 else r.randint(0, len(s))


def mutate_once(r, s):
    tags = list(TAG.finditer(s))
    names = [n.lower() for n in re.findall(r"</?([A-Za-z][A-Za-z0-9]*)", s)]
    op = r.choice(["delete", "duplicate", "stray", "swap", "cut"] if tags else ["stray", "cut"])
    if op == "delete":
        m = r.choice(tags)
        return s[:m.start()] + s[m.end():]
    if op == "duplicate":
        tag = r.choice(tags).group()
        at = position(r, s)
        return s[:at] + tag + s[at:]
    if op == "stray":
        name = r.choice(names) if names and r.random() < 0.6 else r.choice(STRAY_NAMES)
        at = position(r, s)
        return s[:at] + f"</{name}>" + s[at:]
    if op == "swap" and len(tags) >= 2:
        a, b = sorted(r.sample(tags, 2), key=lambda m: m.start())
        return s[:a.start()] + b.group() + s[a.end():b.start()] + a.group() + s[b.end():]
    return s[:position(r, s)]


def mutations(bodies, per_body, r):
    out = []
    for body in bodies:
        for _ in range(per_body):
            s = body
            for _ in range(r.randint(1, 3)):
                s = mutate_once(r, s)
            out.append(s)
    return out


def run_filter(binary, texts):
    data = "".join(t.encode("utf-8").hex() + "\n" for t in texts)
    run = subprocess.run([binary], input=data.encode(), capture_output=True, check=True)
    return [bytes.fromhex(line).decode("utf-8") for line in run.stdout.decode().splitlines()]


def compare(name, binary, texts, cleanhtml):
    ours = run_filter(binary, texts)
    assert len(ours) == len(texts), f"{name}: filter returned {len(ours)} lines for {len(texts)} inputs"
    diffs = 0
    for text, got in zip(texts, ours):
        want = cleanhtml(text)
        if got != want:
            diffs += 1
            print(f"  DIFF {name}: input {text!r}\n    rpdata: {got!r}\n    bs4:    {want!r}")
    print(f"{name}: {len(texts)} inputs, {diffs} differences")
    return diffs


def main():
    binary, realdata = sys.argv[1], sys.argv[2]
    warnings.filterwarnings("ignore", message="The input looks more like")  # bs4, on short cuts
    try:
        from se_reference import cleanhtml
    except ImportError as e:
        print(f"SKIPPED: no python3-bs4 + python3-lxml ({e})")
        return 77
    if not os.path.isdir(os.path.join(realdata, "stackexchange")):
        if os.environ.get("RPDATA_REQUIRE_REALDATA") == "1":
            print(f"FAILED: {realdata}/stackexchange not found and RPDATA_REQUIRE_REALDATA=1")
            return 1
        print(f"SKIPPED: {realdata}/stackexchange not found (set RPDATA_REALDATA)")
        return 77
    r = random.Random(SEED)
    total = diffs = 0
    for site, bodies in load_sites(realdata):
        muts = mutations(bodies, MUTATIONS_PER_BODY[site], r)
        diffs += compare(f"{site} bodies", binary, bodies, cleanhtml)
        diffs += compare(f"{site} mutations", binary, muts, cleanhtml)
        total += len(muts)
    print(f"stackexchange html differential: {total} mutations, {diffs} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
