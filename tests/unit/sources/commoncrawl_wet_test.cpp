// cc_net WET semantics (spec §1.3). Pinned whirlwind values come from running cc_net's
// group_by_docs/parse_doc (RedPajama's patched copy, transcribed line by line in
// tests/fixtures/commoncrawl/ccnet_wet_reference.py) on the real file with Python 3.11.
// The by-position test below ports that code literally to show reading headers by name
// gives the same documents on a real post-2020 WET.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "rpdata/core/error.h"
#include "rpdata/io/hash.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/sources/commoncrawl/wet.h"
#include "rpdata/text/utf8.h"
#include "test_support.h"

namespace rpdata::sources::commoncrawl {
namespace {
using test::TempDir;

const std::string* str(const Document& d, std::string_view key) {
  const MetaValue* v = d.meta.find(key);
  return v ? std::get_if<std::string>(v) : nullptr;
}
int64_t num(const Document& d, std::string_view key) {
  const MetaValue* v = d.meta.find(key);
  return v && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : -1;
}

std::vector<Document> read_docs(const std::filesystem::path& p, WetOptions o, DropCounts* drops = nullptr) {
  WetReader r(p, std::move(o));
  std::vector<Document> out;
  Document d;
  while (r.next(d)) out.push_back(d);
  if (drops) *drops = r.drops();
  return out;
}

// --- cc_net's process_wet_file.py, ported line by line (by position, not by name) -------
// togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:
// data_prep/cc/cc_net/cc_net/process_wet_file.py (parse_doc with RedPajama's index-9/8
// Content-Length patch, group_by_docs) over the text gzip.open(..., "rt") gives. Deliberate
// differences: the input is bytes (Python would stop at invalid UTF-8); int() is modelled for
// ASCII digits only (Python also takes other Unicode decimal digits); the uncaught IndexError
// of parse_doc's doc[-2] on a one-line body is thrown as std::out_of_range.
std::vector<std::string> python_split(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    std::string_view t = text::python_first_token(s);
    if (t.empty()) return out;
    out.emplace_back(t);
    s = s.substr(static_cast<size_t>(t.data() + t.size() - s.data()));
  }
}

// Python's int(s) on a str without surrounding whitespace, ASCII digits only: an optional
// sign, then digits with single underscores between them; nullopt where int() raises ValueError.
std::optional<int64_t> python_int(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  std::string digits;
  for (size_t k = i; k < s.size(); ++k) {
    char c = s[k];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '_' || k == i || k + 1 == s.size() || s[k + 1] < '0' || s[k + 1] > '9') {
      return std::nullopt;
    }
  }
  if (digits.empty()) return std::nullopt;
  int64_t v = std::stoll(digits);
  return s[0] == '-' ? -v : v;
}

struct CcNetDoc {
  std::string url, date, digest, title, raw_content, source_domain;
  int64_t length = 0, nlines = 0;
};

std::optional<CcNetDoc> ccnet_parse_doc(const std::vector<std::string>& headers, std::vector<std::string> doc) {
  if (headers.empty() || doc.empty()) return std::nullopt;
  auto field = [&](size_t i) -> std::optional<std::string> {  // headers[i].split()[1]
    if (i >= headers.size()) return std::nullopt;
    auto parts = python_split(headers[i]);
    if (parts.size() < 2) return std::nullopt;
    return parts[1];
  };
  if (field(1) != "conversion") return std::nullopt;
  CcNetDoc d;
  auto url = field(2), date = field(3), digest = field(6);
  if (!url || !date || !digest) return std::nullopt;
  auto len = field(9);  // RedPajama patch: index 9, IndexError -> index 8
  if (!len) len = field(8);
  if (!len) return std::nullopt;
  auto length = python_int(*len);  // ValueError: caught by parse_doc's outer except -> None
  if (!length) return std::nullopt;
  d.url = *url;
  d.date = *date;
  d.digest = *digest;
  d.length = *length;
  size_t last = doc.size();
  if (doc.back().empty()) {  // `not doc[-1] and not doc[-2]`, outside parse_doc's try
    if (doc.size() < 2) throw std::out_of_range("cc_net parse_doc: IndexError on doc[-2]");
    if (doc[doc.size() - 2].empty()) last -= 2;
  }
  d.title = doc[0];
  for (size_t i = 1; i < last; ++i) {
    if (i > 1) d.raw_content += '\n';
    d.raw_content += doc[i];
  }
  d.nlines = static_cast<int64_t>(last > 1 ? last - 1 : 0);
  d.source_domain = url_netloc(d.url);
  return d;
}

std::vector<CcNetDoc> ccnet_group_by_docs(const std::string& file_text) {
  // gzip.open(..., "rt"): universal newlines, then every line .strip()ped.
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < file_text.size(); ++i) {
    if (file_text[i] != '\n' && file_text[i] != '\r') continue;
    lines.emplace_back(text::python_strip(std::string_view(file_text).substr(start, i - start)));
    if (file_text[i] == '\r' && i + 1 < file_text.size() && file_text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < file_text.size()) lines.emplace_back(text::python_strip(std::string_view(file_text).substr(start)));
  std::vector<CcNetDoc> out;
  std::vector<std::string> headers, doc;
  bool read_headers = true;
  for (const std::string& warc : lines) {
    if (read_headers) {
      headers.push_back(warc);
      read_headers = !warc.empty();
      continue;
    }
    if (warc == "WARC/1.0") {
      if (auto p = ccnet_parse_doc(headers, doc)) out.push_back(*p);
      headers = {warc};
      doc.clear();
      read_headers = true;
      continue;
    }
    doc.push_back(warc);
  }
  if (!doc.empty())
    if (auto p = ccnet_parse_doc(headers, doc)) out.push_back(*p);
  return out;
}
// ------------------------------------------------------------------------------------------

TEST(Utf8PythonStrip, WhitespaceSetMatchesCPython) {
  int n = 0;
  for (uint32_t cp = 0; cp < 0x110000; ++cp) n += text::is_python_space(cp);
  EXPECT_EQ(n, 29);  // len([c for c in range(0x110000) if chr(c).isspace()])
  EXPECT_EQ(text::python_strip("\u3000\u00a0 x y\t\u2029\u0085\x1c"), "x y");
  EXPECT_EQ(text::python_strip("\u200bx\u180e"), "\u200bx\u180e");  // not whitespace in Python 3
  EXPECT_EQ(text::python_strip("\u2000\u200a"), "");
  EXPECT_EQ(text::python_strip("é\u202f"), "é");
  EXPECT_EQ(text::python_first_token("\u3000 sha1:ABC\u00a0rest"), "sha1:ABC");
  EXPECT_EQ(python_split("WARC-Type:  conversion \u2003x"), (std::vector<std::string>{"WARC-Type:", "conversion", "x"}));
}

TEST(Wet, UrlNetlocMatchesUrllib) {
  // Expected values printed by Python 3.11's urllib.parse.urlparse(u).netloc.
  EXPECT_EQ(url_netloc("https://an.wikipedia.org/wiki/Escopete"), "an.wikipedia.org");
  EXPECT_EQ(url_netloc("http://user:pw@Host:80?q"), "user:pw@Host:80");
  EXPECT_EQ(url_netloc("example.com/x"), "");
  EXPECT_EQ(url_netloc("//host/path"), "host");
  EXPECT_EQ(url_netloc("HTTP://A.B#f"), "A.B");
  EXPECT_EQ(url_netloc("1http://x"), "");
  EXPECT_EQ(url_netloc("mailto:x@y"), "");
  EXPECT_EQ(url_netloc("\x01 http://a.b/c"), "a.b");
  EXPECT_EQ(url_netloc("https://[::1]:8/x"), "[::1]:8");
  EXPECT_EQ(url_netloc("ht\ttp://a\nb.c/"), "ab.c");
}

TEST(Wet, WhirlwindMatchesCcNetReference) {
  RPDATA_REQUIRE_REALDATA(real);
  auto path = real / "commoncrawl/whirlwind/whirlwind.warc.wet.gz";
  WetOptions o;
  o.cc_segment = "crawl-data/CC-MAIN-2024-22/segments/1715971057216.39/wet/CC-MAIN-20240517233122-20240518023122-00000.warc.wet.gz";
  DropCounts drops;
  auto docs = read_docs(path, o, &drops);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_TRUE(drops.empty());
  const Document& d = docs[0];
  EXPECT_EQ(d.id, "whirlwind.warc.wet.gz/1");
  EXPECT_EQ(d.source, "commoncrawl");
  std::vector<std::string> keys;
  for (const auto& [k, v] : d.meta.entries()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"url", "date_download", "digest", "length", "nlines", "source_domain",
                                            "title", "cc_segment"}));
  EXPECT_EQ(*str(d, "url"), "https://an.wikipedia.org/wiki/Escopete");
  EXPECT_EQ(*str(d, "date_download"), "2024-05-18T01:58:10Z");
  EXPECT_EQ(*str(d, "digest"), "sha1:RDTSR52RUHWDA7QK4BK7OUHU3EXTXYUL");
  EXPECT_EQ(num(d, "length"), 4456);  // Content-Length (bytes), as cc_net's parse_doc
  EXPECT_EQ(num(d, "nlines"), 181);
  EXPECT_EQ(*str(d, "source_domain"), "an.wikipedia.org");
  EXPECT_EQ(*str(d, "title"), "Escopete - Biquipedia, a enciclopedia libre");
  EXPECT_EQ(*str(d, "cc_segment"), o.cc_segment);
  EXPECT_EQ(text::codepoint_count(d.text), 4258u);
  EXPECT_EQ(d.text.size(), 4411u);
  EXPECT_EQ(io::sha256_hex(d.text), "1be24044feebe34d83bbd50769233ec43ea7e638e698cf7e597bef1f2dc59782");
  EXPECT_EQ(d.text.substr(0, 31), "Ir al contenido\nMenú principal");
  EXPECT_EQ(d.text.substr(d.text.size() - 24), "de anchura del contenido");

  // min_len above the document: dropped and counted (reference script with min_len 5000: none).
  o.min_len = 5000;
  EXPECT_TRUE(read_docs(path, o, &drops).empty());
  EXPECT_EQ(drops, (DropCounts{{"too_short", 1}}));
}

// The port's int() and doc[-2] follow Python (values from python3's int()).
TEST(Wet, CcNetPortFollowsPythonIntAndIndexError) {
  using O = std::optional<int64_t>;
  EXPECT_EQ(python_int("886"), O(886));
  EXPECT_EQ(python_int("+7"), O(7));
  EXPECT_EQ(python_int("-3"), O(-3));
  EXPECT_EQ(python_int("1_000"), O(1000));
  EXPECT_EQ(python_int("0012"), O(12));
  for (const char* bad : {"12abc", "abc", "_1", "1_", "1__0", "", "+", "+_1"})
    EXPECT_EQ(python_int(bad), std::nullopt) << bad;
  std::vector<std::string> headers = {"WARC/1.0",
                                      "WARC-Type: conversion",
                                      "WARC-Target-URI: http://a.org/",
                                      "WARC-Date: 2019-07-15T10:00:00Z",
                                      "WARC-Record-ID: <urn:uuid:1>",
                                      "WARC-Refers-To: <urn:uuid:2>",
                                      "WARC-Block-Digest: sha1:AAAA",
                                      "Content-Type: text/plain",
                                      "Content-Length: 5",
                                      ""};
  EXPECT_EQ(ccnet_parse_doc(headers, {"T", "body"})->raw_content, "body");
  EXPECT_THROW(ccnet_parse_doc(headers, {""}), std::out_of_range);  // cc_net: IndexError
  headers[8] = "Content-Length: 5x";                                // int() ValueError -> None
  EXPECT_FALSE(ccnet_parse_doc(headers, {"T", "body"}).has_value());
}

TEST(Wet, ByNameEqualsCcNetByPositionOnRealWet) {
  RPDATA_REQUIRE_REALDATA(real);
  auto path = real / "commoncrawl/whirlwind/whirlwind.warc.wet.gz";
  std::string file_text;
  {
    auto in = io::InputStream::open(path);
    char buf[65536];
    while (size_t n = in->read(buf, sizeof(buf))) file_text.append(buf, n);
  }
  auto ref = ccnet_group_by_docs(file_text);
  WetOptions o;
  o.min_len = 0;
  auto docs = read_docs(path, o);
  ASSERT_EQ(ref.size(), 1u);
  ASSERT_EQ(docs.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    EXPECT_EQ(*str(docs[i], "url"), ref[i].url);
    EXPECT_EQ(*str(docs[i], "date_download"), ref[i].date);
    EXPECT_EQ(*str(docs[i], "digest"), ref[i].digest);
    EXPECT_EQ(num(docs[i], "length"), ref[i].length);
    EXPECT_EQ(num(docs[i], "nlines"), ref[i].nlines);
    EXPECT_EQ(*str(docs[i], "source_domain"), ref[i].source_domain);
    EXPECT_EQ(*str(docs[i], "title"), ref[i].title);
    EXPECT_EQ(docs[i].text, ref[i].raw_content);
  }
}

std::string wet_record(std::string_view block, bool language_header = true, std::string_view date = "2019-07-15T10:00:00Z") {
  std::string s = "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://Example.com:8080/a?b\r\n";
  if (!date.empty()) s += "WARC-Date: " + std::string(date) + "\r\n";
  s += "WARC-Record-ID: <urn:uuid:1>\r\nWARC-Refers-To: <urn:uuid:2>\r\n"
       "WARC-Block-Digest: sha1:AAAA\r\n";
  if (language_header) s += "WARC-Identified-Content-Language: eng\r\n";
  s += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  s += block;
  s += "\r\n\r\n";
  return s;
}

TEST(Wet, SyntheticRecordsFollowCcNetLineRules) {
  TempDir dir;
  std::string warcinfo = "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n";
  std::string body1 = "  Title \u3000\nline one \n\u00a0\n\tline\rthree\r\n";     // trailing "\n": two empty lines dropped
  std::string body2 = "T\nno final newline";                                          // one empty line kept (cc_net quirk)
  std::string body3 = "T\nbad \xff utf8\n";
  std::string file = warcinfo + wet_record(body1, false) + wet_record(body2) + wet_record(body3) +
                     wet_record("T\nx\n", true, "");
  test::write_all(dir / "s.warc.wet", file);
  WetOptions o;
  o.min_len = 0;
  o.cc_segment = "seg";
  DropCounts drops;
  auto docs = read_docs(dir / "s.warc.wet", o, &drops);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(*str(docs[0], "title"), "Title");
  EXPECT_EQ(docs[0].text, "line one\n\nline\nthree");
  EXPECT_EQ(num(docs[0], "nlines"), 4);
  EXPECT_EQ(num(docs[0], "length"), static_cast<int64_t>(body1.size()));
  EXPECT_EQ(*str(docs[0], "source_domain"), "Example.com:8080");
  EXPECT_EQ(docs[0].id, "s.warc.wet/1");
  EXPECT_EQ(*str(docs[1], "title"), "T");
  EXPECT_EQ(docs[1].text, "no final newline\n");
  EXPECT_EQ(num(docs[1], "nlines"), 2);
  EXPECT_EQ(drops, (DropCounts{{"invalid_utf8", 1}, {"missing_header", 1}}));

  // The literal by-position port agrees on the records cc_net can parse (the invalid UTF-8
  // record would abort cc_net's whole file; the one without WARC-Date shifts its positions).
  auto ref = ccnet_group_by_docs(warcinfo + wet_record(body1, false) + wet_record(body2));
  ASSERT_EQ(ref.size(), 2u);
  EXPECT_EQ(ref[0].raw_content, docs[0].text);
  EXPECT_EQ(ref[0].nlines, 4);
  EXPECT_EQ(ref[1].raw_content, docs[1].text);
  EXPECT_EQ(ref[1].length, num(docs[1], "length"));

  // Batches carry the same drops; min_len counts code points ("é" is one).
  o.min_len = 18;  // doc 0 has 20 code points, doc 1 has 17
  WetReader r(dir / "s.warc.wet", o);
  Batch b;
  ASSERT_TRUE(r.next(b));
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].text, docs[0].text);
  EXPECT_EQ(b.drops, (DropCounts{{"invalid_utf8", 1}, {"missing_header", 1}, {"too_short", 1}}));
  EXPECT_FALSE(r.next(b));
}

TEST(Wet, MinLenCountsCodePoints) {
  TempDir dir;
  std::string body = "T\n" + std::string(150, 'a');
  for (int i = 0; i < 150; ++i) body += "é";  // 300 code points, 450 bytes
  body += "\n";
  test::write_all(dir / "m.warc.wet", wet_record(body) + wet_record("T\n" + std::string(299, 'a') + "\n"));
  DropCounts drops;
  auto docs = read_docs(dir / "m.warc.wet", WetOptions{}, &drops);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(text::codepoint_count(docs[0].text), 300u);
  EXPECT_EQ(drops, (DropCounts{{"too_short", 1}}));
}

TEST(Wet, DamagedSegmentThrowsByDefault) {
  TempDir dir;
  std::string rec = wet_record("T\n" + std::string(400, 'a') + "\n");
  test::write_all(dir / "cut.warc.wet", rec + rec.substr(0, rec.size() - 50));
  EXPECT_THROW(read_docs(dir / "cut.warc.wet", WetOptions{}), TruncatedInputError);
  WetOptions o;
  o.warc.throw_on_damage = false;
  DropCounts drops;
  EXPECT_EQ(read_docs(dir / "cut.warc.wet", o, &drops).size(), 1u);
  EXPECT_EQ(drops, (DropCounts{{"warc_truncated", 1}}));
}

}  // namespace
}  // namespace rpdata::sources::commoncrawl

namespace rpdata::sources::commoncrawl {
namespace {

// Mutated real WET (byte flips, cuts, inserted line breaks and whitespace): documents or
// counted drops, never a crash or an escaping exception with throw_on_damage off.
TEST(Wet, MutatedRealWetNeverCrashes) {
  RPDATA_REQUIRE_REALDATA(real);
  TempDir dir;
  std::string plain;
  {
    auto in = io::InputStream::open(real / "commoncrawl/whirlwind/whirlwind.warc.wet.gz");
    char buf[65536];
    while (size_t n = in->read(buf, sizeof(buf))) plain.append(buf, n);
  }
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto rnd = [&]() { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  const char* inserts[] = {"\r", "\n", "\r\n\r\n", "\xc2\xa0", "\xe3\x80\x80", "\xff", "WARC/1.0\r\n"};
  for (int round = 0; round < 300; ++round) {
    std::string data = plain;
    for (int e = 0, edits = 1 + static_cast<int>(rnd() % 6); e < edits && !data.empty(); ++e) {
      size_t at = rnd() % data.size();
      switch (rnd() % 3) {
        case 0: data[at] = static_cast<char>(rnd()); break;
        case 1: data.insert(at, inserts[rnd() % std::size(inserts)]); break;
        default: data.resize(std::max<size_t>(at, data.size() - 64)); break;
      }
    }
    test::write_all(dir / "m.warc.wet", data);
    WetOptions o;
    o.min_len = 0;
    o.warc.throw_on_damage = false;
    DropCounts drops;
    for (const Document& d : read_docs(dir / "m.warc.wet", o, &drops)) {
      EXPECT_TRUE(text::is_valid_utf8(d.text));
      EXPECT_EQ(d.text.find('\r'), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace rpdata::sources::commoncrawl
