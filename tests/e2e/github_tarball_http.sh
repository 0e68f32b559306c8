#!/usr/bin/env bash
# GitHub without BigQuery, end to end over real HTTP: repositories built from real trees of
# this machine (this repository's sources, the Python standard library, /usr/include) with
# real license texts (/usr/share/common-licenses, this repo's LICENSE), packed as codeload
# tarballs ("<repo>-<ref>/..." members) and served by a loopback server
# (tests/servers/fault_server.py) at <owner>/<repo>/tar.gz/<ref>, some through dropped
# connections; `rpdata run github --recipe github_tarball` with a repository list. Checks the
# license decisions, every refusal of a hostile tarball (path traversal, absolute member,
# symlink, binary, invalid UTF-8, a 100 MB file) as a counted reason, and deterministic output.
source "$(dirname "$0")/lib.bash"
command -v python3 > /dev/null || { echo "SKIPPED: python3 not found"; exit 77; }
LIC=/usr/share/common-licenses
[ -f "$LIC/BSD" ] && [ -f "$LIC/GPL-3" ] && [ -d /usr/lib/python3.11/json ] ||
  { echo "SKIPPED: needs /usr/share/common-licenses and /usr/lib/python3.11"; exit 77; }
root="$WORK/srv"
# repo <owner/repo> <ref> <license file or -> <dir>...: a codeload-style tarball of the dirs.
repo() {
  local name="$1" ref="$2" lic="$3"; shift 3
  local top="${name#*/}-$ref" t="$WORK/trees/$name"
  mkdir -p "$t/$top" "$root/$name/tar.gz"
  for d in "$@"; do cp -r "$d" "$t/$top/"; done
  [ "$lic" = - ] || cp "$lic" "$t/$top/LICENSE"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$t" -czf "$root/$name/tar.gz/$ref" "$top"
}
repo acme/rpdata main "$SRC/LICENSE" "$SRC/src" "$SRC/include"
repo pylib/json v3.11 "$LIC/BSD" /usr/lib/python3.11/json /usr/lib/python3.11/email
repo gnu/headers v1 "$LIC/GPL-3" /usr/include/linux/netfilter
repo nobody/scripts v0 - /usr/lib/python3.11/logging
# What codeload really serves is `git archive` output (pax global header with the commit id).
gitrepo=""
if git -C "$SRC" rev-parse HEAD > /dev/null 2>&1; then
  mkdir -p "$root/local/rpdata-git/tar.gz"
  git -C "$SRC" archive --format=tar.gz --prefix=rpdata-git-main/ HEAD > "$root/local/rpdata-git/tar.gz/main"
  gitrepo=local/rpdata-git@main
fi
# A hostile tarball made directly (tar(1) refuses to write some of these members).
python3 - "$root/evil/repo/tar.gz/HEAD" <<'PY'
import io, os, sys, tarfile
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
mit = (b"MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
       b"of this software and associated documentation files (the \"Software\"), to deal\n"
       b"The above copyright notice and this permission notice shall be included in all\n"
       b"copies or substantial portions of the Software.\n")
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        k = min(len(b), self.left); b[:k] = bytes(k); self.left -= k; return k
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT) as t:
    def add(name, data, **kw):
        info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
        for k, v in kw.items(): setattr(info, k, v)
        t.addfile(info, io.BytesIO(data))
    add("repo-HEAD/LICENSE", mit)
    add("repo-HEAD/ok.py", b"def hello(name):\n    return 'hello ' + name\n")
    add("repo-HEAD/../../escape.py", b"print('out of the tree')\n")
    add("/etc/absolute.py", b"print('absolute')\n")
    link = tarfile.TarInfo("repo-HEAD/link.py"); link.type = tarfile.SYMTYPE; link.linkname = "/etc/passwd"
    t.addfile(link)
    add("repo-HEAD/blob.c", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(200))
    add("repo-HEAD/latin1.c", "/* caf\u00e9 */\nint x;\n".encode("latin-1"))
    big = tarfile.TarInfo("repo-HEAD/huge.c"); big.size = 100 * 1024 * 1024; big.mtime = 0
    t.addfile(big, Zeros(big.size))
PY
printf '%s\n' "# owner/repo@ref" acme/rpdata@main pylib/json@v3.11 gnu/headers@v1 nobody/scripts@v0 evil/repo \
  $gitrepo > "$WORK/repos.txt"
start_fault_server "$root"
# The built-in recipe with the list file, the loopback host (first attempts dropped mid-body)
# and the tokenizer rule skipped when the model is absent.
recipe() {
  sed -e "s|^base_url = .*|base_url = \"http://127.0.0.1:$port/$1\"|" \
      -e "s|^list = .*|list_file = \"$WORK/repos.txt\"|" \
      -e '1i missing_models = "skip"' \
      "$SRC/configs/github_tarball.toml" > "$WORK/t.toml"
}
recipe drop/1
"$RPDATA" run github --recipe "$WORK/t.toml" --out "$WORK/o1" --tokenizers none --no-progress 2> "$WORK/log1.txt" ||
  { cat "$WORK/log1.txt"; fail "run over HTTP failed"; }
python3 - "$WORK/o1/github/manifest.json" "$WORK/o1/github" "$gitrepo" <<'PY' || fail "unexpected drops or licenses"
import glob, json, subprocess, sys
m = json.load(open(sys.argv[1]))
d = dict(m["drops"])  # every stage's drops: apply carries the main stage's counts
print("docs", m["docs"], "drops", json.dumps(d, sort_keys=True))
want = {"read:unsafe_path": 2, "read:not_regular_file": 1, "read:invalid_utf8": 1,
        "read:too_large": 1}
for k, v in want.items():
    assert d.get(k) == v, (k, d.get(k), v)
assert d.get("read:binary", 0) >= 1 and d.get("read:license_not_permissive", 0) > 0 and d.get("read:no_license", 0) > 0, d
lic = {}
for f in sorted(glob.glob(sys.argv[2] + "/*.jsonl.zst")):
    for line in subprocess.run(["zstdcat", f], capture_output=True, check=True).stdout.splitlines():
        meta = json.loads(line)["meta"]
        lic.setdefault(meta["repo_name"], set()).add(meta["license"])
print("licenses", {k: sorted(v) for k, v in lic.items()})
want = {"acme/rpdata": {"apache-2.0"}, "pylib/json": {"bsd-3-clause"}, "evil/repo": {"mit"}}
if sys.argv[3]:
    want["local/rpdata-git"] = {"apache-2.0"}
assert lic == want, lic
PY
recipe ok
"$RPDATA" run github --recipe "$WORK/t.toml" --out "$WORK/o2" --tokenizers none --no-progress 2> "$WORK/log2.txt" ||
  { cat "$WORK/log2.txt"; fail "second run failed"; }
same_outputs "$WORK/o1/github" "$WORK/o2/github" "tarball runs are not deterministic"
echo OK
