// RedPajama's arXiv LaTeX cleaning, ported regex by regex with Python `re` semantics from
// togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/arxiv/
// arxiv_cleaner.py (clean_tex_files, _clean_tex_file, _build_non_arg_macros_dict), quirks
// included (docs/arxiv.md): `\paragraph` only counts when glued to a `\subparagraph`, and a
// macro value that `unicode-escape` turns into `\xNN`/`\uNNNN` makes re.sub raise, which drops
// the whole paper. Each quirk has a named switch that fixes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rpdata::sources::arxiv {

struct CleanOptions {
  // true (RedPajama): the missing `|` glues `\paragraph{..}\subparagraph{..}` into one
  // alternative; false: each is a heading on its own.
  bool paragraph_bug = true;
  // true (RedPajama): a macro value with a character `unicode-escape` writes as \x/\u/\U
  // (non-ASCII, control characters other than tab/CR) fails the paper ("bad escape" in the
  // re.sub template); false: such macros are expanded like any other.
  bool fail_on_escaped_macro = true;
  // Bytes the cleaned text of one paper may reach. Macro expansion can grow a text
  // exponentially (`\a` -> `\b \b`, `\b` -> `\c \c`, ...); a paper that would pass this
  // is stopped before the growth is allocated, so memory stays bounded by this number.
  uint64_t max_text_bytes = 1ull << 30;
};

// Ordered macro table: name (with its backslash, e.g. "\\eps") -> value. A later definition
// replaces the value but keeps the first definition's position (Python dict.update).
using MacroTable = std::vector<std::pair<std::string, std::string>>;

// `\newcommand{\name}{value}` / `\newcommand*{..}{..}` and `\def\name{value}` whose value runs
// to the end of its line (RedPajama's _build_non_arg_macros_dict), merged into `table`.
void add_macros(std::string_view tex, MacroTable& table);

// True when Python's "unicode-escape" codec would write `value` with \x, \u or \U escapes.
bool needs_unicode_escape(std::string_view value);

// Offset where the kept text of one file starts, or npos: no heading. RedPajama's
// `^(.*?)(\\\bchapter\b\*?(?:\[(.*?)\])?\{(.*?)\}|...)` with DOTALL, replaced by `\2`: the
// first (leftmost) position where a sectioning command with its `{...}` matches.
size_t heading_start(std::string_view tex, const CleanOptions& options);

// Steps (b)-(d) of one file after the heading cut: full-line comments, inline comments
// (`[^\\]%.+$`), truncation at \appendix / references / thebibliography / \bibliography{..}.
std::string strip_comments_and_tail(std::string_view tex);

// Step (e): each macro in table order, `\name` followed by a non-[A-Za-z0-9] character.
// Returns false, leaving `text` unspecified, when a pass would make it longer than
// `max_bytes`.
bool expand_macros(std::string& text, const MacroTable& table, uint64_t max_bytes);

struct CleanResult {
  std::string text;
  bool failed = false;     // RedPajama's clean_tex_files raised (escaped macro value)
  bool too_large = false;  // the text would pass CleanOptions::max_text_bytes
};

// The whole project: macro table from all files, each file cleaned, joined with "\n".
// Files are UTF-8 (the caller drops non-UTF-8 papers first).
CleanResult clean_tex_files(const std::vector<std::string>& files, const CleanOptions& options = {});

// RedPajama's format_arxiv_id: `^([a-zA-Z-]*)([\d\.]+)$` -> "archive/NNNNNNN" for old-style
// ids, the digits alone otherwise; a non-matching id is returned unchanged (RedPajama logged
// a warning and kept it).
std::string format_arxiv_id(std::string_view raw_id);

}  // namespace rpdata::sources::arxiv
