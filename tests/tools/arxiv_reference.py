#!/usr/bin/env python3
"""Reference for rpdata's arXiv cleaning: RedPajama's rules (spec section 5,
RP:data_prep/arxiv/arxiv_cleaner.py) evaluated with Python's `re`, so the C++ port can be
compared byte for byte. Reads bulk tars the way RedPajama did (every *.gz member is a paper:
tarfile first, gzip as a single file otherwise) and prints one JSON object per kept paper:
{"arxiv_id", "yymm", "text"} (language and timestamp are checked elsewhere).

Usage: arxiv_reference.py BULK.tar [...]   (AppleDouble "._" members skipped, as rpdata does)
"""
import gzip
import io
import json
import re
import sys
import tarfile

HEADING = (r"^(.*)("
           + r"\\\bchapter\b\*?(?:\[(.*)\])?\{(.*)\}|"
           + r"\\\bpart\b\*?(?:\[(.*)\])?\{(.*)\}|"
           + r"\\\bsection\b\*?(?:\[(.*)\])?\{(.*)\}|"
           + r"\\\bsubsection\b\*?(?:\[(.*)\])?\{(.*)\}|"
           + r"\\\bsubsubsection\b\*?(?:\[(.*)\])?\{(.*)\}|"
           # RedPajama's missing "|": \paragraph only counts glued to a \subparagraph.
           + r"\\\bparagraph\b\*?(?:\[(.*)\])?\{(.*)\}"
           + r"\\\bsubparagraph\b\*?(?:\[(.*)\])?\{(.*)\}"
           + r")")
TAIL = (r"(\\appendix|\\begin\{references\}|\\begin\{REFERENCES\}|"
        r"\\begin\{thebibliography\}|\\bibliography\{.*\}).*$")
NEWCOMMAND = re.compile(r"\\\bnewcommand\b\*?\{(\\[a-zA-Z0-9]+)\}\{(.*)\}$", re.MULTILINE)
DEF = re.compile(r"\\def\s*(\\[a-zA-Z0-9]+)\s*\{(.*)\}$", re.MULTILINE)


def macros_of(tex):
    table = {}
    for reg in (NEWCOMMAND, DEF):
        for m in reg.finditer(tex):
            # Names and values go through unicode-escape, as RedPajama's re.sub templates.
            table[m.group(1).encode("unicode-escape").decode("utf-8")] = \
                m.group(2).encode("unicode-escape").decode("utf-8")
    return table


def clean_file(tex, macros):
    if not re.search(HEADING, tex, flags=re.DOTALL):
        return ""
    tex = re.sub(HEADING, r"\2", tex, flags=re.DOTALL)
    tex = re.sub(r"(?m)^%.*\n?", "", tex, flags=re.MULTILINE)
    tex = re.sub(r"[^\\]%.+$", "", tex, flags=re.MULTILINE)
    tex = re.sub(TAIL, "", tex, flags=re.DOTALL)
    for name, value in macros.items():
        tex = re.sub(r"(" + name + r")" + r"([^a-zA-Z0-9])", value + r"\2", tex)
    return tex


def clean(files):
    if not files:
        return ""
    macros = {}
    for f in files:
        macros.update(macros_of(f))
    return "\n".join(clean_file(f, macros) for f in files)


def load(data):
    """The .tex sources of one paper, or None (RedPajama's failures)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            out = []
            for m in tf.getmembers():
                if m.name.endswith(".tex"):
                    if m.name.rsplit("/", 1)[-1].startswith("._"):
                        continue
                    raw = tf.extractfile(m).read()
                    try:
                        out.append(raw.decode("utf-8"))
                    except UnicodeDecodeError:
                        return None
            return out
    except tarfile.ReadError:
        try:
            raw = gzip.decompress(data)
            return [raw.decode("utf-8")]
        except Exception:
            return None
    except Exception:
        return None


def main():
    for path in sys.argv[1:]:
        with tarfile.open(path) as bulk:
            for m in bulk.getmembers():
                base = m.name.rsplit("/", 1)[-1]
                if not m.isfile() or not m.name.endswith(".gz") or base.startswith("._"):
                    continue
                files = load(bulk.extractfile(m).read())
                if files is None:
                    continue
                try:
                    text = clean(files)
                except Exception:  # re.error from an escaped macro value
                    continue
                if not text:
                    continue
                parts = m.name.split("/")
                yymm = parts[-2].rsplit(".", 1)[0] if len(parts) > 1 else ""
                print(json.dumps({"arxiv_id": base[:-3], "yymm": yymm, "text": text}))


if __name__ == "__main__":
    main()
