// RedPajama's CC quality classifier (spec §1.7): Python splitlines/strip text preparation,
// fastText supervised training with the CLI's defaults (reproducible with one thread; equal
// to Debian's `fasttext supervised` when installed), classify.py's wiki_prob, the
// cc_classifier / _filter / _format steps, and the published record layout (jq -c).
#include "rpdata/quality/cc_classifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/io/json_writer.h"
#include "test_support.h"

namespace rpdata::quality {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kWikiWords = {"history", "university", "published", "century", "government",
                                             "population", "research", "journal", "species", "museum"};
const std::vector<std::string> kCcWords = {"cheap", "click", "login", "casino", "shipping",
                                           "cart", "deals", "subscribe", "cookies", "password"};

std::string sentence(std::mt19937_64& rng, const std::vector<std::string>& words, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += (i % 7 == 0) ? "\n" : " ";
    s += words[rng() % words.size()];
  }
  return s;
}

// A generated fastText file: 150 documents per label.
fs::path write_training_file(const fs::path& dir) {
  std::mt19937_64 rng(42);
  std::string out;
  for (int i = 0; i < 150; ++i) {
    out += "__label__wiki " + join_lines_for_training(sentence(rng, kWikiWords, 30)) + "\n";
    out += "__label__cc " + join_lines_for_training(sentence(rng, kCcWords, 30)) + "\n";
  }
  test::write_all(dir / "train.txt", out);
  return dir / "train.txt";
}

TEST(CcClassifierText, PythonSplitlinesAndStrip) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(python_splitlines("a\r\nb\rc\nd\ve\ff\x1cg\xc2\x85h\xe2\x80\xa8i\xe2\x80\xa9j"),
            (V{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}));
  EXPECT_EQ(python_splitlines("a\n"), V{"a"});
  EXPECT_EQ(python_splitlines("\n"), V{""});
  EXPECT_EQ(python_splitlines(""), V{});
  EXPECT_EQ(python_splitlines("a\n\nb"), (V{"a", "", "b"}));
  EXPECT_EQ(python_splitlines("x\xc2\xa0y"), V{"x\xc2\xa0y"});  // NBSP is not a line break
  EXPECT_EQ(join_lines_for_training(" a\n\nb \n"), " a  b ");
  EXPECT_EQ(join_lines_for_predict("\xc2\xa0 a\n\nb \n\t"), "a  b");  // strip() is Unicode-aware
}

TEST(CcClassifierTrain, OneThreadIsReproducibleAndSeparatesTheLabels) {
  test::TempDir tmp;
  fs::path train = write_training_file(tmp.path());
  TrainResult r = train_supervised(train, tmp / "m1.bin");
  train_supervised(train, tmp / "m2.bin");
  EXPECT_EQ(r.labels, 2);
  EXPECT_EQ(r.words, 21);  // 20 words + </s>
  EXPECT_EQ(test::read_all(tmp / "m1.bin"), test::read_all(tmp / "m2.bin"));

  FastTextClassifier model(tmp / "m1.bin");
  auto labels = model.labels();
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"__label__cc", "__label__wiki"}));
  std::mt19937_64 rng(7);
  int right = 0;
  for (int i = 0; i < 20; ++i) {
    WikiScore w = score_document(model, sentence(rng, kWikiWords, 20));
    WikiScore c = score_document(model, sentence(rng, kCcWords, 20));
    right += (w.pred_label == "__label__wiki" && w.wiki_prob > 0.5) + (c.pred_label == "__label__cc" && c.wiki_prob < 0.5);
    // classify.py: wiki_prob = p, or 1 - p for __label__cc (double arithmetic on the float32).
    EXPECT_EQ(w.wiki_prob, w.pred_label_prob);
    EXPECT_EQ(c.wiki_prob, 1.0 - c.pred_label_prob);
    EXPECT_EQ(c.pred_label_prob, static_cast<double>(static_cast<float>(c.pred_label_prob)));
  }
  EXPECT_EQ(right, 40);
  // Newlines are joined before predicting: same score as the one-line text.
  auto a = score_document(model, "history museum\njournal\n");
  auto b = score_document(model, "history museum journal");
  EXPECT_EQ(a.pred_label_prob, b.pred_label_prob);
}

TEST(CcClassifierTrain, MatchesDebianFasttextCliWithTheSameSeedAndOneThread) {
  if (std::system("command -v fasttext > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "SKIPPED: Debian's fasttext CLI is not installed (scripts/setup.sh installs it)";
  test::TempDir tmp;
  fs::path train = write_training_file(tmp.path());
  train_supervised(train, tmp / "ours.bin");
  std::string cmd = "fasttext supervised -input " + train.string() + " -output " + (tmp / "cli").string() +
                    " -thread 1 -verbose 0 > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(test::read_all(tmp / "ours.bin"), test::read_all(tmp / "cli.bin"));
}

TEST(CcClassifierTrain, BadInputsAreErrorsNotExits) {
  test::TempDir tmp;
  EXPECT_THROW(train_supervised(tmp / "missing.txt", tmp / "m.bin"), InputError);
  fs::path train = write_training_file(tmp.path());
  TrainOptions o;
  o.extra_args = {"-h", "1"};
  EXPECT_THROW(train_supervised(train, tmp / "m.bin", o), ConfigError);
  o.extra_args = {"-epoch"};
  EXPECT_THROW(train_supervised(train, tmp / "m.bin", o), ConfigError);
  test::write_all(tmp / "empty.txt", "");
  EXPECT_THROW(train_supervised(tmp / "empty.txt", tmp / "m.bin"), InputError);
  EXPECT_FALSE(fs::exists(tmp / "m.bin"));
  test::write_all(tmp / "junk.bin", "not a model");
  EXPECT_THROW(FastTextClassifier(tmp / "junk.bin"), ConfigError);
  EXPECT_THROW(FastTextClassifier(tmp / "nope.bin"), ConfigError);
}

TEST(CcClassifierTrain, AnySupervisedFastTextModelLoads) {
  RPDATA_REQUIRE_REALDATA(realdata);
  // lid.176.ftz is a (quantized) supervised model like RedPajama's model.bin.
  FastTextClassifier lid(realdata / "models/fasttext/lid.176.ftz");
  auto p = lid.predict("This is an English sentence about the history of the university.", 1);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].label, "__label__en");
  WikiScore s = score_document(lid, "Ceci est une phrase en français.\n", "__label__fr");
  EXPECT_EQ(s.pred_label, "__label__fr");
  EXPECT_EQ(s.wiki_prob, 1.0 - s.pred_label_prob);
}

// Built as a run builds them: models required, or (`skip`) a run that skips missing ones.
std::unique_ptr<Step> make_step(const std::string& type, Params p, bool skip = false) {
  return exec::step_registry().make(type, p, RunModels(skip ? MissingModels::kSkip : MissingModels::kError));
}

TEST(CcClassifierSteps, FieldsThresholdAndPublishedRecord) {
  test::TempDir tmp;
  train_supervised(write_training_file(tmp.path()), tmp / "model.bin");
  Params cp("steps.cc_classifier");
  cp.set("model", (tmp / "model.bin").string());
  auto classify = make_step("cc_classifier", cp);
  Params fp("steps.cc_classifier_filter");
  fp.set("threshold", 0.25);
  auto filter = make_step("cc_classifier_filter", fp);
  Params op("steps.cc_classifier_format");
  op.set("job", "2019-30/{unit}.json.gz");
  auto format = make_step("cc_classifier_format", op);

  Batch batch;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 4; ++i) {
    Document d;
    d.id = "en_head_0000/" + std::to_string(i);
    d.text = sentence(rng, i % 2 ? kCcWords : kWikiWords, 25) + "\nunicode é\x7f";
    d.meta.set("url", std::string("http://x/") + std::to_string(i));
    d.meta.set("digest", std::string("sha1:X"));
    batch.docs.push_back(std::move(d));
  }
  classify->process(batch);
  ASSERT_EQ(batch.docs.size(), 4u);
  for (const auto& d : batch.docs) {
    ASSERT_NE(d.meta.find("pred_label"), nullptr);
    ASSERT_NE(d.meta.find("pred_label_prob"), nullptr);
    ASSERT_NE(d.meta.find("wiki_prob"), nullptr);
  }
  filter->process(batch);
  ASSERT_EQ(batch.docs.size(), 2u);  // the two wiki-like documents
  EXPECT_EQ(batch.drops["cc_classifier_filter:below_threshold"], 2);
  for (const auto& d : batch.docs) EXPECT_GE(std::get<double>(*d.meta.find("wiki_prob")), 0.25);
  format->process(batch);
  const Document& d = batch.docs[0];
  ASSERT_EQ(d.meta.size(), 4u);
  EXPECT_EQ(d.meta.entries()[0].first, "pred_label");
  EXPECT_EQ(std::get<std::string>(*d.meta.find("source")), "cc/2019-30/en_head_0000.json.gz/line0");
  EXPECT_EQ(std::get<std::string>(*batch.docs[1].meta.find("source")), "cc/2019-30/en_head_0000.json.gz/line2");

  std::string line;
  io::append_record(line, d, io::JsonStyle::kJqCompact, io::RecordLayout::kFlatTextBeforeLast);
  std::string prob;
  io::append_python_float(prob, std::get<double>(*d.meta.find("pred_label_prob")));
  EXPECT_EQ(line.rfind("{\"pred_label\":\"__label__wiki\",\"pred_label_prob\":" + prob + ",\"wiki_prob\":" + prob +
                           ",\"text\":\"",
                       0),
            0u)
      << line;
  EXPECT_NE(line.find("\\nunicode é\\u007f\",\"source\":\"cc/2019-30/en_head_0000.json.gz/line0\"}\n"),
            std::string::npos)
      << line;

  // The same record through Python's json.dumps layout, then `jq -c`, gives our bytes.
  if (std::system("command -v jq > /dev/null 2>&1") == 0) {
    std::string py;
    io::append_record(py, d, io::JsonStyle::kPython, io::RecordLayout::kFlatTextBeforeLast);
    test::write_all(tmp / "py.jsonl", py);
    std::string cmd = "jq -c 'select(.wiki_prob >= 0.25)' " + (tmp / "py.jsonl").string() + " > " +
                      (tmp / "jq.jsonl").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(test::read_all(tmp / "jq.jsonl"), line);
  }
}

// classify.py's "line<N>" counts every record of the deduplicated file (one per route here),
// before the threshold; the job names the route. Optional filter/format keep unclassified
// documents (the classifier had no model) instead of dropping them.
TEST(CcClassifierSteps, ResultLinePerRouteAndOptionalPassThrough) {
  test::TempDir tmp;
  train_supervised(write_training_file(tmp.path()), tmp / "model.bin");
  Params cp("steps.cc_classifier");
  cp.set("model", (tmp / "model.bin").string());
  cp.set("line_key", std::string("result_line"));
  auto classify = make_step("cc_classifier", cp);
  Params fp("steps.cc_classifier_filter");
  auto filter = make_step("cc_classifier_filter", fp);
  Params op("steps.cc_classifier_format");
  op.set("job", std::string("{unit:0}/{route}_{unit:1}.json.gz"));
  op.set("line_key", std::string("result_line"));
  auto format = make_step("cc_classifier_format", op);
  Batch batch;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 6; ++i) {
    Document d;
    d.id = "2019-30_0003/0/" + std::to_string(10 + i);
    d.route = i < 3 ? "en_head" : "en_middle";
    d.text = sentence(rng, i == 1 || i == 3 ? kCcWords : kWikiWords, 25);
    batch.docs.push_back(std::move(d));
  }
  classify->process(batch);
  filter->process(batch);
  format->process(batch);
  std::vector<std::string> sources;
  for (const auto& d : batch.docs) sources.push_back(std::get<std::string>(*d.meta.find("source")));
  EXPECT_EQ(sources, (std::vector<std::string>{"cc/2019-30/en_head_0003.json.gz/line0",
                                               "cc/2019-30/en_head_0003.json.gz/line2",
                                               "cc/2019-30/en_middle_0003.json.gz/line1",
                                               "cc/2019-30/en_middle_0003.json.gz/line2"}));

  Params ofp("steps.cc_classifier_filter");
  Params oop("steps.cc_classifier_format");
  auto ofilter = make_step("cc_classifier_filter", ofp, true);
  auto oformat = make_step("cc_classifier_format", oop, true);
  Batch b;
  b.docs.push_back(Document{"u/0", "x", "cc", {}, ""});
  b.docs[0].meta.set("url", std::string("http://a"));
  ofilter->process(b);
  oformat->process(b);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_NE(b.docs[0].meta.find("url"), nullptr);
  b.docs[0].meta.set("wiki_prob", 0.9);  // partly classified: still an error
  oformat->process(b);
  EXPECT_TRUE(b.docs.empty());
  EXPECT_EQ(b.drops["cc_classifier_format:not_classified"], 1);
}

TEST(CcClassifierSteps, JqCompactNumbers) {
  Document d;
  d.text = "t";
  d.meta.set("a", 1.0);
  d.meta.set("b", 0.0);
  d.meta.set("c", 1e-05);
  d.meta.set("d", 1.0000100135803223);
  d.meta.set("e", std::string("s"));
  std::string line;
  io::append_record(line, d, io::JsonStyle::kJqCompact, io::RecordLayout::kFlatTextBeforeLast);
  EXPECT_EQ(line, "{\"a\":1,\"b\":0,\"c\":1e-05,\"d\":1.0000100135803223,\"text\":\"t\",\"e\":\"s\"}\n");
}

TEST(CcClassifierSteps, MissingModelAndUnknownKeysAreConfigErrors) {
  Params p("steps.cc_classifier");
  p.set("model", std::string("/nonexistent/model.bin"));
  EXPECT_THROW(make_step("cc_classifier", p), ConfigError);
  Params q("steps.cc_classifier_filter");
  q.set("treshold", 0.3);
  EXPECT_THROW(make_step("cc_classifier_filter", q), ConfigError);
  Params f("steps.cc_classifier_filter");
  auto filter = make_step("cc_classifier_filter", f);
  Batch b;
  b.docs.push_back(Document{"u/0", "x", "cc", {}, ""});
  filter->process(b);
  EXPECT_TRUE(b.docs.empty());
  EXPECT_EQ(b.drops["cc_classifier_filter:missing_wiki_prob"], 1);
}

}  // namespace
}  // namespace rpdata::quality
