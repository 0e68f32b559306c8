// Project Gutenberg header/footer removal (raw PG texts -> PG-19 form) and the two book steps.
#include <array>

#include "rpdata/core/error.h"
#include "rpdata/dedup/simhash.h"
#include "rpdata/sources/books/books.h"

namespace rpdata::sources::books {
namespace {

// A marker line reduced to its letters: '*' and whitespace removed, ASCII upper-cased.
std::string squash(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '*' || c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    if (out.size() > 64) break;
  }
  return out;
}

bool starts_with_any(const std::string& s, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes)
    if (s.compare(0, p.size(), p) == 0) return true;
  return false;
}

bool is_start_marker(std::string_view line) {
  // "*** START OF THIS PROJECT GUTENBERG EBOOK X ***", "***START OF THE PROJECT GUTENBERG
  // EBOOK X***", "*** START OF THE COPYRIGHTED PROJECT GUTENBERG EBOOK", and the 1990s
  // "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*".
  return starts_with_any(squash(line), {"STARTOFTHISPROJECTGUTENBERG", "STARTOFTHEPROJECTGUTENBERG",
                                         "STARTOFPROJECTGUTENBERG", "STARTOFTHECOPYRIGHTEDPROJECTGUTENBERG",
                                         "ENDTHESMALLPRINT"});
}

bool is_end_marker(std::string_view line) {
  // "*** END OF THIS PROJECT GUTENBERG EBOOK X ***", "***END OF THE PROJECT GUTENBERG EBOOK
  // X***", and the plain lines before them: "End of Project Gutenberg's X", "End of the
  // Project Gutenberg EBook of X", "End of this Project Gutenberg Etext".
  return starts_with_any(squash(line), {"ENDOFTHISPROJECTGUTENBERG", "ENDOFTHEPROJECTGUTENBERG",
                                         "ENDOFPROJECTGUTENBERG", "ENDOFTHECOPYRIGHTEDPROJECTGUTENBERG"});
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

std::string strip_gutenberg_license(std::string_view text, bool* found) {
  if (found) *found = false;
  // Lines with their terminators, as [begin, end) offsets.
  size_t body_begin = std::string_view::npos, body_end = text.size();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, next - pos);
    if (body_begin == std::string_view::npos) {
      if (line.size() < 400 && is_start_marker(line)) body_begin = next;
    } else if (line.size() < 400 && is_end_marker(line)) {
      body_end = pos;
      break;
    }
    pos = next;
  }
  if (body_begin == std::string_view::npos) return std::string(text);
  if (found) *found = true;
  // Drop blank lines at both ends of the body; the last kept line loses its terminator.
  size_t b = body_begin, e = body_begin;  // [b, e): first to last non-blank line
  bool seen = false;
  for (size_t p = body_begin; p < body_end;) {
    size_t nl = text.find('\n', p);
    size_t next = nl == std::string_view::npos || nl >= body_end ? body_end : nl + 1;
    if (!is_blank(text.substr(p, next - p))) {
      if (!seen) b = p;
      seen = true;
      e = next;
    }
    p = next;
  }
  if (!seen) return {};
  std::string_view body = text.substr(b, e - b);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  return std::string(body);
}

PgStripLicenseStep::PgStripLicenseStep(const Params& params) {
  require_marker_ = params.get_bool("require_marker");
}

bool PgStripLicenseStep::keep(Document& doc, std::string& reason) {
  bool found = false;
  std::string stripped = strip_gutenberg_license(doc.text, &found);
  if (!found && require_marker_) {
    reason = "no_marker";
    return false;
  }
  if (found) doc.text = std::move(stripped);
  return true;
}

BookSimhashStep::BookSimhashStep(const Params& params) {
  int64_t w = params.get_int("width");
  if (w < 1 || w > 1000) throw ConfigError("book_simhash: width must be 1..1000");
  width_ = static_cast<int>(w);
  meta_key_ = params.get_string("meta_key");
}

void BookSimhashStep::process(Batch& batch) {
  for (auto& doc : batch.docs) doc.meta.set(meta_key_, dedup::simhash_hex(dedup::book_simhash(doc.text, width_)));
}

}  // namespace rpdata::sources::books
