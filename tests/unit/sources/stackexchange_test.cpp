// StackExchange reader: Q/A assembly as filter.py + post_processing.py, the 7z member
// stream, site selection helpers, files.xml, and bad input (corrupt/truncated 7z, malformed
// rows, entity bombs, a 50 MB post, invalid UTF-8).
#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/io/json_writer.h"
#include "rpdata/sources/stackexchange/stackexchange.h"
#include "test_support.h"

namespace rpdata::sources::stackexchange {
namespace {
namespace fs = std::filesystem;

std::string posts_xml(const std::string& rows) {
  return "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n" + rows + "</posts>";
}
std::string q(int id, const std::string& score, const std::string& title, const std::string& body) {
  return "  <row Id=\"" + std::to_string(id) + "\" PostTypeId=\"1\" Score=\"" + score + "\" Body=\"" +
         xml_escape_attr(body) + "\" Title=\"" + xml_escape_attr(title) + "\" />\n";
}
std::string a(int id, int parent, const std::string& score, const std::string& body) {
  return "  <row Id=\"" + std::to_string(id) + "\" PostTypeId=\"2\" ParentId=\"" + std::to_string(parent) +
         "\" Score=\"" + score + "\" Body=\"" + xml_escape_attr(body) + "\" />\n";
}

struct Result {
  std::vector<Document> docs;
  DropCounts drops;
};

Result read_all_docs(const fs::path& path, PostsReaderOptions o = {}) {
  if (o.id_prefix.empty()) o.id_prefix = path.filename().string();
  // Files named after no site (corrupt.7z, Posts.xml) are read as a test site's.
  if (o.site.empty() && path.filename().string().find(".stackexchange.com") == std::string::npos)
    o.site = "test.stackexchange.com";
  PostsReader reader(path, o);
  Result r;
  Batch b;
  while (reader.next(b)) {
    for (auto& d : b.docs) r.docs.push_back(std::move(d));
    for (const auto& [k, v] : b.drops) r.drops[k] += v;
  }
  return r;
}

std::string record(const Document& d) {
  std::string out;
  io::append_record(out, d, io::JsonStyle::kPython, io::RecordLayout::kTextMeta);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(StackExchangeReader, AssemblesQuestionsAndAnswersAsRedPajama) {
  test::TempDir dir;
  std::string rows = a(10, 2, "1", "<p>early answer</p>\n") +  // before its question
                     q(1, "5", "Unanswered", "<p>body one</p>\n") +
                     q(2, "7", "Why x<y?", "<p>body &amp; two</p>\n") +
                     a(11, 2, "9", "<p>nine</p>") + a(12, 2, "10", "<p>ten</p>") +
                     "  <row Id=\"3\" PostTypeId=\"4\" Score=\"0\" Body=\"&lt;p&gt;tag wiki&lt;/p&gt;\" />\n" +
                     a(13, 77, "3", "<p>orphan</p>") + a(14, 2, "-1", "<p>minus</p>") +
                     "  <row Id=\"4\" PostTypeId=\"1\" Body=\"&lt;p&gt;no score&lt;/p&gt;\" Title=\"T4\" />\n";
  test::write_all(dir / "beer.stackexchange.com-Posts.xml", posts_xml(rows));
  auto r = read_all_docs(dir / "beer.stackexchange.com-Posts.xml");
  ASSERT_EQ(r.docs.size(), 3u);
  EXPECT_EQ(r.docs[0].text, "Q: Unanswered body one\n");
  // "Why x<y? <p>body": the unescaped '<' of the title starts a tag up to the next '>' (as in BeautifulSoup/lxml).
  // Answers by score *string*, descending: "9" > "10" > "1" > "-1"; the early answer counts.
  EXPECT_EQ(r.docs[1].text, "Q: Why xbody & two\n\nA: nine\nA: ten\nA: early answer\n\nA: minus");
  EXPECT_EQ(record(r.docs[1]),
            "{\"text\": \"Q: Why xbody & two\\n\\nA: nine\\nA: ten\\nA: early answer\\n\\nA: minus\", \"meta\": {\"language\": \"\", "
            "\"url\": \"https://beer.stackexchange.com/questions/2\", \"timestamp\": \"2023-03-29\", \"source\": "
            "\"stackexchange\", \"question_score\": \"7\"}}");
  // An unanswered question without Score: filter.py's default is the int 0.
  EXPECT_EQ(record(r.docs[2]).substr(record(r.docs[2]).find("question_score")), "question_score\": 0}}");
  EXPECT_EQ(r.docs[0].id, "beer.stackexchange.com-Posts.xml/0");
  EXPECT_EQ(r.drops["read:orphan_answer"], 1);
  EXPECT_EQ(r.drops["read:post_without_title"], 1);

  PostsReaderOptions numeric;
  numeric.score_order = ScoreOrder::kNumeric;
  auto n = read_all_docs(dir / "beer.stackexchange.com-Posts.xml", numeric);
  EXPECT_EQ(n.docs[1].text, "Q: Why xbody & two\n\nA: ten\nA: nine\nA: early answer\n\nA: minus");

  // Bounded memory: questions logged to disk, answers externally sorted in 1-byte chunks
  // (every answer its own run): the same documents and drops.
  PostsReaderOptions bounded;
  bounded.max_buffer_bytes = 1;
  bounded.spill_dir = dir / "spill";
  auto e = read_all_docs(dir / "beer.stackexchange.com-Posts.xml", bounded);
  ASSERT_EQ(e.docs.size(), r.docs.size());
  for (size_t i = 0; i < e.docs.size(); ++i) EXPECT_EQ(record(e.docs[i]), record(r.docs[i]));
  EXPECT_EQ(e.drops, r.drops);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "spill"));  // temporary files removed
}

TEST(StackExchangeReader, StreamsPostsXmlOutOf7z) {
  test::TempDir dir;
  std::string xml = posts_xml(q(1, "2", "Hello", "<p>Hi &amp; bye</p>\n") + a(2, 1, "3", "<p>ans</p>\n"));
  write_7z(dir / "tea.stackexchange.com.7z",
           {{"Badges.xml", posts_xml("")}, {"Posts.xml", xml}, {"Users.xml", posts_xml("")}});
  test::write_all(dir / "Posts.xml", xml);
  auto from7z = read_all_docs(dir / "tea.stackexchange.com.7z");
  PostsReaderOptions o;
  o.site = "tea.stackexchange.com";
  auto plain = read_all_docs(dir / "Posts.xml", o);
  ASSERT_EQ(from7z.docs.size(), 1u);
  EXPECT_EQ(from7z.docs[0].text, "Q: Hello Hi & bye\n\nA: ans\n");
  EXPECT_EQ(record(from7z.docs[0]), record(plain.docs[0]));
  EXPECT_EQ(count_posts(dir / "tea.stackexchange.com.7z"), 2);
  EXPECT_EQ(count_posts(dir / "Posts.xml"), 2);
  write_7z(dir / "no_posts.7z", {{"Users.xml", posts_xml("")}});
  EXPECT_THROW(read_all_docs(dir / "no_posts.7z"), InputError);
}

TEST(StackExchangeReader, SiteNamesAndSelection) {
  EXPECT_EQ(site_from_unit_name("beer.stackexchange.com.7z"), "beer.stackexchange.com");
  EXPECT_EQ(site_from_unit_name("stackoverflow.com-Posts.7z"), "stackoverflow.com");
  EXPECT_EQ(site_from_unit_name("math.meta.stackexchange.com.7z"), "math.meta.stackexchange.com");
  // A Posts.xml taken out of its dump by hand names no site: an error, not https://Posts/...
  for (const char* name : {"Posts.xml", "Posts.7z", "dump/Posts.xml", "-Posts.xml"})
    EXPECT_THROW(site_from_unit_name(name), ConfigError) << name;
  auto top = select_top_sites({{"b", 5}, {"a", 5}, {"c", 9}, {"d", 1}}, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].name, "c");
  EXPECT_EQ(top[1].name, "a");
  EXPECT_EQ(top[2].name, "b");
}

// --- bad input -----------------------------------------------------------------------

std::string sample_site_7z(const fs::path& dir) {
  auto names = write_sample(dir);
  return names[0];
}

TEST(StackExchangeBadInput, Corrupt7zIsAnInputError) {
  test::TempDir dir;
  std::string name = sample_site_7z(dir.path());
  std::string bytes = test::read_all(dir / name);
  for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  test::write_all(dir / "corrupt.7z", bytes);
  EXPECT_THROW(read_all_docs(dir / "corrupt.7z"), InputError);
}

TEST(StackExchangeBadInput, Truncated7zIsAnInputError) {
  test::TempDir dir;
  std::string name = sample_site_7z(dir.path());
  std::string bytes = test::read_all(dir / name);
  test::write_all(dir / "cut.7z", bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(read_all_docs(dir / "cut.7z"), InputError);
  test::write_all(dir / "cut_header.7z", bytes.substr(0, 20));
  EXPECT_THROW(read_all_docs(dir / "cut_header.7z"), InputError);
}

// libarchive reports a cut 7z without a message; the error must still say what happened,
// with the path and an offset.
TEST(StackExchangeBadInput, Truncated7zSaysTruncatedWithPathAndOffset) {
  test::TempDir dir;
  std::string name = sample_site_7z(dir.path());
  std::string bytes = test::read_all(dir / name);
  test::write_all(dir / "cut.7z", bytes.substr(0, 64));
  try {
    read_all_docs(dir / "cut.7z");
    FAIL() << "no error";
  } catch (const TruncatedInputError& e) {
    EXPECT_NE(e.message().find("truncated 7z archive"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("unknown libarchive error"), std::string::npos) << e.message();
    EXPECT_EQ(e.path(), (dir / "cut.7z").string());
    ASSERT_TRUE(e.offset().has_value());
    EXPECT_LE(*e.offset(), 64u);
  }
}

// The fuzzer's cut .7z (its first byte is the fuzzer's mode byte): the reader's constructor
// throws, and must free the libarchive handle it opened (checked by the ASan build).
TEST(StackExchangeBadInput, FuzzerCut7zThrowsFromTheConstructorWithoutLeaking) {
  RPDATA_REQUIRE_FINDING(finding, "fuzz_se-leak-trunc-7z.bin");
  test::TempDir dir;
  test::write_all(dir / "site.7z", test::read_all(finding).substr(1));
  EXPECT_THROW(PostsReader(dir / "site.7z", PostsReaderOptions{}), TruncatedInputError);
}

// With max_buffer_bytes, answers that come before their question (or have none) are held only
// up to the budget, then logged to disk and matched after the pass: same documents and the
// same orphan count as the in-memory mode.
TEST(StackExchangeReader, AnswersBeforeTheirQuestionBeyondTheBufferSpillAndStillMatch) {
  test::TempDir dir;
  std::string rows;
  for (int i = 0; i < 300; ++i) rows += a(1000 + i, 900000 + i, "1", "<p>orphan " + std::string(200, 'o') + "</p>");
  for (int i = 0; i < 50; ++i) rows += a(2000 + i, 1 + i % 10, std::to_string(i), "<p>early " + std::to_string(i) + "</p>");
  for (int i = 0; i < 10; ++i) rows += q(1 + i, "3", "Title " + std::to_string(i), "<p>q</p>");
  for (int i = 0; i < 20; ++i) rows += a(3000 + i, 1 + i % 10, "2", "<p>late " + std::to_string(i) + "</p>");
  test::write_all(dir / "tea.stackexchange.com-Posts.xml", posts_xml(rows));
  Result memory = read_all_docs(dir / "tea.stackexchange.com-Posts.xml");
  PostsReaderOptions o;
  o.max_buffer_bytes = 4096;
  o.spill_dir = dir / "spill";
  Result bounded = read_all_docs(dir / "tea.stackexchange.com-Posts.xml", o);
  ASSERT_EQ(memory.docs.size(), 10u);
  ASSERT_EQ(bounded.docs.size(), memory.docs.size());
  for (size_t i = 0; i < memory.docs.size(); ++i) EXPECT_EQ(record(bounded.docs[i]), record(memory.docs[i]));
  EXPECT_NE(memory.docs[0].text.find("early 0"), std::string::npos);
  EXPECT_EQ(memory.drops["read:orphan_answer"], 300);
  EXPECT_EQ(bounded.drops["read:orphan_answer"], 300);
  EXPECT_TRUE(fs::is_empty(dir / "spill"));  // the logs are removed
}

TEST(StackExchangeBadInput, TruncatedXmlWithoutFooter) {
  test::TempDir dir;
  std::string xml = posts_xml(q(1, "1", "T", "<p>b</p>"));
  test::write_all(dir / "tea.stackexchange.com-Posts.xml", xml.substr(0, xml.size() - 20));
  EXPECT_THROW(read_all_docs(dir / "tea.stackexchange.com-Posts.xml"), TruncatedInputError);
}

TEST(StackExchangeBadInput, MalformedRowsAndInvalidUtf8AreCountedDrops) {
  test::TempDir dir;
  std::string rows = q(1, "1", "Good", "<p>ok</p>") + "  <row Id=\"2\" Title=\"broken <row\n" +
                     "  <row Id=\"3\" Title=\"bad \xC3\x28 utf8\" Body=\"x\" Score=\"1\" />\n" +
                     "  <row Id=\"4\" Title=\"&undefined;\" Body=\"x\" Score=\"1\" />\n" +
                     "  <notarow Id=\"5\" />\n" + q(6, "2", "Also good", "<p>fine</p>");
  test::write_all(dir / "Posts.xml", posts_xml(rows));
  auto r = read_all_docs(dir / "Posts.xml");
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[0].text, "Q: Good ok");
  EXPECT_EQ(r.docs[1].text, "Q: Also good fine");
  EXPECT_EQ(r.drops["read:malformed_row"], 3);
  EXPECT_EQ(r.drops["read:not_a_row"], 1);
}

TEST(StackExchangeBadInput, EntityBombIsRefusedNotExpanded) {
  test::TempDir dir;
  std::string bomb = "<!DOCTYPE posts [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>";
  // As the dump's second line: refused (not <posts>).
  test::write_all(dir / "header.xml", "<?xml version=\"1.0\"?>\n" + bomb + "\n<posts>\n" +
                                          q(1, "1", "&d;", "x") + "</posts>");
  EXPECT_THROW(read_all_docs(dir / "header.xml"), InputError);
  // Inside a row line: expat stops at the DOCTYPE, nothing is expanded.
  test::write_all(dir / "row.xml", posts_xml(bomb + "<row Id=\"1\" Title=\"&d;&d;&d;\" Body=\"x\" Score=\"1\" />\n"));
  EXPECT_THROW(read_all_docs(dir / "row.xml"), InputError);
  // An external entity likewise.
  test::write_all(dir / "ext.xml",
                  posts_xml("<!DOCTYPE row [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><row Id=\"1\" Title=\"&e;\" />\n"));
  EXPECT_THROW(read_all_docs(dir / "ext.xml"), InputError);
  // Without a declaration, an entity reference is just an undefined entity: a counted drop.
  test::write_all(dir / "undef.xml", posts_xml("  <row Id=\"1\" Title=\"&d;\" Body=\"x\" Score=\"1\" />\n"));
  EXPECT_EQ(read_all_docs(dir / "undef.xml").drops["read:malformed_row"], 1);
}

TEST(StackExchangeBadInput, FiftyMegabytePost) {
  test::TempDir dir;
  std::string big = "<p>" + std::string(50u << 20, 'x') + "</p>";
  test::write_all(dir / "Posts.xml", posts_xml(q(1, "1", "Big", "<p>q</p>") + a(2, 1, "1", big)));
  auto r = read_all_docs(dir / "Posts.xml");
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].text.size(), std::string("Q: Big q\nA: ").size() + (50u << 20));
  // Above max_row_bytes the row is skipped without being buffered, and counted.
  PostsReaderOptions small;
  small.max_row_bytes = 1 << 20;
  auto s = read_all_docs(dir / "Posts.xml", small);
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_EQ(s.docs[0].text, "Q: Big q");
  EXPECT_EQ(s.drops["read:row_too_long"], 1);
  // Bounded memory (external sort of the answers): the same document.
  PostsReaderOptions bounded;
  bounded.max_buffer_bytes = 1 << 20;
  auto e = read_all_docs(dir / "Posts.xml", bounded);
  ASSERT_EQ(e.docs.size(), 1u);
  EXPECT_EQ(e.docs[0].text, r.docs[0].text);
}

TEST(StackExchangeSample, IsDeterministicAndReadable) {
  test::TempDir d1, d2;
  auto names = write_sample(d1.path());
  auto again = write_sample(d2.path());
  ASSERT_EQ(names.size(), 3u);
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(test::read_all(d1 / names[i]), test::read_all(d2 / names[i])) << names[i];
    auto r = read_all_docs(d1 / names[i]);
    EXPECT_GT(r.docs.size(), 10u);
    EXPECT_EQ(r.drops["read:orphan_answer"], 1);
  }
  EXPECT_GT(count_posts(d1 / names[0]), count_posts(d1 / names[2]));
  EXPECT_GT(count_posts(d1 / names[2]), count_posts(d1 / names[1]));
}

}  // namespace
}  // namespace rpdata::sources::stackexchange
