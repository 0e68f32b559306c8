// The classifier's training corpus (spec §1.7): WARC writing read back by WarcReader, pages
// fetched from the fault-injecting loopback server into a WARC, WARC pages -> cc_net
// documents (hostile records counted), and create_corpus.py's training file.
#include "rpdata/quality/classifier_corpus.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <fstream>

#include "rpdata/core/error.h"
#include "rpdata/io/warc_writer.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/sources/commoncrawl/wet.h"
#include "rpdata/text/html_text.h"
#include "servers/server_process.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {
namespace fs = std::filesystem;

std::vector<io::WarcRecord> read_warc(const fs::path& p) {
  auto r = io::WarcReader::open(p);
  std::vector<io::WarcRecord> out;
  io::WarcRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

// Number of concatenated gzip members in `data` (-1 if damaged).
int gzip_members(const std::string& data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return -1;
  std::string out(1 << 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int members = 0;
  while (zs.avail_in > 0) {
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      ++members;
      inflateReset(&zs);
    } else if (rc != Z_OK) {
      members = -1;
      break;
    }
  }
  inflateEnd(&zs);
  return members;
}

std::string http(std::string_view content_type, std::string_view body, int status = 200) {
  std::string s = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  if (!content_type.empty()) s += "Content-Type: " + std::string(content_type) + "\r\n";
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  s += body;
  return s;
}

// A page whose text is `words` repeated to about `chars` characters, in paragraphs.
std::string html_page(const std::string& title, const std::string& words, size_t chars) {
  std::string body;
  while (body.size() < chars) body += "<p>" + words + " <b>bold</b> &amp; more</p>\n";
  return "<!DOCTYPE html><html><head><title>" + title + "</title><style>p{x:1}</style>"
         "<script>var s = '<p>no</p>';</script></head><body>" + body + "<!-- c --></body></html>";
}

TEST(WarcWriter, RecordsReadBackByWarcReader) {
  test::TempDir tmp;
  fs::path p = tmp / "out.warc.gz";
  {
    io::WarcWriter w(p);
    w.write_warcinfo({{"software", "test"}}, "out.warc.gz", "2023-04-01T00:00:00Z");
    w.write_response("http://a.org/", "2023-04-01T00:00:01Z", http("text/html", "<p>hello</p>"));
    w.write_response("http://b.org/", "2023-04-01T00:00:02Z", http("text/html", "cut"), true);
    EXPECT_FALSE(fs::exists(p));  // only complete files appear
    w.close();
    EXPECT_EQ(w.records(), 3u);
  }
  auto recs = read_warc(p);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].type(), "warcinfo");
  EXPECT_EQ(recs[1].type(), "response");
  EXPECT_EQ(recs[1].headers.get("WARC-Target-URI"), "http://a.org/");
  EXPECT_EQ(recs[1].block, http("text/html", "<p>hello</p>"));
  EXPECT_EQ(recs[1].headers.get("WARC-Block-Digest"), io::warc_sha1_digest(recs[1].block));
  EXPECT_EQ(recs[1].headers.get("WARC-Payload-Digest"), io::warc_sha1_digest("<p>hello</p>"));
  EXPECT_EQ(recs[2].headers.get("WARC-Truncated"), "length");
  // One gzip member per record.
  EXPECT_EQ(gzip_members(test::read_all(p)), 3);
  EXPECT_EQ(io::warc_sha1_digest(""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  EXPECT_EQ(io::warc_record_id("x"), io::warc_record_id("x"));
  EXPECT_NE(io::warc_record_id("x"), io::warc_record_id("y"));
}

TEST(PageDoc, HtmlBecomesTitleAndStrippedLines) {
  auto t = text::html_to_text(
      "<html><head><title> My  Page </title><script>x<y</script></head><body><div>One <span>1</span><span>Two</span>"
      "</div>\n<p>caf&eacute; &#233;&#x00e9; &nbsp;&lt;tag&gt; &bogus;</p><ul><li>a</li><li> b </li></ul>"
      "<noscript>hidden</noscript><br>last</body></html>");
  EXPECT_EQ(t.title, "My Page");
  EXPECT_EQ(t.text, "One 1Two\ncafé éé \u00a0<tag> &bogus;\na\nb\nlast");
}

TEST(PageDoc, HostileRecordsAreCountedNotThrown) {
  PageDoc d;
  io::WarcRecord r;
  r.headers.add("WARC-Type", "response");
  r.headers.add("WARC-Target-URI", "http://x.org/");
  r.block = "";
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kNoPayload);
  r.block = http("text/html", "");
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kNoPayload);
  r.block = "garbage without headers";
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kMalformedHttp);
  r.block = http("text/html", "<p>gone</p>", 404);
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kHttpStatus);
  r.block = http("application/pdf", "%PDF-1.4");
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kNotHtml);
  r.block = http("text/html; charset=windows-1252", "<p>caf\xe9</p>");
  EXPECT_EQ(warc_page_to_doc(r, d), PageResult::kNotUtf8);
  r.block = http("text/html; charset=utf-8", "<title>T</title><p>caf\xc3\xa9</p>");
  ASSERT_EQ(warc_page_to_doc(r, d), PageResult::kOk);
  EXPECT_EQ(d.title, "T");
  EXPECT_EQ(d.raw_content, "café");
  EXPECT_EQ(d.url, "http://x.org/");
  io::WarcRecord req;
  req.headers.add("WARC-Type", "request");
  EXPECT_EQ(warc_page_to_doc(req, d), PageResult::kNotResponse);
}

TEST(PageDoc, RealCommonCrawlWarcResponses) {
  RPDATA_REQUIRE_REALDATA(realdata);
  auto r = io::WarcReader::open(realdata / "commoncrawl/whirlwind/whirlwind.warc.gz");
  io::WarcRecord rec;
  int pages = 0;
  while (r.next(rec)) {
    PageDoc d;
    if (warc_page_to_doc(rec, d) != PageResult::kOk) continue;
    ++pages;
    EXPECT_EQ(d.url, "https://an.wikipedia.org/wiki/Escopete");
    EXPECT_EQ(d.title, "Escopete - Biquipedia, a enciclopedia libre");  // CommonCrawl's WET title line
    EXPECT_NE(d.raw_content.find("Cheograf"), std::string::npos);
    EXPECT_EQ(d.raw_content.find("<"), std::string::npos);
  }
  EXPECT_EQ(pages, 1);
}

class FetchToWarcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    python_ = test::find_python3();
    if (python_.empty()) GTEST_SKIP() << "*** python3 NOT FOUND: the fetch-to-WARC test did NOT run ***";
    test::write_all(tmp_ / "serve" / "a.html", html_page("A", "alpha page", 2000));
    test::write_all(tmp_ / "serve" / "b.html", html_page("B", "beta page", 3000));
    test::write_all(tmp_ / "serve" / "big.html", html_page("Big", "big page", 300000));
    std::string error;
    ASSERT_TRUE(server_.start(python_, test::source_dir() / "tests/servers/fault_server.py", {tmp_ / "serve"}, &error))
        << error;
  }
  static PageFetchOptions options() {
    PageFetchOptions o;
    o.threads = 3;
    o.fetch.max_attempts = 3;
    o.fetch.backoff_initial_s = 0.01;
    o.fetch.backoff_max_s = 0.05;
    o.fetch.connect_timeout_s = 5;
    o.fetch.progress = false;
    o.fetch.seed = 7;
    return o;
  }
  test::TempDir tmp_;
  fs::path python_;
  test::FaultServer server_;
};

TEST_F(FetchToWarcTest, PagesArriveInListOrderWithRetriesFailuresAndTruncation) {
  std::string b = server_.base();
  std::vector<std::string> urls = {b + "/ok/a.html", b + "/status/503/2/b.html", b + "/notfound/a.html",
                                   b + "/truncate/1/a.html", b + "/ok/big.html", b + "/status/500/9/b.html"};
  PageFetchOptions o = options();
  o.max_body_bytes = 100000;
  fs::path warc = tmp_ / "pages.warc.gz";
  PageFetchStats st = fetch_pages_to_warc(urls, warc, o);
  EXPECT_EQ(st.urls, 6u);
  EXPECT_EQ(st.written, 4u);
  EXPECT_EQ(st.failed, 2u);  // 404 at once; 500 after max_attempts
  EXPECT_EQ(st.truncated, 1u);
  auto recs = read_warc(warc);
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].type(), "warcinfo");
  const std::string a = test::read_all(tmp_ / "serve" / "a.html");
  const std::string bb = test::read_all(tmp_ / "serve" / "b.html");
  std::vector<std::pair<std::string, std::string>> want = {
      {urls[0], a}, {urls[1], bb}, {urls[3], a}, {urls[4], test::read_all(tmp_ / "serve" / "big.html").substr(0, 100000)}};
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& rec = recs[i + 1];
    EXPECT_EQ(rec.type(), "response");
    EXPECT_EQ(rec.headers.get("WARC-Target-URI"), want[i].first);
    auto resp = io::parse_http_response(rec.block);
    ASSERT_TRUE(resp.has_value());
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->payload, want[i].second) << want[i].first;
  }
  EXPECT_EQ(recs[4].headers.get("WARC-Truncated"), "length");
  // The archived pages become documents.
  PageDoc d;
  ASSERT_EQ(warc_page_to_doc(recs[1], d), PageResult::kOk);
  EXPECT_EQ(d.title, "A");
  EXPECT_EQ(d.raw_content.substr(0, 30), "alpha page bold & more\nalpha p");
}

// `classifier wet`: pages -> WET conversion records that cc_net's WET parsing reads back.
TEST(WetConversion, ConversionRecordsParseAsCcnetDocuments) {
  test::TempDir tmp;
  fs::path warc = tmp / "pages.warc.gz";
  std::string page = html_page("Cited page", "some cited text", 1200);
  {
    io::WarcWriter w(warc);
    w.write_warcinfo({}, "pages.warc.gz", "2023-04-01T00:00:00Z");
    w.write_response("http://cited.org/a", "2023-04-02T10:00:00Z", http("text/html", page));
    w.write_response("http://cited.org/b", "2023-04-02T10:00:01Z", http("text/html", "<p>caf\xe9</p>"));
    w.close();
  }
  WetConversionStats st = warc_to_wet(warc, tmp / "pages.warc.wet.gz");
  EXPECT_EQ(st.pages, 1u);
  EXPECT_EQ(st.drops["not_utf8"], 1);
  auto recs = read_warc(tmp / "pages.warc.wet.gz");
  ASSERT_EQ(recs.size(), 2u);
  const auto& c = recs[1];
  ASSERT_EQ(c.type(), "conversion");
  // cc_net reads these headers by position (after the version line at [0]).
  const auto& f = c.headers.fields();
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f[0].name, "WARC-Type");
  EXPECT_EQ(f[1].name, "WARC-Target-URI");
  EXPECT_EQ(f[2].name, "WARC-Date");
  EXPECT_EQ(f[5].name, "WARC-Block-Digest");
  EXPECT_EQ(f[7].name, "Content-Length");
  sources::commoncrawl::WetDocument doc;
  ASSERT_EQ(sources::commoncrawl::parse_wet_record(c, doc), sources::commoncrawl::WetResult::kOk);
  PageDoc want;
  auto src = read_warc(warc);
  ASSERT_EQ(warc_page_to_doc(src[1], want), PageResult::kOk);
  EXPECT_EQ(doc.url, "http://cited.org/a");
  EXPECT_EQ(doc.date_download, "2023-04-02T10:00:00Z");
  EXPECT_EQ(doc.title, "Cited page");
  EXPECT_EQ(doc.raw_content, want.raw_content);
  EXPECT_EQ(doc.digest, io::warc_sha1_digest(c.block));
}

// create_corpus.py on WARC positives and JSONL negatives.
TEST(TrainingCorpus, LabelsCountsAndPerFileQuota) {
  test::TempDir tmp;
  fs::path warc = tmp / "wiki.warc.gz";
  {
    io::WarcWriter w(warc);
    w.write_warcinfo({}, "wiki.warc.gz", "2023-04-01T00:00:00Z");
    std::string d = "2023-04-01T00:00:00Z";
    w.write_response("http://long1/", d, http("text/html", html_page("L1", "long one", 3000)));
    w.write_response("http://mid/", d, http("text/html", html_page("M", "mid size", 900)));  // >=300, <1000
    w.write_response("http://short/", d, http("text/html", "<title>S</title><p>tiny</p>"));  // < 300: cc_net drop
    w.write_response("http://latin1/", d, http("text/html", "<p>caf\xe9 " + std::string(400, 'x') + "</p>"));
    w.write_response("http://pdf/", d, http("application/pdf", std::string(2000, 'p')));
    w.write_response("http://gone/", d, http("text/html", html_page("G", "gone", 1500), 404));
    w.write("response", {{"WARC-Target-URI", "http://empty/"}}, "");
    w.write_response("http://long2/", d, http("text/plain", "Title line\n" + std::string(1200, 'w') + "\r\nend\n"));
    w.close();
  }
  auto cc_line = [](int f, int i) {
    return "{\"url\": \"u\", \"raw_content\": \"cc file " + std::to_string(f) + " doc " + std::to_string(i) +
           "\\nsecond\\u2028line\", \"bucket\": \"head\"}\n";
  };
  std::vector<fs::path> cc;
  for (int f = 0; f < 2; ++f) {
    std::string s;
    for (int i = 0; i < 5; ++i) s += cc_line(f, i);
    test::write_gz(tmp / ("en_head_000" + std::to_string(f) + ".json.gz"), s);
    cc.push_back(tmp / ("en_head_000" + std::to_string(f) + ".json.gz"));
  }
  test::write_all(tmp / "wiki_mined.jsonl",
                  "{\"raw_content\": \"" + std::string(999, 'q') + "\"}\n{\"raw_content\": \"" +
                      std::string(1000, 'r') + "\\n\\nz\"}\n");
  CorpusStats st = build_training_corpus({warc}, {tmp / "wiki_mined.jsonl"}, cc, tmp / "train.txt");
  // WARC: long1, mid, long2 reach cc_net's output (3 records); JSONL: 2 more. i = 5.
  EXPECT_EQ(st.wiki_records, 5);
  EXPECT_EQ(st.wiki_written, 3);  // long1, long2, and the 1000-char JSONL record
  EXPECT_DOUBLE_EQ(st.per_file, 2.5);
  EXPECT_EQ(st.cc_written, 4);  // j <= 2.5: two per file
  EXPECT_EQ(st.drops["too_short"], 1);
  EXPECT_EQ(st.drops["not_utf8"], 1);
  EXPECT_EQ(st.drops["not_html"], 1);
  EXPECT_EQ(st.drops["http_status"], 1);
  EXPECT_EQ(st.drops["no_payload"], 1);
  std::ifstream in(tmp / "train.txt");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("__label__wiki long one bold & more long one", 0), 0u);
  EXPECT_EQ(lines[1], "__label__wiki " + std::string(1200, 'w') + " end");
  EXPECT_EQ(lines[2], "__label__wiki " + std::string(1000, 'r') + "  z");  // splitlines keeps the empty line
  EXPECT_EQ(lines[3], "__label__cc cc file 0 doc 0 second line");           // U+2028 is a line break
  EXPECT_EQ(lines[4], "__label__cc cc file 0 doc 1 second line");
  EXPECT_EQ(lines[5], "__label__cc cc file 1 doc 0 second line");
  EXPECT_EQ(lines[6], "__label__cc cc file 1 doc 1 second line");
  EXPECT_THROW(build_training_corpus({warc}, {}, {}, tmp / "x.txt"), ConfigError);
}

}  // namespace
}  // namespace rpdata::quality
