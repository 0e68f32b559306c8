#!/usr/bin/env python3
"""Checks every project #include edge against the layering of docs/ARCHITECTURE.md:

    core <- io, text <- download, tokenize <- quality, dedup <- sources/<name> <- exec <- cli

A file may include headers of its own layer and of the layers below it (ALLOWED). A source
folder may include no other source's headers, only the shared rpdata/sources/registry.h;
src/sources/registry.cpp, the one list of sources, includes none of them (it declares their
register functions itself).
Usage: check_layering.py REPO_ROOT   (exit 1 and one line per bad edge)
"""
import os
import re
import sys

ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "text": {"core", "text"},
    "download": {"core", "io", "text", "download"},
    "tokenize": {"core", "io", "text", "tokenize"},
    "dedup": {"core", "io", "text", "dedup"},
    "quality": {"core", "io", "text", "tokenize", "quality"},
    "sources": {"core", "io", "text", "download", "tokenize", "dedup", "quality", "sources"},
    "exec": {"core", "io", "text", "download", "tokenize", "dedup", "quality", "sources", "exec"},
    "cli": {"core", "io", "text", "download", "tokenize", "dedup", "quality", "sources", "exec", "cli"},
}


def where(rel):
    """(layer, source folder or None) of a path under src/ or include/rpdata/."""
    parts = rel.split("/")
    parts = parts[2:] if parts[0] == "include" else parts[1:]
    source = parts[1] if parts[0] == "sources" and len(parts) > 2 else None
    return parts[0], source


def main():
    root = sys.argv[1]
    bad = []
    edges = 0
    for top in ("src", "include/rpdata"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith((".cpp", ".h", ".inc")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                layer, source = where(rel)
                if layer not in ALLOWED:
                    bad.append(f"{rel}: folder '{layer}' is not in the layering table")
                    continue
                for n, line in enumerate(open(path, encoding="utf-8"), 1):
                    m = re.match(r'\s*#\s*include\s+"rpdata/([^"]+)"', line)
                    if not m:
                        continue
                    edges += 1
                    to_layer, to_source = where("include/rpdata/" + m.group(1))
                    if to_layer not in ALLOWED[layer]:
                        bad.append(f"{rel}:{n}: {layer} may not include {to_layer} (rpdata/{m.group(1)})")
                    elif layer == "sources" and to_layer == "sources" and to_source not in (None, source):
                        bad.append(f"{rel}:{n}: a source includes another source's header (rpdata/{m.group(1)})")
    for b in bad:
        print(b)
    print(f"{edges} include edges checked, {len(bad)} against the layering")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
