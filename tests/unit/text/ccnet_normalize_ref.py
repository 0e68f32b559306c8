#!/usr/bin/env python3
"""Differential test of rpdata's cc_net normalisers against Python.

A transcription of togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:
data_prep/cc/cc_net/cc_net/text_normalizer.py (normalize() with its defaults accent=True,
case=True, numbers=True, punct=1, with strip_accents, replace_unicode_punct and
remove_non_printing_char inlined; normalize_for_dedup()), compared with the C++ code (through
tests/unit/text/ccnet_normalize_filter.cpp) on: every assigned code point alone and between
letters, lines and whole documents of the real inputs in ../shared/realdata (when present),
and seeded random Unicode strings. PUNCT is UNICODE_PUNCT item for item, in its order, and
DIGIT is DIGIT_RE. Deliberate differences (same results): the character classes
NON_PRINTING_CHARS_RE and PUNCT_OR_NON_PRINTING_CHARS_RE are written as set membership over
the same characters, and strip_accents' `len(output) == line` shortcut is left out (it
compares an int with a str, so it never fires and the join always runs).

Code points unassigned in this Python's Unicode database (category Cn) are left out: ICU may
know them (Unicode version skew) and cc_net's own result depends on its Python anyway.

usage: ccnet_normalize_ref.py FILTER_BINARY SOURCE_DIR
"""
import bz2
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

# cc_net's UNICODE_PUNCT (34 keys): key -> ASCII replacement.
PUNCT = {
    "\uff0c": ",", "\u3002": ".", "\u3001": ",", "\u201e": '"', "\u201d": '"', "\u201c": '"',
    "\u00ab": '"', "\u00bb": '"', "\uff11": '"', "\u300d": '"', "\u300c": '"', "\u300a": '"',
    "\u300b": '"', "\u00b4": "'", "\u2236": ":", "\uff1a": ":", "\uff1f": "?", "\uff01": "!",
    "\uff08": "(", "\uff09": ")", "\uff1b": ";", "\u2013": "-", "\u2014": " - ", "\uff0e": ". ",
    "\uff5e": "~", "\u2019": "'", "\u2026": "...", "\u2501": "-", "\u3008": "<", "\u3009": ">",
    "\u3010": "[", "\u3011": "]", "\uff05": "%", "\u25ba": "-",
}
assert len(PUNCT) == 34
CONTROL = set(map(chr, list(range(0, 32)) + list(range(127, 160))))
DIGIT = re.compile(r"\d")


def ref_normalize(text):
    text = text.strip()
    if not text:
        return text
    text = text.lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = DIGIT.sub("0", text)
    text = "".join(PUNCT.get(c, c) for c in text)
    return "".join(c for c in text if c not in CONTROL)


def ref_normalize_for_dedup(line):
    line = line.strip()
    if not line:
        return line
    line = DIGIT.sub("0", line.lower())
    return "".join(c for c in line if c not in PUNCT and c not in CONTROL)


def assigned(c):
    return unicodedata.category(c) != "Cn"


def code_point_cases():
    out = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if not assigned(c):
            continue
        out.append(c)
        out.append("A" + c + "b")
        out.append("\u03a3" + c + "\u03a3")  # final-sigma context on both sides
    return out


def realdata_cases(source_dir):
    real = os.environ.get("RPDATA_REALDATA") or os.path.join(source_dir, "..", "shared", "realdata")
    out = []
    if not os.path.isdir(real):
        print("NOTE: realdata not found, real-text cases skipped", file=sys.stderr)
        return out
    c4 = os.path.join(real, "c4", "c4-train.00000-of-01024.first1000.reserialized.jsonl")
    with open(c4, encoding="utf-8") as f:
        for row in f:
            text = json.loads(row)["text"]
            out.append(text)
            out.extend(text.split("\n"))
    for name in sorted(os.listdir(os.path.join(real, "books"))):
        if name.endswith(".txt"):
            with open(os.path.join(real, "books", name), encoding="utf-8", errors="replace") as f:
                data = f.read()
            out.extend(data.split("\n"))
            out.extend(data[i:i + 5000] for i in range(0, len(data), 5000))
    for name in ["enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
                 "ukwiki-20230501-pages-articles-multistream.excerpt.xml.bz2",
                 "bgwiki-latest-pages-articles-shortened.utf8.xml.bz2"]:
        data = bz2.open(os.path.join(real, "wikipedia", name)).read().decode("utf-8", "replace")
        data = data[:3_000_000]
        out.extend(data.split("\n"))
        out.extend(data[i:i + 20000] for i in range(0, len(data), 20000))
    se = os.path.join(real, "stackexchange", "coffee.stackexchange.com-2015-Posts.xml")
    with open(se, encoding="utf-8-sig") as f:
        out.extend(f.read().split("\n"))
    return out


def random_cases(n, seed):
    rng = random.Random(seed)
    special = list(PUNCT) + sorted(CONTROL) + list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000"
                                                 "\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff")
    special += list("\u0130\u03a3\u03c3\u03c2\u0345\u1e9e\u00df\u0149\u01c5\u2126\u212a\u212b"
                    "İIıiΣσςΑΒΓ'.-\u00ad\u0301\u0308\u0327\u05b0\u0e31\u3099\u302a\ufe0f")
    special += list("0123456789\u0660\u06f5\u0966\u09e7\uff10\uff19\U0001d7ce\U0001fbf0\u2460\u00b2\u2155")
    special += list("éÉàÅǅǲ가각힣\u1100\u1161\u11a8ḱṩ\u1f00\u1f80\u1fbc\u0390\u03b0")
    # Non-Mn characters with a nonzero combining class: NFD's canonical reordering of these
    # survives the Mn filter, so runs of them in random order test the reordering.
    special += [c for c in map(chr, range(0x110000))
                if unicodedata.combining(c) and unicodedata.category(c) != "Mn"] * 4
    assigned_bmp = [chr(c) for c in range(0x80, 0x10000) if not 0xD800 <= c <= 0xDFFF and assigned(chr(c))]
    cases = []
    for _ in range(n):
        k = rng.randint(0, 24)
        s = []
        for _ in range(k):
            r = rng.random()
            if r < 0.3:
                s.append(chr(rng.randint(0x20, 0x7e)))
            elif r < 0.7:
                s.append(rng.choice(special))
            elif r < 0.95:
                s.append(rng.choice(assigned_bmp))
            else:
                c = chr(rng.randint(0x10000, 0x10FFFF))
                s.append(c if assigned(c) else "x")
        cases.append("".join(s))
    return cases


def main():
    binary, source_dir = sys.argv[1], sys.argv[2]
    groups = [("code point", code_point_cases()), ("real text", realdata_cases(source_dir)),
              ("random", random_cases(200000, 20240601))]
    failures = 0
    for name, cases in groups:
        cases = [c for c in cases if "\n" not in c or True]
        payload = "".join(c.encode("utf-8", "surrogatepass").hex() + "\n" for c in cases)
        res = subprocess.run([binary], input=payload.encode(), stdout=subprocess.PIPE, check=True)
        lines = res.stdout.decode().split("\n")
        assert len(lines) == len(cases) + 1, (len(lines), len(cases))
        bad = 0
        for case, line in zip(cases, lines):
            got_d, got_n = (bytes.fromhex(h).decode("utf-8") for h in line.split("\t"))
            exp_d, exp_n = ref_normalize_for_dedup(case), ref_normalize(case)
            if got_d != exp_d or got_n != exp_n:
                bad += 1
                if bad <= 20:
                    print(f"MISMATCH [{name}] input={case[:80]!r}\n  dedup got={got_d[:80]!r} want={exp_d[:80]!r}"
                          f"\n  norm  got={got_n[:80]!r} want={exp_n[:80]!r}")
        print(f"{name}: {len(cases)} cases, {bad} mismatches")
        failures += bad
    print(f"python unicodedata {unicodedata.unidata_version}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
