// LangId's fast paths (quality/fasttext_line_ids.h ids memo + quality/fasttext_dense.h decoded
// rows, and the memo + FastText::predict) against libfasttext's predictLine, differentially:
// the input ids equal Dictionary::getLine's, and the labels and
// float32 probabilities are bit-identical (memcmp), for lid.176.ftz on the real texts of
// ../shared/realdata (C4, Wikipedia, StackExchange, books, arXiv) and for seeded adversarial
// strings (separators, NUL, invalid UTF-8, >1 kB words, "</s>", label-like tokens, repeats),
// with k = 1, 2, 3, all labels and thresholds; and for small models trained here (not
// quantized: subwords on/off, word n-grams, softmax/hs/ova; quantized with and without
// pruning, where word n-gram buckets go through the pruning map).
#include <archive.h>
#include <archive_entry.h>
#include <fasttext/fasttext.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <fstream>
#include <istream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "quality/fasttext_line.h"
#include "quality/fasttext_line_ids.h"
#include "rpdata/quality/cc_classifier.h"
#include "rpdata/quality/langid.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {
namespace fs = std::filesystem;

std::string escape(std::string_view s, size_t max = 60) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  return out + (s.size() > max ? "..." : "") + " (" + std::to_string(s.size()) + " B)";
}

std::string show(const std::vector<LangPrediction>& v) {
  std::string s;
  for (const auto& p : v) {
    char b[64];
    std::snprintf(b, sizeof b, "%s:%a ", p.label.c_str(), static_cast<double>(p.prob));
    s += b;
  }
  return s;
}

struct Differ {
  const LangId& lid;             // Mode::fast
  const LangId& memo;            // Mode::memo (ids memo + FastText::predict)
  const fasttext::FastText& ft;  // the same model, for getLine
  FasttextLineIds line_ids{ft};                         // ids from the Dictionary API
  FasttextLineIds own_ids{ft, /*own_hashing=*/true};  // out-of-vocabulary n-grams computed here
  size_t texts = 0, calls = 0, ids_total = 0;
  std::vector<std::string> mismatches;

  void fail(std::string msg) {
    if (mismatches.size() < 20) mismatches.push_back(std::move(msg));
    else mismatches.emplace_back();
  }

  void check(std::string_view text) {
    static const std::pair<int, float> kConfigs[] = {{1, 0.0f}, {3, 0.0f}, {3, 0.05f}, {-1, 0.001f},
                                                     {2, 0.5f}, {1, 0.9f}, {176, 0.0f}};
    const auto& a = kConfigs[texts % 7];
    const auto& b = kConfigs[(texts * 3 + 1) % 7];
    ++texts;
    // The ids: ours vs Dictionary::getLine on predictLine's stream.
    std::vector<int32_t> ours, own, words, labels;
    line_ids.line_ids(text, ours);
    own_ids.line_ids(text, own);
    LineBuf buf(text);
    std::istream in(&buf);
    ft.getDictionary()->getLine(in, words, labels);
    ids_total += words.size();
    if (ours != words)
      fail("ids differ (" + std::to_string(ours.size()) + " vs " + std::to_string(words.size()) + "): " + escape(text));
    if (own != words)
      fail("own-subword ids differ (" + std::to_string(own.size()) + " vs " + std::to_string(words.size()) +
           "): " + escape(text));
    for (const auto& [k, threshold] : {a, b}) {
      ++calls;
      const auto ref = lid.predict_libfasttext(text, k, threshold);
      for (const LangId* l : {&lid, &memo}) {
        auto fast = l->predict(text, k, threshold);
        bool same = fast.size() == ref.size();
        for (size_t i = 0; same && i < fast.size(); ++i)
          same = fast[i].label == ref[i].label && std::memcmp(&fast[i].prob, &ref[i].prob, sizeof(float)) == 0;
        if (!same)
          fail(std::string(l == &lid ? "fast" : "memo") + " k=" + std::to_string(k) + " t=" +
               std::to_string(threshold) + " " + escape(text) + ": [" + show(fast) + "] libfasttext [" + show(ref) +
               "]");
      }
    }
  }

  void expect_clean(size_t min_texts) {
    EXPECT_GE(texts, min_texts);
    for (const auto& m : mismatches)
      if (!m.empty()) ADD_FAILURE() << m;
    EXPECT_EQ(mismatches.size(), 0u) << "of " << texts << " texts, " << calls << " predictions";
  }
};

// Seeded adversarial lines: fastText's separators (and a rare '\n', which ends the line),
// NUL, valid and invalid UTF-8, words > 1 kB (not memoised), "</s>" (ends the line),
// label-like tokens, control bytes that are not separators, words repeated (memo hits).
std::vector<std::string> adversarial_texts(uint32_t seed, size_t n, const std::vector<std::string>& extra_vocab) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t m) { return static_cast<size_t>(rng() % m); };
  std::vector<std::string> vocab = extra_vocab;
  for (int i = 0; i < 40; ++i) {
    std::string w;
    for (size_t j = 0, len = 1 + pick(9); j < len; ++j) w.push_back(static_cast<char>('a' + pick(26)));
    vocab.push_back(w);
  }
  auto utf8 = [](uint32_t cp, std::string& out) {
    if (cp < 0x80) out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) out += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    else if (cp < 0x10000)
      out += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
              static_cast<char>(0x80 | (cp & 0x3F))};
    else
      out += {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
              static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  };
  static const std::string kSeps[] = {" ", " ", " ", "\t", "\v", "\f", "\r", std::string(1, '\0'), "  ", " \t "};
  static const char* const kSpecial[] = {"__label__en", "__label__de", "__label__zz", "__label__", "</s>",
                                         "<s>", "</s>x", "<", ">", "<>", "__label", "en"};
  std::vector<std::string> out = {"", " ", "\t\v\f\r ", std::string(1, '\0'), "\n", "\nhello world", "hello\n",
                                  "</s>", "hello </s> world", "__label__en", "__label__en hello", "hello __label__fr",
                                  std::string(5000, 'a'), std::string(100000, ' ') + "x", "\xff\xfe\xfd",
                                  "\xe4\xbd\xa0\xe5\xa5\xbd", "a\0b c", "x\r\ny z"};
  out[16] = std::string("a\0b c", 5);
  while (out.size() < n) {
    std::string s;
    const size_t tokens = pick(4) == 0 ? pick(400) : pick(40);
    if (pick(3) == 0) s += kSeps[pick(10)];
    for (size_t t = 0; t < tokens; ++t) {
      if (t) {
        if (pick(500) == 0) s += "\n";
        else if (pick(10) == 0) s.push_back('\0');
        else s += kSeps[pick(10)];
      }
      switch (pick(10)) {
        case 0: case 1: case 2: s += vocab[pick(vocab.size())]; break;
        case 3:
          for (size_t j = 0, len = 1 + pick(8); j < len; ++j) {
            static const std::pair<uint32_t, uint32_t> kRanges[] = {
                {0x80, 0x7FF}, {0x400, 0x4FF}, {0x4E00, 0x9FFF}, {0x1F600, 0x1F64F}, {0x600, 0x6FF}, {0xE0, 0xFF}};
            const auto& [lo, hi] = kRanges[pick(6)];
            utf8(lo + static_cast<uint32_t>(pick(hi - lo + 1)), s);
          }
          break;
        case 4:
          for (size_t j = 0, len = 1 + pick(6); j < len; ++j) s.push_back(static_cast<char>(0x80 + pick(128)));
          break;
        case 5: s += kSpecial[pick(12)]; break;
        case 6:
          if (pick(20) == 0) {
            for (size_t j = 0, len = 1000 + pick(3000); j < len; ++j) s.push_back(static_cast<char>('a' + pick(26)));
          } else {
            s += vocab[pick(vocab.size())] + vocab[pick(vocab.size())];
          }
          break;
        case 7:
          s += vocab[pick(vocab.size())];
          s.push_back(static_cast<char>(1 + pick(31)));  // control bytes; separators among them too
          break;
        default:
          for (size_t j = 0, len = 1 + pick(12); j < len; ++j) s.push_back(static_cast<char>('A' + pick(58)));
      }
    }
    if (pick(3) == 0) s += kSeps[pick(10)];
    out.push_back(std::move(s));
  }
  return out;
}

// Every member of an archive (tar, tar.gz, 7z; a bare .gz/.bz2 as one member), up to `max_bytes`
// per member.
std::vector<std::string> archive_members(const fs::path& path, size_t max_bytes = 4u << 20) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  archive_read_support_format_raw(a);
  std::vector<std::string> out;
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      std::string data;
      char buf[1 << 16];
      la_ssize_t n;
      while (data.size() < max_bytes && (n = archive_read_data(a, buf, sizeof buf)) > 0)
        data.append(buf, static_cast<size_t>(n));
      if (!data.empty()) out.push_back(std::move(data));
    }
  }
  archive_read_free(a);
  return out;
}

// Cuts a document into ~`size`-byte pieces at line ends.
std::vector<std::string> chunks(std::string_view doc, size_t size) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < doc.size()) {
    size_t end = start + size < doc.size() ? doc.find('\n', start + size) : std::string_view::npos;
    if (end == std::string_view::npos) end = doc.size();
    out.emplace_back(doc.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(LangIdFast, Lid176FtzBitIdenticalToPredictLineOnRealAndAdversarialTexts) {
  RPDATA_REQUIRE_REALDATA(real);
  const fs::path model = real / "models/fasttext/lid.176.ftz";
  LangId lid(model, LangId::Mode::fast), memo(model, LangId::Mode::memo);
  EXPECT_TRUE(lid.decoded_rows());
  EXPECT_FALSE(memo.decoded_rows());
  fasttext::FastText ft;
  ft.loadModel(model.string());
  Differ d{lid, memo, ft};

  simdjson::dom::parser parser;
  std::ifstream c4(real / "c4/c4-train.00000-of-01024.first1000.reserialized.jsonl");
  std::string json;
  for (int n = 0; std::getline(c4, json); ++n) {
    std::string_view raw = parser.parse(json).get_object()["text"].get_string().value();
    d.check(lid_text_ccnet(raw));
    d.check(lid_text_arxiv(raw));
    if (n % 5 == 0) d.check(raw);  // stops at the first '\n', as predictLine
  }
  const size_t c4_texts = d.texts;
  EXPECT_EQ(c4_texts, 2200u);

  for (const char* f : {"wikipedia/bgwiki-latest-pages-articles-shortened.xml.bz2",
                        "wikipedia/bgwiki-latest-pages-articles-shortened.utf8.xml.bz2"})
    for (const auto& doc : archive_members(real / f))
      for (const auto& piece : chunks(doc, 3000)) d.check(lid_text_ccnet(piece));
  for (const auto& doc : archive_members(real / "stackexchange/coffee.stackexchange.com-2015-Posts.xml"))
    for (const auto& line : chunks(doc, 1)) d.check(line);
  for (const auto& doc : archive_members(real / "stackexchange/beer.stackexchange.com.7z", 1u << 20))
    for (const auto& piece : chunks(doc, 2000)) d.check(lid_text_arxiv(piece));
  for (const auto& entry : fs::directory_iterator(real / "books")) {
    if (entry.path().extension() != ".txt") continue;
    const std::string book = test::read_all(entry.path());
    d.check(lid_text_ccnet(book));
    for (const auto& piece : chunks(book, 20000)) d.check(lid_text_ccnet(piece));
  }
  for (const auto& entry : fs::directory_iterator(real / "arxiv/papers"))
    for (const auto& member : archive_members(entry.path())) d.check(lid_text_arxiv(member));
  EXPECT_GT(d.texts, c4_texts + 1000);

  for (const auto& t : adversarial_texts(20261127, 3000, {"the", "of", "und", "der", "и", "на", "</s>"}))
    d.check(t);
  EXPECT_GT(d.ids_total, 1000000u);
  d.expect_clean(6000);
}

// More distinct words than the per-thread memo holds (it is emptied and refilled: seen as
// its entry count dropping), and the same texts again from a second thread (its own memo):
// the same ids as getLine and the same predictions as predictLine.
TEST(LangIdFast, MemoEvictionAndThreadsDoNotChangeResults) {
  RPDATA_REQUIRE_REALDATA(real);
  const fs::path model = real / "models/fasttext/lid.176.ftz";
  LangId lid(model, LangId::Mode::fast);
  fasttext::FastText ft;
  ft.loadModel(model.string());
  FasttextLineIds own_ids(ft, /*own_hashing=*/true);
  std::mt19937 rng(7);
  std::vector<std::string> texts;
  for (int i = 0; i < 1800; ++i) {
    std::string s;
    for (int w = 0; w < 80; ++w) {
      if (w) s += ' ';
      for (int j = 0, len = 3 + static_cast<int>(rng() % 8); j < len; ++j) s.push_back(static_cast<char>('a' + rng() % 26));
    }
    texts.push_back(std::move(s));
  }
  auto run = [&](std::vector<std::string>& errors, bool* evicted) {
    size_t last = 0;
    std::vector<int32_t> ids, words, labels;
    for (size_t i = 0; i < texts.size(); ++i) {
      own_ids.line_ids(texts[i], ids);
      LineBuf buf(texts[i]);
      std::istream in(&buf);
      ft.getDictionary()->getLine(in, words, labels);
      if (ids != words) errors.push_back(std::to_string(i) + ": ids differ");
      if (evicted && own_ids.cached_words() < last) *evicted = true;
      last = own_ids.cached_words();
      auto fast = lid.predict(texts[i], 2);
      auto ref = lid.predict_libfasttext(texts[i], 2);
      bool same = fast.size() == ref.size();
      for (size_t j = 0; same && j < fast.size(); ++j)
        same = fast[j].label == ref[j].label && std::memcmp(&fast[j].prob, &ref[j].prob, sizeof(float)) == 0;
      if (!same) errors.push_back(std::to_string(i) + ": " + show(fast) + " vs " + show(ref));
    }
  };
  std::vector<std::string> e1, e2;
  bool evicted = false;
  run(e1, &evicted);
  EXPECT_TRUE(evicted) << "144k distinct words should overflow the memo";
  std::thread t([&] { run(e2, nullptr); });
  t.join();
  EXPECT_EQ(e1.size(), 0u) << (e1.empty() ? "" : e1[0]);
  EXPECT_EQ(e2.size(), 0u) << (e2.empty() ? "" : e2[0]);
}

// Synthetic supervised data: three labels, label-specific and shared words with noise.
fs::path write_training(const fs::path& dir) {
  std::mt19937 rng(11);
  const std::vector<std::vector<std::string>> words = {
      {"river", "mountain", "forest", "valley", "lake", "snow"},
      {"fluss", "berg", "wald", "tal", "see", "schnee"},
      {"река", "гора", "лес", "долина", "озеро", "снег"}};
  const std::vector<std::string> shared = {"the", "a", "и", "und", "of", "123", "x"};
  std::string out;
  for (int i = 0; i < 600; ++i) {
    const size_t label = rng() % 3;
    out += "__label__" + std::string(label == 0 ? "en" : label == 1 ? "de" : "ru");
    for (int w = 0, n = 4 + static_cast<int>(rng() % 12); w < n; ++w) {
      out += ' ';
      if (rng() % 4 == 0) out += shared[rng() % shared.size()];
      else out += words[label][rng() % words[label].size()];
      if (rng() % 6 == 0) out += static_cast<char>('a' + rng() % 26);  // out-of-vocabulary variants
    }
    out += '\n';
  }
  const fs::path p = dir / "train.txt";
  test::write_all(p, out);
  return p;
}

void check_model(const fs::path& model, bool quantized) {
  SCOPED_TRACE(model.filename().string());
  LangId lid(model, LangId::Mode::fast), memo(model, LangId::Mode::memo);
  EXPECT_EQ(lid.quantized(), quantized);
  EXPECT_EQ(lid.decoded_rows(), quantized);
  fasttext::FastText ft;
  ft.loadModel(model.string());
  Differ d{lid, memo, ft};
  for (const auto& t : adversarial_texts(5, 1500, {"river", "berg", "озеро", "the", "und", "snowx", "лесq"})) d.check(t);
  d.expect_clean(1500);
}

TEST(LangIdFast, TrainedModelsBitIdenticalToPredictLine) {
  test::TempDir dir;
  const fs::path train = write_training(dir.path());
  struct Variant {
    const char* name;
    std::vector<std::string> args;
  };
  const Variant variants[] = {
      {"sub_ngrams_hs", {"-minn", "2", "-maxn", "4", "-wordNgrams", "2", "-bucket", "20000", "-loss", "hs"}},
      {"words_only_softmax", {"-wordNgrams", "3", "-bucket", "5000"}},
      {"sub_ova", {"-minn", "3", "-maxn", "5", "-bucket", "10000", "-loss", "ova"}},
  };
  for (const auto& v : variants) {
    TrainOptions o;
    o.extra_args = v.args;
    for (const char* a : {"-dim", "8", "-epoch", "5", "-minCount", "1"}) o.extra_args.emplace_back(a);
    const fs::path bin = dir / (std::string(v.name) + ".bin");
    train_supervised(train, bin, o);
    check_model(bin, false);
  }
  // Quantized: plain (no pruning), and with a cutoff, which prunes words and word n-gram
  // buckets (Dictionary::pushHash's map).
  for (int cutoff : {0, 300}) {
    fasttext::FastText ft;
    ft.loadModel((dir / "sub_ngrams_hs.bin").string());
    fasttext::Args q;
    q.cutoff = static_cast<decltype(q.cutoff)>(cutoff);
    q.dsub = 2;
    q.qnorm = true;
    q.retrain = false;
    ft.quantize(q);
    const fs::path ftz = dir / ("quant_cutoff" + std::to_string(cutoff) + ".ftz");
    ft.saveModel(ftz.string());
    check_model(ftz, true);
  }
}

}  // namespace
}  // namespace rpdata::quality
