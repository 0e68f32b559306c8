// Differential tests of quality::SentencePieceWords (the word-cached SentencePiece encoder of
// the ccnet_perplexity step) against libsentencepiece's own SentencePieceProcessor::Encode:
// identical piece sequences on all real text in ../shared/realdata (C4, Wikipedia dumps, Stack
// Exchange, Gutenberg books, arXiv sources; raw and cc_net-normalized) and on seeded
// adversarial Unicode, for cc_net's en KenLM SentencePiece model and the LLaMA model.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <simdjson.h>

#include <fstream>
#include <random>

#include "rpdata/io/archive_entry_stream.h"
#include "rpdata/io/input_stream.h"
#include "rpdata/quality/sentencepiece_words.h"
#include "rpdata/text/ccnet_normalize.h"
#include "rpdata/text/utf8.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {
namespace fs = std::filesystem;

std::shared_ptr<const SentencePieceWords> load(const fs::path& model) {
  auto sp = std::make_shared<sentencepiece::SentencePieceProcessor>();
  if (!sp->Load(model.string()).ok()) return nullptr;
  return std::make_shared<const SentencePieceWords>(std::move(sp));
}

// Cuts `data` into ~3 kB texts of whole, valid UTF-8 lines.
void add_chunks(std::string_view data, std::vector<std::string>& out) {
  std::string cur;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) nl = data.size();
    std::string_view line = data.substr(pos, nl - pos);
    pos = nl + 1;
    if (!text::is_valid_utf8(line)) continue;
    cur.append(line).push_back('\n');
    if (cur.size() >= 3000) out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(std::move(cur));
}

std::string read_stream(io::InputStream& in, size_t limit) {
  std::string s(limit, '\0');
  size_t n = 0, got;
  while (n < limit && (got = in.read(s.data() + n, limit - n)) > 0) n += got;
  s.resize(n);
  return s;
}

// Every regular member of a (compressed) tar, or the decompressed file itself.
std::vector<std::string> archive_members(const fs::path& p) {
  std::vector<std::string> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  archive_read_support_format_raw(a);
  if (archive_read_open_filename(a, p.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      std::string s;
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
      out.push_back(std::move(s));
    }
  }
  archive_read_free(a);
  return out;
}

std::vector<std::string> real_texts(const fs::path& real) {
  std::vector<std::string> texts;
  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::string line;
  while (std::getline(c4, line)) texts.emplace_back(parser.parse(line).get_object()["text"].get_string().value());
  for (const auto& entry : fs::directory_iterator(real / "books"))
    if (entry.path().extension() == ".txt") add_chunks(test::read_all(entry.path()), texts);
  for (const auto& entry : fs::directory_iterator(real / "wikipedia")) {
    auto in = io::InputStream::open(entry.path());
    add_chunks(read_stream(*in, 1 << 20), texts);
  }
  {
    auto in = io::InputStream::open(real / "stackexchange/coffee.stackexchange.com-2015-Posts.xml");
    add_chunks(read_stream(*in, 1 << 20), texts);
    auto beer = io::open_archive_member(real / "stackexchange/beer.stackexchange.com.7z", "Posts.xml");
    add_chunks(read_stream(*beer, 1 << 20), texts);
  }
  for (const auto& entry : fs::directory_iterator(real / "arxiv/papers"))
    for (const auto& member : archive_members(entry.path())) add_chunks(member, texts);
  return texts;
}

// Seeded adversarial texts: words drawn from scripts the model knows and does not know,
// characters SentencePiece's NFKC rules rewrite (to spaces, to several characters with spaces,
// to nothing), controls, combining marks, '▁' itself, odd separators, very long words, and
// repeated words (cache hits).
std::vector<std::string> adversarial_texts(uint32_t seed, int count) {
  static const std::vector<std::pair<uint32_t, uint32_t>> ranges = {
      {0x61, 0x7a},       {0x21, 0x7e},       {0x41, 0x5a},       {0xa0, 0xff},       {0x100, 0x17f},
      {0x300, 0x36f},     {0x01, 0x1f},       {0x7f, 0x9f},       {0x2000, 0x200f},   {0x2028, 0x202f},
      {0x205f, 0x2064},   {0x3000, 0x3000},   {0xfeff, 0xfeff},   {0xfb00, 0xfb06},   {0xff01, 0xff9f},
      {0x2460, 0x24ff},   {0x3200, 0x33ff},   {0x2100, 0x218f},   {0x2580, 0x2581},   {0x4e00, 0x4e80},
      {0xac00, 0xac80},   {0x0e00, 0x0e5b},   {0x0900, 0x097f},   {0x0600, 0x06ff},   {0xfb50, 0xfdff},
      {0xfe70, 0xfeff},   {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0xa000, 0xa48c},   {0x10400, 0x1044f},
      {0x10000, 0x1007f}, {0xe000, 0xe0ff},   {0x1d400, 0x1d7ff}, {0xe0001, 0xe007f}, {0x1f100, 0x1f1ff},
      {0x0370, 0x03ff},   {0x0400, 0x04ff},   {0x1100, 0x11ff},   {0xfdfa, 0xfdfb},   {0xfc5e, 0xfc63},
  };
  static const std::vector<std::string> seps = {" ", " ", " ", " ", "  ", "\xc2\xa0", "\xe3\x80\x80", "\t",
                                                "\n", "\xe2\x80\x83", " \xc2\xa0 ", "   "};
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::string> vocab;
  auto random_word = [&](size_t len) {
    std::string w;
    // Mostly one range per word (a script), sometimes a mix.
    auto r = ranges[pick(ranges.size())];
    for (size_t i = 0; i < len; ++i) {
      if (pick(4) == 0) r = ranges[pick(ranges.size())];
      uint32_t cp = r.first + static_cast<uint32_t>(pick(r.second - r.first + 1));
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 'x';
      text::append_utf8(w, cp);
    }
    return w;
  };
  for (int i = 0; i < 300; ++i) vocab.push_back(random_word(1 + pick(10)));
  std::vector<std::string> out = {"", " ", "   ", "a", " a ", "a  b", "\xc2\xa0", "a\xc2\xa0", "\xc2\xa0" "a",
                                  "\xef\xb7\xba", "x \xef\xb7\xba y", "\xe2\x96\x81", "\xe2\x96\x81\xe2\x96\x81 \xe2\x96\x81",
                                  "\xe2\x80\x8b", "a \xe2\x80\x8b b", "\xf0\x90\x90\x80\xf0\x90\x90\x81 \xf0\x90\x90\x82\xf0\x90\x90\x83",
                                  std::string(10000, 'a'), "the " + std::string(10000, 'z') + " end"};
  for (int t = 0; t < count; ++t) {
    std::string s;
    size_t words = 1 + pick(200);
    for (size_t i = 0; i < words; ++i) {
      if (i) s += seps[pick(seps.size())];
      size_t kind = pick(100);
      if (kind < 50) s += vocab[pick(vocab.size())];
      else if (kind < 99 || pick(8) != 0) s += random_word(1 + pick(14));
      else s += random_word(1000 + pick(4000));
    }
    out.push_back(std::move(s));
  }
  return out;
}

struct DiffResult {
  size_t texts = 0, mismatches = 0;
  std::string first;
};

DiffResult differential(const SentencePieceWords& w, const std::vector<std::string>& texts, bool normalize) {
  DiffResult r;
  std::vector<std::string> fast, ref;
  std::string in, joined;
  for (const auto& t : texts) {
    if (normalize) text::normalize(t, in);
    else in = t;
    w.encode(in, fast);
    ref.clear();
    w.processor().Encode(in, &ref).IgnoreError();
    joined.clear();
    w.encode_joined(in, joined);
    std::string ref_joined;
    for (size_t i = 0; i < ref.size(); ++i) ref_joined += (i ? " " : "") + ref[i];
    ++r.texts;
    if (fast != ref || joined != ref_joined) {
      if (r.mismatches++ == 0) r.first = in.substr(0, 300);
    }
  }
  return r;
}

TEST(SentencePieceWords, CcnetEnModelIsAcceptedAndMatchesEncodeOnAllRealText) {
  RPDATA_REQUIRE_REALDATA(real);
  auto w = load(real / "models/kenlm/en_wiki_sp8k.model");
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->fast()) << w->why_not();
  auto texts = real_texts(real);
  ASSERT_GT(texts.size(), 3000u);
  SentencePieceWords::Stats before = SentencePieceWords::thread_stats();
  for (bool normalize : {true, false}) {
    DiffResult r = differential(*w, texts, normalize);
    EXPECT_EQ(r.mismatches, 0u) << "normalize=" << normalize << " first: " << r.first;
    EXPECT_EQ(r.texts, texts.size());
  }
  const auto& after = SentencePieceWords::thread_stats();
  EXPECT_EQ(after.fallbacks, before.fallbacks);
  EXPECT_GT(after.hits - before.hits, 4 * (after.misses - before.misses));  // the cache works
  // Documents of real length: few words need their lattice replayed.
  EXPECT_LT(10 * (after.replays - before.replays), after.hits + after.misses - before.hits - before.misses);
}

// A word follows its cached seed-0 path only while the running score is small enough for every
// decision to come out the same; one text of all the real documents runs the score up to
// millions, where words are replayed. Both must give Encode's pieces.
TEST(SentencePieceWords, LongTextsWithLargeRunningScoresMatchEncode) {
  RPDATA_REQUIRE_REALDATA(real);
  auto w = load(real / "models/kenlm/en_wiki_sp8k.model");
  ASSERT_TRUE(w && w->fast());
  std::string all;
  for (const auto& t : real_texts(real)) (all += t) += ' ';
  const std::vector<std::string> texts = {all.substr(0, 2 << 20)};
  const SentencePieceWords::Stats before = SentencePieceWords::thread_stats();
  for (bool normalize : {true, false}) {
    DiffResult r = differential(*w, texts, normalize);
    EXPECT_EQ(r.mismatches, 0u) << "normalize=" << normalize << " first: " << r.first;
  }
  const SentencePieceWords::Stats& after = SentencePieceWords::thread_stats();
  EXPECT_EQ(after.fallbacks, before.fallbacks);
  const uint64_t words = after.hits + after.misses - before.hits - before.misses;
  const uint64_t replays = after.replays - before.replays;
  EXPECT_GT(replays, 1000u) << words;          // late in the text the score is large
  EXPECT_GT(words - replays, 1000u) << words;  // early on, words follow their path
}

TEST(SentencePieceWords, CcnetEnModelMatchesEncodeOnAdversarialUnicode) {
  RPDATA_REQUIRE_REALDATA(real);
  auto w = load(real / "models/kenlm/en_wiki_sp8k.model");
  ASSERT_TRUE(w && w->fast());
  auto texts = adversarial_texts(20261127, 2000);
  uint64_t fallbacks = SentencePieceWords::thread_stats().fallbacks;
  for (bool normalize : {false, true}) {
    DiffResult r = differential(*w, texts, normalize);
    EXPECT_EQ(r.mismatches, 0u) << "normalize=" << normalize << " first: " << r.first;
  }
  EXPECT_EQ(SentencePieceWords::thread_stats().fallbacks, fallbacks);
}

// LLaMA's model is BPE with byte fallback: the word path must refuse it (or match).
TEST(SentencePieceWords, LlamaModelIsRefusedOrMatches) {
  RPDATA_REQUIRE_REALDATA(real);
  auto w = load(real / "models/llama/tokenizer.model");
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->fast());
  EXPECT_FALSE(w->why_not().empty());
  auto texts = adversarial_texts(7, 300);
  std::vector<std::string> c4 = real_texts(real);
  c4.resize(400);
  texts.insert(texts.end(), c4.begin(), c4.end());
  DiffResult r = differential(*w, texts, false);
  EXPECT_EQ(r.mismatches, 0u) << r.first;
}

// Tiny unigram models trained here on a Gutenberg book: the default one is accepted and exact;
// each option outside the proven-safe case is refused with its reason (and still matches).
TEST(SentencePieceWords, TrainedModelsAreAcceptedOrRefusedForTheRightReason) {
  RPDATA_REQUIRE_REALDATA(real);
  test::TempDir dir;
  std::string book = test::read_all(real / "books/pg11-alice-11-0.txt");
  test::write_all(dir / "corpus.txt", book.substr(0, 120000));
  test::write_all(dir / "space_rule.tsv", "41 20 42\t43\n");  // "A B" -> "C": a key with a space
  test::write_all(dir / "double_space.tsv", "58\t20 20 59\n");  // "X" -> "  Y"
  struct Case {
    std::string name, extra, why;
  };
  const std::vector<Case> cases = {
      {"plain", "", ""},
      {"suffix", "--treat_whitespace_as_suffix=true", "whitespace_as_suffix"},
      {"keepws", "--remove_extra_whitespaces=false", "normalizer_whitespace_options"},
      {"nodummy", "--add_dummy_prefix=false", "normalizer_whitespace_options"},
      {"userdef", "--user_defined_symbols=rabbit", "user_defined_pieces"},
      {"bytes", "--byte_fallback=true", "byte_fallback"},
      {"bpe", "--model_type=bpe", "not_unigram"},
      {"spacerule", "--normalization_rule_tsv=" + (dir / "space_rule.tsv").string(), "charsmap_key_with_space"},
      {"dblspace", "--normalization_rule_tsv=" + (dir / "double_space.tsv").string(), "charsmap_double_space"},
  };
  auto texts = adversarial_texts(99, 150);
  texts.push_back("Alice  was beginning A B to get very tired X of sitting");
  for (size_t i = 0; i < 60 && i * 2000 < book.size(); ++i) texts.push_back(book.substr(i * 2000, 2000));
  for (const auto& c : cases) {
    std::string prefix = (dir / c.name).string();
    auto status = sentencepiece::SentencePieceTrainer::Train(
        "--input=" + (dir / "corpus.txt").string() + " --model_prefix=" + prefix +
        " --vocab_size=400 --minloglevel=2 --hard_vocab_limit=false " + c.extra);
    ASSERT_TRUE(status.ok()) << c.name << ": " << status.ToString();
    auto w = load(prefix + ".model");
    ASSERT_TRUE(w) << c.name;
    EXPECT_EQ(w->fast(), c.why.empty()) << c.name << ": " << w->why_not();
    EXPECT_EQ(w->why_not(), c.why) << c.name;
    for (bool normalize : {false, true}) {
      DiffResult r = differential(*w, texts, normalize);
      EXPECT_EQ(r.mismatches, 0u) << c.name << " normalize=" << normalize << " first: " << r.first;
    }
  }
}

}  // namespace
}  // namespace rpdata::quality
