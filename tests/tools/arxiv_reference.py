#!/usr/bin/env python3
"""Reference for rpdata's arXiv reader and cleaning: a line-by-line transcription of
togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba (branch rp_v1)
data_prep/arxiv/arxiv_cleaner.py — clean_tex_files, _clean_tex_file,
_build_non_arg_macros_dict, _tex_proj_loader, the loop of arxiv_iterator and the checks of
create_record/run — and data_prep/arxiv/utils.py format_arxiv_id, so the C++ port can be
compared byte for byte. Every regex below is the original's, character for character; the
functions keep the original's names and order of operations.

Deliberate differences (none changes a kept paper's text):
- papers are read from the bulk tar in member order with tarfile in memory, where the
  original extracted the tar to a temporary directory and walked it with rglob("*.gz");
  member names that are absolute or contain ".." are skipped (extractall would write them
  outside the directory), and `yymm` of a top-level member is "" (the original got its
  temporary directory's random name);
- no fastText: language and timestamp are checked elsewhere; one JSON object per kept paper,
  {"arxiv_id", "yymm", "text"}, is printed instead of the record.

Usage: arxiv_reference.py BULK.tar [...]
"""
import gzip
import io
import json
import re
import sys
import tarfile


def format_arxiv_id(arxiv_id):
    # utils.py format_arxiv_id
    match = re.search(r'^([a-zA-Z-]*)([\d\.]+)$', arxiv_id)

    if match is None:
        raise ValueError(f"Invalid arxiv id: {arxiv_id}")

    if match.group(1) == "":
        return match.group(2)

    return f"{match.group(1)}/{match.group(2)}"


def _tex_proj_loader(data):
    """_tex_proj_loader on the .gz member's bytes: the .tex contents, or None."""
    files_and_content = []

    try:
        # if it is a directory, open it as a tarfile
        with tarfile.open(fileobj=io.BytesIO(data)) as sub_tf:
            for member in sub_tf.getmembers():
                if member.name.endswith(".tex"):

                    file_content = sub_tf.extractfile(member).read()

                    try:
                        file_content = file_content.decode("utf-8")
                    except UnicodeDecodeError:
                        return None

                    files_and_content.append(file_content)

    except tarfile.ReadError:
        # otherwise we try opening it as a gzip file
        try:
            with gzip.open(io.BytesIO(data), "rb") as gz:
                file_content = gz.read()
        except Exception:
            # all fails, we skip this file
            return None

        try:
            file_content = file_content.decode("utf-8")
        except UnicodeDecodeError:
            return None

        files_and_content.append(file_content)

    except Exception:
        return None

    return files_and_content


def clean_tex_files(tex_files):
    if len(tex_files) == 0:
        return ""

    non_arg_macros = {}
    for file_content in tex_files:
        non_arg_macros.update(_build_non_arg_macros_dict(file_content))

    arg_macros = {}

    cleaned_latex_file_str = "\n".join(
        _clean_tex_file(
            file_content=file_content,
            arg_macros=arg_macros,
            non_arg_macros=non_arg_macros
        )
        for file_content in tex_files
    )

    return cleaned_latex_file_str


def _clean_tex_file(file_content, arg_macros, non_arg_macros):
    pattern = r"^(.*?)("
    pattern += r"\\\bchapter\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bpart\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsubsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    # The original has no "|" here: \paragraph only counts glued to a \subparagraph.
    pattern += r"\\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    pattern += r"\\\bsubparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    pattern += r")"

    if not re.search(pattern, file_content, flags=re.DOTALL):
        return ""

    file_content = re.sub(
        pattern=pattern,
        repl=r"\2",
        string=file_content,
        flags=re.DOTALL
    )

    file_content = re.sub(
        pattern=r"(?m)^%.*\n?",
        repl=r"",
        string=file_content,
        flags=re.MULTILINE
    )

    file_content = re.sub(
        pattern=r"[^\\]%.+$",
        repl=r"",
        string=file_content,
        flags=re.MULTILINE
    )

    pattern = r"("
    pattern += r"\\appendix|"
    pattern += r"\\begin\{references\}|"
    pattern += r"\\begin\{REFERENCES\}|"
    pattern += r"\\begin\{thebibliography\}|"
    pattern += r"\\bibliography\{.*\}"
    pattern += r").*$"

    file_content = re.sub(
        pattern=pattern,
        repl=r'',
        string=file_content,
        flags=re.DOTALL
    )

    for macro_name, macro_value in non_arg_macros.items():
        file_content = re.sub(
            pattern=r"(" + macro_name + r")" + r"([^a-zA-Z0-9])",
            repl=macro_value + r"\2",
            string=file_content
        )

    for macro_name, macro_value in arg_macros.items():
        pass

    return file_content


def _build_non_arg_macros_dict(file_content):
    non_arg_nc_reg = re.compile(
        pattern=r'\\\bnewcommand\b\*?\{(\\[a-zA-Z0-9]+?)\}\{(.*?)\}$',
        flags=re.MULTILINE
    )

    non_arg_def_reg = re.compile(
        pattern=r'\\def\s*(\\[a-zA-Z0-9]+?)\s*\{(.*?)\}$',
        flags=re.MULTILINE
    )

    macros = {}
    for reg in [non_arg_nc_reg, non_arg_def_reg]:
        for match in reg.finditer(file_content):
            macro_name = match \
                .group(1).encode("unicode-escape").decode("utf-8")
            macro_val = match \
                .group(2).encode("unicode-escape").decode("utf-8")

            macros[macro_name] = macro_val

    return macros


def unsafe(name):
    return name.startswith("/") or ".." in name.split("/")


def stem(name):
    # pathlib's PurePath(name).stem of the last component
    base = name.rstrip("/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base if dot <= 0 or dot == len(base) - 1 else base[:dot]


def main():
    for path in sys.argv[1:]:
        with tarfile.open(path) as bulk:
            for m in bulk.getmembers():
                # arxiv_iterator: every extracted file matching rglob("*.gz") is a paper
                if not m.isfile() or not m.name.endswith(".gz") or unsafe(m.name):
                    continue
                parts = m.name.split("/")
                yymm = stem(parts[-2]) if len(parts) > 1 else ""
                arxiv_id = stem(m.name)
                tex_files = _tex_proj_loader(bulk.extractfile(m).read())
                if tex_files is None:
                    continue
                # create_record: an exception while cleaning fails the paper
                try:
                    cleaned_str = clean_tex_files(tex_files)
                except Exception:
                    continue
                # run / run_parallel: empty text is skipped
                if len(cleaned_str) == 0:
                    continue
                try:
                    clean_arxiv_id = format_arxiv_id(arxiv_id)
                except Exception:
                    clean_arxiv_id = arxiv_id
                print(json.dumps({"arxiv_id": clean_arxiv_id, "yymm": yymm, "text": cleaned_str}))


if __name__ == "__main__":
    main()
