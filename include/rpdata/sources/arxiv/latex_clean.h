// RedPajama's arXiv LaTeX cleaning (RP:data_prep/arxiv/arxiv_cleaner.py clean_tex_files), ported
// regex by regex with Python `re` semantics, including its quirks (spec §5; docs/arxiv.md lists
// them): the greedy `^(.*)` heading regex keeps text from the LAST heading, `\paragraph` only
// counts when glued to a `\subparagraph`, and a macro value that `unicode-escape` turns into
// `\xNN`/`\uNNNN` makes re.sub raise, which drops the whole paper. Each has a fixed mode.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rpdata::sources::arxiv {

struct CleanOptions {
  // true (RedPajama): keep text from the last sectioning command (what `^(.*)(\\section...)`
  // with DOTALL does); false: from the first one (the code comment's stated intent).
  bool heading_last = true;
  // true (RedPajama): the missing `|` glues `\paragraph{..}\subparagraph{..}` into one
  // alternative; false: each is a heading on its own.
  bool paragraph_bug = true;
  // true (RedPajama): a macro value with a character `unicode-escape` writes as \x/\u/\U
  // (non-ASCII, control characters other than tab/CR) fails the paper ("bad escape" in the
  // re.sub template); false: such macros are expanded like any other.
  bool fail_on_escaped_macro = true;
};

// Ordered macro table: name (with its backslash, e.g. "\\eps") -> value. A later definition
// replaces the value but keeps the first definition's position (Python dict.update).
using MacroTable = std::vector<std::pair<std::string, std::string>>;

// `\newcommand{\name}{value}` / `\newcommand*{..}{..}` and `\def\name{value}` whose value runs
// to the end of its line (RedPajama's _build_non_arg_macros_dict), merged into `table`.
void add_macros(std::string_view tex, MacroTable& table);

// True when Python's "unicode-escape" codec would write `value` with \x, \u or \U escapes.
bool needs_unicode_escape(std::string_view value);

// Offset where the kept text of one file starts (the heading), or npos: no heading.
size_t heading_start(std::string_view tex, const CleanOptions& options);

// Steps (b)-(d) of one file after the heading cut: full-line comments, inline comments
// (`[^\\]%.+$`), truncation at \appendix / references / thebibliography / \bibliography{..}.
std::string strip_comments_and_tail(std::string_view tex);

// Step (e): each macro in table order, `\name` followed by a non-[A-Za-z0-9] character.
std::string expand_macros(std::string text, const MacroTable& table);

struct CleanResult {
  std::string text;
  bool failed = false;  // RedPajama's clean_tex_files raised (escaped macro value)
};

// The whole project: macro table from all files, each file cleaned, joined with "\n".
// Files are UTF-8 (the caller drops non-UTF-8 papers first).
CleanResult clean_tex_files(const std::vector<std::string>& files, const CleanOptions& options = {});

// RedPajama's format_arxiv_id: `^([a-zA-Z-]*)([\d\.]+)$` -> "archive/NNNNNNN" for old-style
// ids, the digits alone otherwise; a non-matching id is returned unchanged (RedPajama logged
// a warning and kept it).
std::string format_arxiv_id(std::string_view raw_id);

}  // namespace rpdata::sources::arxiv
