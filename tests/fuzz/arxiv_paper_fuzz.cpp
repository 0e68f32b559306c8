// Fuzz target: one arXiv paper member as the `arxiv_tar` reader handles it
// (sources/arxiv/arxiv_reader.cpp): load_paper (tar with any compression, or one gzipped
// file) on the member's bytes, then clean_tex_files on its .tex files when it is not dropped.
#include "fuzz_support.h"
#include "rpdata/sources/arxiv/arxiv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace arxiv = rpdata::sources::arxiv;
  arxiv::PaperOptions options;
  options.max_paper_bytes = 16 << 20;  // the recipe key max_paper_bytes, lowered for the RSS limit
  try {
    arxiv::PaperFiles files = arxiv::load_paper(rpdata::fuzz::as_view(data, size), options);
    if (!files.drop.empty()) return 0;
    for (const std::string& tex : files.tex) rpdata::fuzz::require_utf8(tex, "load_paper .tex file");
    auto result = arxiv::clean_tex_files(files.tex, arxiv::CleanOptions{});
    if (!result.failed) rpdata::fuzz::require_utf8(result.text, "clean_tex_files output");
  } catch (const rpdata::Error&) {
  }
  return 0;
}
