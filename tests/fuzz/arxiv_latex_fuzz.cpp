// Fuzz target: RedPajama's arXiv LaTeX cleaning (sources/arxiv/latex_clean.cpp,
// clean_tex_files) on a project of .tex files. The first byte picks the CleanOptions (the
// recipe's paragraph_heading_bug / fail_on_escaped_macro switches, and a small or large
// max_text_bytes); the rest is
// split into files at NUL bytes. The reader drops non-UTF-8 papers before cleaning, so only
// valid UTF-8 projects are cleaned; the text must come out valid UTF-8 too.
#include "fuzz_support.h"
#include "rpdata/sources/arxiv/latex_clean.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  rpdata::sources::arxiv::CleanOptions options;
  options.max_text_bytes = (data[0] & 1) ? 4096 : 1u << 24;
  options.paragraph_bug = data[0] & 2;
  options.fail_on_escaped_macro = data[0] & 4;
  std::string_view rest = rpdata::fuzz::as_view(data + 1, size - 1);
  std::vector<std::string> files;
  for (size_t at = 0;;) {
    size_t nul = rest.find('\0', at);
    files.emplace_back(rest.substr(at, nul == std::string_view::npos ? std::string_view::npos : nul - at));
    if (!rpdata::text::is_valid_utf8(files.back())) return 0;
    if (nul == std::string_view::npos) break;
    at = nul + 1;
  }
  auto result = rpdata::sources::arxiv::clean_tex_files(files, options);
  if (!result.failed) rpdata::fuzz::require_utf8(result.text, "clean_tex_files output");
  return 0;
}
