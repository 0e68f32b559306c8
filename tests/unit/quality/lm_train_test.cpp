#include "rpdata/quality/lm_train.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/quality/kenlm.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kCorpus = {"the cat sat on the mat", "the dog sat on the log", "a cat saw a dog",
                                          "the cat saw the dog on the mat"};

// Under ARPA backoff semantics p(w | h) sums to one over the vocabulary, </s> and <unk>, in
// every context: a seen one, one seen only as a shorter context, an unseen one.
TEST(LmTrain, ProbabilitiesSumToOneInEveryContext) {
  test::TempDir dir;
  test::write_all(dir / "lm.arpa", estimate_arpa(kCorpus, 3));
  LanguageModel lm = LanguageModel::load(dir / "lm.arpa");
  EXPECT_EQ(lm.order(), 3u);
  std::set<std::string> vocab{"</s>", "zzz-unknown"};
  for (const auto& line : kCorpus) {
    std::istringstream in(line);
    for (std::string w; in >> w;) vocab.insert(w);
  }
  for (std::string context : {"the cat", "cat sat", "on", "mat the", "dog dog"}) {
    double sum = 0;
    for (const auto& w : vocab) {
      std::vector<LmTokenScore> detail;
      bool eos = w == "</s>";
      lm.score_detail(eos ? context : context + " " + w, detail, /*bos=*/false, eos);
      sum += std::pow(10.0, detail.back().log10_prob);
    }
    EXPECT_NEAR(sum, 1.0, 1e-4) << "context '" << context << "'";
  }
}

TEST(LmTrain, FluentTextScoresBetterThanWordSalad) {
  test::TempDir dir;
  test::write_all(dir / "lm.arpa", estimate_arpa(kCorpus, 3));
  LanguageModel lm = LanguageModel::load(dir / "lm.arpa");
  EXPECT_GT(lm.score("the cat sat on the mat"), lm.score("mat the on sat cat the"));
}

TEST(LmTrain, ThePerplexityPairIsDeterministic) {
  test::TempDir a, b;
  std::vector<std::string> lines;
  for (int i = 0; i < 200; ++i) lines.push_back(kCorpus[static_cast<size_t>(i) % kCorpus.size()] + " " + std::to_string(i % 7));
  train_perplexity_pair(lines, 60, 3, a / "en.sp.model", a / "en.arpa");
  train_perplexity_pair(lines, 60, 3, b / "en.sp.model", b / "en.arpa");
  EXPECT_EQ(test::read_all(a / "en.sp.model"), test::read_all(b / "en.sp.model"));
  EXPECT_EQ(test::read_all(a / "en.arpa"), test::read_all(b / "en.arpa"));
  EXPECT_NE(test::read_all(a / "en.arpa").find("\\3-grams:"), std::string::npos);
}

TEST(LmTrain, BadArgumentsAreErrors) {
  EXPECT_ANY_THROW(estimate_arpa(kCorpus, 0));
  EXPECT_ANY_THROW(estimate_arpa(kCorpus, 3, 1.0));
  // No tokens: no model (it would be 0/0 probabilities, written as -nan).
  EXPECT_THROW(estimate_arpa({}, 3), ConfigError);
  EXPECT_THROW(estimate_arpa({"", "  "}, 3), ConfigError);
}

}  // namespace
}  // namespace rpdata::quality
