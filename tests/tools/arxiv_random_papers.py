#!/usr/bin/env python3
"""Writes a bulk tar of random LaTeX-like papers that exercise every cleaning rule and its
corner cases (headings with [..] and *, \\paragraph/\\subparagraph gluing, comments with
escaped and trailing %, CRLF lines, \\def across lines, macros with non-ASCII values,
repeated and chained macros, bibliography/appendix markers, multi-file projects, macOS
AppleDouble "._" members in projects and in the bulk tar, Latin-1 files), for the
differential test against arxiv_reference.py. Usage: arxiv_random_papers.py OUT.tar N SEED
"""
import gzip
import io
import random
import sys
import tarfile

PIECES = [
    "\\section{Intro}", "\\section*{Star}", "\\subsection[short]{Long}", "\\subsubsection{x}",
    "\\chapter{C}", "\\part{P}", "\\paragraph{Para}", "\\subparagraph{Sub}", "}\\subparagraph{S}",
    "\\paragraph{A}\\subparagraph{B}", "\\sectionmark{no}", "\\section{unclosed", "\\section[a]b]{c}",
    "% a comment", "%", "text % inline", "50\\% kept", "x%y", "trail%", "\\%%both",
    "\\newcommand{\\foo}{FOO}", "\\newcommand*{\\bar}{B\\foo R}", "\\def\\baz{Z}", "\\def \\qux\n{Q}",
    "\\newcommand{\\uni}{\u00e9t\u00e9}", "\\newcommand{\\arg}[1]{A#1}", "\\def\\late{L} % c",
    "\\foo \\foo\\foo{} \\bar. \\baz\\qux\n", "\\fooo \\foo1 \\foo", "\\uni{}", "\\late.",
    "\\appendix", "\\begin{thebibliography}{9}", "\\bibliography{refs}", "\\bibliographystyle{x}",
    "\\begin{references}", "\\begin{REFERENCES}", "words and more words", "$a^2+b^2$", "{", "}", "[", "]{",
    "\r", "\t", "caf\u00e9", "\\\\foo ",
    "\\section {spaced}", "\\section{a{b}c}", "\\partial{x}", "\\chapter*[t]{T}", "\\paragraph{A} text",
    "\\subsection{A}\\section{B}", "\\section*", "[opt]", "\\subparagraph*[s]{S}", "%\\section{Commented}",
]
APPLEDOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\xff"


def paper(rng):
    n = rng.randint(3, 40)
    out = []
    for _ in range(n):
        out.append(rng.choice(PIECES))
        out.append(rng.choice(["\n", "\n", " ", "", "\n\n", "\r\n"]))
    return "".join(out)


def gz(data):
    return gzip.compress(data, mtime=0)


def main():
    path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tf:
        for i in range(n):
            if rng.random() < 0.3:  # a project of several files
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as inner:
                    for k in range(rng.randint(1, 4)):
                        name = "f%d.tex" % k
                        r = rng.random()
                        if r < 0.05:
                            name, data = "._" + name, APPLEDOUBLE
                        elif r < 0.08:
                            data = paper(rng).encode("latin-1", "replace")
                        else:
                            data = paper(rng).encode("utf-8")
                        ti = tarfile.TarInfo(name)
                        ti.size = len(data)
                        inner.addfile(ti, io.BytesIO(data))
                data = gz(buf.getvalue())
            else:
                data = gz(paper(rng).encode("utf-8"))
            name = "2303/2303.%05d.gz" % i
            if rng.random() < 0.02:
                name, data = "2303/._2303.%05d.gz" % i, APPLEDOUBLE
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime = len(data), 1680307200
            tf.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    main()
