// The arXiv part of the bundled offline sample: a small bulk tar in arXiv's real layout
// (arXiv_src_YYMM_NNN.tar with YYMM/<id>.gz members), synthetic LaTeX, deterministic bytes.
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <array>

#include "rpdata/core/error.h"
#include "rpdata/core/splitmix.h"
#include "rpdata/io/archive_error.h"
#include "rpdata/io/fs.h"
#include "rpdata/sources/arxiv/arxiv.h"

namespace rpdata::sources::arxiv {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMtime = 1680307200;  // 2023-04-01T00:00:00Z, fixed for identical bytes

std::string gzip_bytes(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw IoError("deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw IoError("deflate failed");
  return out;  // gzip header mtime 0, OS byte fixed by zlib: deterministic
}

// A ustar archive of (name, bytes) members, in memory.
std::string tar_bytes(const std::vector<std::pair<std::string, std::string>>& members) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_ustar(a.get());
  archive_write_set_bytes_per_block(a.get(), 10240);
  std::string buf(1 << 22, '\0');
  size_t used = 0;
  size_t need = 10240;
  for (const auto& m : members) need += 1024 + m.second.size();
  if (need > buf.size()) buf.resize(need * 2);
  if (archive_write_open_memory(a.get(), buf.data(), buf.size(), &used) != ARCHIVE_OK)
    throw IoError("archive_write_open_memory failed");
  for (const auto& [name, data] : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e.get(), kMtime, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
      throw IoError("tar write failed: " + io::archive_error_text(a.get()));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) throw IoError("tar close failed");
  buf.resize(used);
  return buf;
}

constexpr std::array<std::string_view, 24> kWords = {
    "model",  "energy", "field",    "we",       "show",   "that",  "the",     "spectrum", "is",
    "bounded", "under",  "a",       "symmetry", "of",     "order", "two",     "results",  "agree",
    "with",   "data",   "measured", "in",       "recent", "runs"};

std::string sentence(uint64_t& s) {
  std::string out;
  int n = 8 + static_cast<int>(splitmix64(s) % 10);
  for (int i = 0; i < n; ++i) {
    std::string_view w = kWords[splitmix64(s) % kWords.size()];
    if (i == 0) {
      out += static_cast<char>(w[0] - 32);
      out += w.substr(1);
    } else {
      out += " ";
      out += w;
    }
  }
  return out + ". ";
}

std::string paragraph(uint64_t& s, int sentences) {
  std::string out;
  for (int i = 0; i < sentences; ++i) out += sentence(s);
  return out + "\n";
}

// A paper body: preamble with argument-free macros, sections, comments, bibliography.
std::string paper_tex(uint64_t& s, int sections, bool with_bib) {
  std::string t =
      "\\documentclass{article}\n\\usepackage{amsmath}\n"
      "\\newcommand{\\eps}{\\varepsilon}\n\\def\\model{the \\textsc{Toy} model}\n"
      "\\newcommand{\\vect}[1]{\\mathbf{#1}}\n\\title{A sample paper}\n\\begin{document}\n\\maketitle\n"
      "\\begin{abstract}\n" +
      paragraph(s, 2) + "\\end{abstract}\n";
  const char* names[] = {"Introduction", "Method", "Results", "Discussion", "Conclusion"};
  for (int i = 0; i < sections; ++i) {
    t += std::string("\\section{") + names[i % 5] + "}\n";
    t += "% a full-line comment that is removed\n";
    t += paragraph(s, 3);
    t += "We use \\model\\ with $\\eps = 10^{-3}$ and 50\\% of the runs. % trailing note\n";
    t += paragraph(s, 2);
  }
  if (with_bib) t += "\\begin{thebibliography}{9}\n\\bibitem{a} A. Author, Journal 1 (2023).\n\\end{thebibliography}\n";
  return t + "\\end{document}\n";
}

}  // namespace

std::vector<std::string> write_sample(const fs::path& dir, const SampleOptions& options) {
  uint64_t s = options.seed;
  std::vector<std::pair<std::string, std::string>> bulk;
  // 2303.00001: a tar.gz project (main.tex \input's a section file; a figure PDF).
  {
    std::string main = paper_tex(s, 2, false);
    std::string sec = "\\section{Appendix-free extra}\n" + paragraph(s, 4) + "\\bibliography{refs}\n";
    bulk.emplace_back("2303/2303.00001.gz",
                      gzip_bytes(tar_bytes({{"main.tex", main}, {"sections/extra.tex", sec},
                                            {"fig1.pdf", "%PDF-1.4\n% sample figure\n%%EOF\n"},
                                            {"refs.bib", "@article{a, title={T}}\n"}})));
  }
  // 2303.00002: a single gzipped .tex (arXiv's non-tar layout).
  bulk.emplace_back("2303/2303.00002.gz", gzip_bytes(paper_tex(s, 3, true)));
  // 2303.00003: PDF-only submission (skipped: no LaTeX source).
  bulk.emplace_back("2303/2303.00003.pdf", "%PDF-1.4\n% a PDF-only submission\n%%EOF\n");
  // macOS AppleDouble junk next to a paper (ignored).
  bulk.emplace_back("2303/._2303.00002.gz", std::string("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ", 24));
  // 2303.00004: Latin-1 source (dropped and counted as non-UTF-8, as RedPajama did).
  bulk.emplace_back("2303/2303.00004.gz",
                    gzip_bytes("\\section{R\xe9sum\xe9}\nCaf\xe9 au lait.\n"));
  // 2303.00005: a project whose .tex has no sectioning command (empty text, dropped).
  bulk.emplace_back("2303/2303.00005.gz", gzip_bytes(tar_bytes({{"note.tex", "Just a note.\n"}})));
  // 2303.00006 .. 00008: more single-file papers.
  for (int i = 6; i <= 8; ++i)
    bulk.emplace_back("2303/2303.0000" + std::to_string(i) + ".gz", gzip_bytes(paper_tex(s, 1 + i % 3, i % 2 == 0)));
  const std::string name = "arXiv_src_2303_001.tar";
  fs::create_directories(dir);
  io::write_file_atomic(dir / name, tar_bytes(bulk));
  return {name};
}

}  // namespace rpdata::sources::arxiv
