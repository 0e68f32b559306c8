#include "rpdata/quality/cc_classifier.h"

#include <fasttext/fasttext.h>

#include <cmath>
#include <istream>
#include <set>
#include <streambuf>

#include "fasttext_line.h"
#include "rpdata/quality/model_cache.h"
#include "rpdata/core/error.h"
#include "rpdata/io/fs.h"
#include "rpdata/text/utf8.h"

namespace rpdata::quality {
namespace {


// Length of the Python line break at s[i], or 0.
size_t line_break_at(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  switch (c) {
    case '\n': case '\v': case '\f': case 0x1c: case 0x1d: case 0x1e: return 1;
    case '\r': return (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
    case 0xc2: return (i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) ? 2 : 0;
    case 0xe2:
      return (i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
              (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9))
                 ? 3 : 0;
    default: return 0;
  }
}

std::string join_lines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool first = true;
  for (auto line : python_splitlines(s)) {
    if (!first) out.push_back(' ');
    first = false;
    out.append(line);
  }
  return out;
}

// Flags of the fastText CLI that take one value and never exit the process; anything else is
// refused here because fastText's own parser calls exit() on bad input.
const std::set<std::string>& allowed_flags() {
  static const std::set<std::string> flags = {
      "-lr", "-lrUpdateRate", "-dim", "-ws", "-epoch", "-minCount", "-minCountLabel", "-neg",
      "-wordNgrams", "-loss", "-bucket", "-minn", "-maxn", "-t", "-label"};
  return flags;
}

}  // namespace

std::vector<std::string_view> python_splitlines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < text.size()) {
    size_t n = line_break_at(text, i);
    if (n == 0) {
      ++i;
      continue;
    }
    out.push_back(text.substr(start, i - start));
    i += n;
    start = i;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

std::string join_lines_for_training(std::string_view raw_content) { return join_lines(raw_content); }

std::string join_lines_for_predict(std::string_view raw_content) {
  return join_lines(text::python_strip(raw_content));
}

TrainResult train_supervised(const std::filesystem::path& train_file, const std::filesystem::path& model_out,
                             const TrainOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(train_file, ec))
    throw InputError("training file not found", train_file.string());
  if (options.threads < 1) throw ConfigError("threads must be >= 1");
  if (options.extra_args.size() % 2 != 0) throw ConfigError("fastText arguments come in flag/value pairs");
  for (size_t i = 0; i < options.extra_args.size(); i += 2)
    if (!allowed_flags().count(options.extra_args[i]))
      throw ConfigError("fastText argument '" + options.extra_args[i] + "' is not supported here");
  std::filesystem::path tmp = io::temp_sibling(model_out);
  std::vector<std::string> argv = {"fasttext", "supervised", "-input", train_file.string(), "-output",
                                   tmp.string(), "-thread", std::to_string(options.threads), "-seed",
                                   std::to_string(options.seed), "-verbose", "0"};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  fasttext::Args args;
  try {
    args.parseArgs(argv);  // the CLI's `supervised` defaults, then our flags
  } catch (const std::exception& e) {
    throw ConfigError(std::string("bad fastText arguments: ") + e.what());
  }
  fasttext::FastText ft;
  try {
    ft.train(args);
  } catch (const std::exception& e) {
    throw InputError(std::string("fastText training failed: ") + e.what(), train_file.string());
  }
  if (!model_out.parent_path().empty()) std::filesystem::create_directories(model_out.parent_path(), ec);
  try {
    ft.saveModel(tmp.string());
  } catch (const std::exception& e) {
    std::filesystem::remove(tmp, ec);
    throw IoError(std::string("cannot save the model: ") + e.what(), model_out.string());
  }
  io::fsync_path(tmp);
  io::rename_durable(tmp, model_out);
  auto dict = ft.getDictionary();
  TrainResult r;
  r.words = dict->nwords();
  r.labels = dict->nlabels();
  r.tokens = dict->ntokens();
  return r;
}

FastTextClassifier::FastTextClassifier(const std::filesystem::path& model_path)
    : model_(std::make_unique<fasttext::FastText>()) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path, ec))
    throw ConfigError("fastText model not found", model_path.string());
  try {
    model_->loadModel(model_path.string());
  } catch (const std::exception& e) {
    throw ConfigError(std::string("cannot load fastText model: ") + e.what(), model_path.string());
  }
  if (model_->getArgs().model != fasttext::model_name::sup)
    throw ConfigError("not a supervised fastText model (an unsupervised embedding?)", model_path.string());
}

FastTextClassifier::~FastTextClassifier() = default;

std::shared_ptr<const FastTextClassifier> FastTextClassifier::shared(const std::filesystem::path& model_path) {
  return shared_model<FastTextClassifier>(model_path,
                                          [](const auto& p) { return std::make_shared<const FastTextClassifier>(p); });
}

std::vector<Prediction> FastTextClassifier::predict(std::string_view text, int k) const {
  LineBuf buf(text);
  std::istream in(&buf);
  std::vector<std::pair<fasttext::real, std::string>> raw;
  model_->predictLine(in, raw, k, 0.0f);
  std::vector<Prediction> out;
  out.reserve(raw.size());
  for (auto& [prob, label] : raw) out.push_back({std::move(label), prob});
  return out;
}

std::vector<std::string> FastTextClassifier::labels() const {
  auto dict = model_->getDictionary();
  std::vector<std::string> out;
  for (int32_t i = 0; i < dict->nlabels(); ++i) out.push_back(dict->getLabel(i));
  return out;
}

WikiScore score_document(const FastTextClassifier& model, std::string_view raw_content, std::string_view cc_label) {
  WikiScore s;
  auto preds = model.predict(join_lines_for_predict(raw_content), 1);
  if (preds.empty()) return s;
  s.pred_label = preds[0].label;
  s.pred_label_prob = static_cast<double>(preds[0].prob);
  s.wiki_prob = s.pred_label == cc_label ? 1.0 - s.pred_label_prob : s.pred_label_prob;
  return s;
}

}  // namespace rpdata::quality
