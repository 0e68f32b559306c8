#include "rpdata/quality/wiki_urls.h"

#include <array>

#include "rpdata/io/input_stream.h"
#include "rpdata/io/xml_stream.h"
#include "rpdata/text/python_word.h"

namespace rpdata::quality {
namespace {

constexpr std::string_view kOpen = "&lt;ref&gt";
constexpr std::string_view kClose = "&lt;/ref&gt;";

// Decodes the code point starting at s[i] (valid UTF-8 assumed; a stray byte is one unit).
uint32_t decode_at(std::string_view s, size_t i, size_t* len) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
  if (n <= 0 || i + static_cast<size_t>(n) >= s.size()) {
    *len = 1;
    return b;
  }
  uint32_t cp = b & (0x3fu >> n);
  for (int k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  *len = static_cast<size_t>(n) + 1;
  return cp;
}

// The code point ending just before byte i (i > 0).
uint32_t decode_before(std::string_view s, size_t i) {
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xc0) == 0x80 && i - j < 4) --j;
  size_t len = 0;
  uint32_t cp = decode_at(s, j, &len);
  return j + len == i ? cp : static_cast<unsigned char>(s[i - 1]);
}

constexpr std::array<bool, 128> make_punct(std::string_view chars) {
  std::array<bool, 128> t{};
  for (char c : chars) t[static_cast<unsigned char>(c)] = true;
  return t;
}
// Class B = \w plus these; class A = B plus the backslash.
constexpr auto kBPunct = make_punct("/#~:.?+=&%@!-");
constexpr auto kTrail = make_punct(".:?-");

bool in_b(uint32_t cp) { return cp < 128 ? (kBPunct[cp] || text::is_python_word_char(cp)) : text::is_python_word_char(cp); }
// [.:?\-]: the tables cover ASCII only, so a byte of a multi-byte character is never in it.
bool is_trail(unsigned char b) { return b < kTrail.size() && kTrail[b]; }
bool in_a(uint32_t cp) { return cp == '\\' || in_b(cp); }

// Length of the scheme + ':' at i, or 0.
size_t scheme_at(std::string_view s, size_t i) {
  static constexpr std::string_view kSchemes[] = {"https:", "http:", "telnet:", "gopher:", "file:", "wais:", "ftp:"};
  for (auto sc : kSchemes)
    if (s.compare(i, sc.size(), sc) == 0) return sc.size();
  return 0;
}

// (?=[.:?\-]*(?:[^B]|$)) at q.
bool lookahead_ok(std::string_view s, size_t q) {
  while (q < s.size() && is_trail(static_cast<unsigned char>(s[q]))) ++q;
  if (q >= s.size()) return true;
  if (q + 1 == s.size() && s[q] == '\n') return true;  // Python's $ before a final newline
  size_t len = 0;
  return !in_b(decode_at(s, q, &len));
}

void find_urls(std::string_view s, std::vector<std::string>& out) {
  size_t p = 0;
  while (p < s.size()) {
    char c = s[p];
    bool candidate = c == 'h' || c == 't' || c == 'g' || c == 'f' || c == 'w';
    if (candidate && (p == 0 || !text::is_python_word_char(decode_before(s, p)))) {
      if (size_t n = scheme_at(s, p)) {
        size_t q = p + n;
        bool matched = false;
        while (q < s.size()) {
          size_t len = 0;
          if (!in_a(decode_at(s, q, &len))) break;
          q += len;
          if (lookahead_ok(s, q)) {
            matched = true;
            break;
          }
        }
        if (matched) {
          out.emplace_back(s.substr(p, q - p));
          p = q;
          continue;
        }
      }
    }
    ++p;
  }
}

class RefUrlHandler final : public io::XmlHandler {
 public:
  RefUrlHandler(WikiUrlStats& stats, const std::function<void(std::string_view)>& emit)
      : stats_(stats), emit_(emit) {}
  void start_element(std::string_view name) override {
    flush();
    if (name == "page") ++stats_.pages;
  }
  void end_element(std::string_view) override { flush(); }
  void text(std::string_view data) override {
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        line_.append(data);
        return;
      }
      line_.append(data.substr(0, nl));
      flush();
      data.remove_prefix(nl + 1);
    }
  }
  void flush() {
    if (line_.empty()) return;
    ++stats_.lines;
    // "&lt;ref&gt" and "&lt;/ref&gt;" in the escaped line are "<ref>" and "</ref>" here.
    if (line_.find("<ref>") != std::string::npos && line_.find("</ref>") != std::string::npos) {
      urls_.clear();
      std::string escaped = mediawiki_xml_escape(line_);
      size_t open = escaped.find(kOpen);
      size_t close = escaped.rfind(kClose);
      if (open != std::string::npos && close != std::string::npos && close >= open + kOpen.size()) {
        ++stats_.ref_lines;
        find_urls(std::string_view(escaped).substr(open, close + kClose.size() - open), urls_);
      }
      for (const auto& u : urls_) {
        ++stats_.urls;
        emit_(u);
      }
    }
    line_.clear();
  }

 private:
  WikiUrlStats& stats_;
  const std::function<void(std::string_view)>& emit_;
  std::string line_;
  std::vector<std::string> urls_;
};

}  // namespace

void extract_ref_urls(std::string_view line, std::vector<std::string>& out) {
  size_t open = line.find(kOpen);
  if (open == std::string_view::npos) return;
  size_t close = line.rfind(kClose);
  if (close == std::string_view::npos || close < open + kOpen.size()) return;
  find_urls(line.substr(open, close + kClose.size() - open), out);
}

std::string mediawiki_xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

WikiUrlStats extract_dump_urls(const std::filesystem::path& dump,
                               const std::function<void(std::string_view)>& emit) {
  WikiUrlStats stats;
  auto in = io::InputStream::open(dump);
  RefUrlHandler handler(stats, emit);
  auto xs = io::parse_xml_stream(*in, handler);
  handler.flush();
  stats.bytes = xs.bytes;
  return stats;
}

}  // namespace rpdata::quality
