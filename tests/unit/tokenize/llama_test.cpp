#include <gtest/gtest.h>
#include <simdjson.h>

#include "rpdata/core/error.h"
#include "rpdata/tokenize/models.h"
#include "test_support.h"

namespace rpdata::tokenize {
namespace {

// All 44 reference cases (SentencePiece 0.1.97 encode, no BOS/EOS): exact ids and counts.
TEST(LlamaTokenizer, ReferenceCases) {
  RPDATA_REQUIRE_REALDATA(real);
  auto model = load_sentencepiece(real / "models/llama/tokenizer.model");
  auto tok = model->make_tokenizer();
  simdjson::dom::parser parser;
  simdjson::padded_string json = simdjson::padded_string::load((real / "reference/tokenization_cases.jsonl").string());
  int cases = 0;
  for (auto doc : parser.parse_many(json)) {
    std::string_view id, text;
    ASSERT_FALSE(doc["id"].get_string().get(id));
    ASSERT_FALSE(doc["text"].get_string().get(text));
    std::vector<int32_t> want;
    for (auto v : doc["llama_ids"].get_array()) want.push_back(static_cast<int32_t>(int64_t(v)));
    std::vector<int32_t> got;
    tok->encode(text, got);
    EXPECT_EQ(got, want) << id;
    EXPECT_EQ(tok->count(text), int64_t(doc["llama_count"])) << id;
    ++cases;
  }
  EXPECT_EQ(cases, 44);
}

TEST(Models, UnknownTokenizerAndMissingFileAreConfigErrors) {
  EXPECT_THROW(load_model("gpt2"), ConfigError);
  test::TempDir empty;
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("RPDATA_MODELS", empty.path().c_str(), 1);
  ::setenv("HOME", empty.path().c_str(), 1);
  try {
    load_model("neox");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("rpdata download tokenizer"), std::string::npos) << e.what();
  }
  ::unsetenv("RPDATA_MODELS");
  ::setenv("HOME", home.c_str(), 1);
}

}  // namespace
}  // namespace rpdata::tokenize
