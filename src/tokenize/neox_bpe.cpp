#include "rpdata/tokenize/neox_bpe.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rpdata/core/error.h"
#include "rpdata/text/utf8.h"
#include "added_tokens.h"
#include "bpe.h"
#include "normalize.h"
#include "pretokenize.h"
#include "word_cache.h"

namespace rpdata::tokenize {
namespace {

using detail::AddedTokenMatcher;
using detail::BpeMerges;
using detail::ShortWordCounts;
using detail::WordCache;

// ---------------------------------------------------------------------------------------
// The immutable model.

class HfBpeModel final : public TokenizerModel,
                         public std::enable_shared_from_this<HfBpeModel> {
 public:
  HfBpeModel(std::string name, BpeMerges merges, AddedTokenMatcher raw,
             AddedTokenMatcher normalized, bool nfc, int64_t vocab_size, int32_t eod)
      : name_(std::move(name)),
        merges_(std::move(merges)),
        raw_(std::move(raw)),
        normalized_(std::move(normalized)),
        nfc_(nfc),
        vocab_size_(vocab_size),
        eod_(eod) {}

  std::string name() const override { return name_; }
  std::unique_ptr<Tokenizer> make_tokenizer() const override;
  int64_t vocab_size() const override { return vocab_size_; }
  int32_t eod_id() const override { return eod_; }

  const BpeMerges& merges() const { return merges_; }
  const AddedTokenMatcher& raw() const { return raw_; }
  const AddedTokenMatcher& normalized() const { return normalized_; }
  bool nfc() const { return nfc_; }

 private:
  std::string name_;
  BpeMerges merges_;
  AddedTokenMatcher raw_;         // normalized=false added tokens, matched on the raw text
  AddedTokenMatcher normalized_;  // normalized=true added tokens, matched after NFC
  bool nfc_;
  int64_t vocab_size_;  // the largest id + 1 (vocab and added tokens): 50277 for GPT-NeoX-20B
  int32_t eod_;         // "<|endoftext|>"'s id, -1 when absent
};

// ---------------------------------------------------------------------------------------
// One thread's tokenizer: the pipeline of HF's TokenizerImpl::encode for one sequence,
//   raw added tokens -> NFC per remaining segment -> normalized added tokens ->
//   ByteLevel pre-tokens -> BPE per pre-token,
// driving a Sink that either counts or collects ids.

class HfBpeTokenizer final : public Tokenizer {
 public:
  explicit HfBpeTokenizer(std::shared_ptr<const HfBpeModel> model)
      : model_(std::move(model)), merges_(model_->merges()) {}

  int64_t count(std::string_view text) override {
    CountSink sink;
    run(text, sink);
    return sink.total;
  }

  void encode(std::string_view text, std::vector<int32_t>& ids) override {
    IdSink sink{*this, ids};
    run(text, sink);
  }

 private:
  struct CountSink {
    int64_t total = 0;
    void token(int32_t) { ++total; }
  };
  struct PendingWord {
    ShortWordCounts::Key key;
    size_t slot;
    const uint8_t* word;
  };
  static constexpr size_t kBatch = 16;
  struct IdSink {
    HfBpeTokenizer& t;
    std::vector<int32_t>& ids;
    void token(int32_t id) { ids.push_back(id); }
    void word(const uint8_t* w, size_t n) { t.word_ids(w, n, ids); }
  };

  template <class Sink>
  void run(std::string_view text, Sink& sink) {
    model_->raw().split(
        text, [&](size_t b, size_t e) { segment(text.substr(b, e - b), sink); },
        [&](int32_t id) { sink.token(id); });
  }

  template <class Sink>
  void segment(std::string_view seg, Sink& sink) {
    const std::string_view norm = model_->nfc() ? detail::nfc(seg, nfc_buf_) : seg;
    model_->normalized().split(
        norm, [&](size_t b, size_t e) { words(norm.substr(b, e - b), sink); },
        [&](int32_t id) { sink.token(id); });
  }

  template <class Sink>
  void words(std::string_view piece, Sink& sink) {
    const auto* p = reinterpret_cast<const uint8_t*>(piece.data());
    detail::for_each_pretoken(piece, [&](size_t b, size_t e) { sink.word(p + b, e - b); });
  }

  // Counting: the token count of every pre-token of the piece. One- and two-byte words need
  // no cache (every byte is a token, and a two-byte word is one token exactly when its pair
  // has a merge); words up to 12 bytes are looked up in ShortWordCounts a batch at a time,
  // each entry prefetched when its word is found, resolved when the batch is full.
  void words(std::string_view piece, CountSink& sink) {
    const auto* p = reinterpret_cast<const uint8_t*>(piece.data());
    const uint8_t* end = p + piece.size();
    size_t pending = 0;
    int64_t total = 0;
    detail::for_each_pretoken(piece, [&](size_t b, size_t e) {
      const uint8_t* w = p + b;
      const size_t n = e - b;
      if (n <= 2) {
        total += n == 1 ? merges_.byte_id(w[0]) >= 0 : static_cast<int64_t>(merges_.two_byte_count(w[0], w[1]));
      } else if (n <= ShortWordCounts::kMaxKeyBytes) {
        const ShortWordCounts::Key k = ShortWordCounts::key(w, n, end);
        const size_t slot = ShortWordCounts::slot(k.lo, k.hi, k.n);
        short_counts_.prefetch(slot);
        batch_[pending++] = PendingWord{k, slot, w};
        if (pending == kBatch) {
          total += resolve(pending);
          pending = 0;
        }
      } else {
        total += static_cast<int64_t>(cached_word_count(w, n));
      }
    });
    sink.total += total + resolve(pending);
  }

  int64_t resolve(size_t pending) {
    int64_t total = 0;
    for (size_t i = 0; i < pending; ++i) {
      const PendingWord& q = batch_[i];
      int32_t c = short_counts_.find(q.key, q.slot);
      if (c < 0) {
        c = static_cast<int32_t>(cached_word_count(q.word, q.key.n));
        short_counts_.put(q.key, q.slot, static_cast<size_t>(c));
      }
      total += c;
    }
    return total;
  }

  // Token count of a word of 3 or more bytes, through WordCache (up to 255 bytes).
  size_t cached_word_count(const uint8_t* w, size_t n) {
    if (n > WordCache::kMaxKeyBytes) {
      merges_.encode_word(w, n, scratch_);
      return scratch_.size();
    }
    const uint64_t h = WordCache::hash(w, n);
    const int32_t c = count_cache_.find_count(w, n, h);
    if (c >= 0) return static_cast<size_t>(c);
    merges_.encode_word(w, n, scratch_);
    count_cache_.put_count(w, n, h, scratch_.size());
    return scratch_.size();
  }

  // Ids of one pre-token; one- and two-byte words skip the cache as in counting.
  void word_ids(const uint8_t* w, size_t n, std::vector<int32_t>& out) {
    if (n <= 2) {
      const int32_t a = merges_.byte_id(w[0]);
      const int32_t b = n == 2 ? merges_.byte_id(w[1]) : -1;
      if (a >= 0 && b >= 0) {
        if (const uint32_t r = merges_.rank(a, b); r != BpeMerges::kNoRank) {
          out.push_back(merges_.merged(r));
          return;
        }
      }
      if (a >= 0) out.push_back(a);
      if (b >= 0) out.push_back(b);
      return;
    }
    if (n > WordCache::kMaxKeyBytes) {
      merges_.encode_word(w, n, scratch_);
      out.insert(out.end(), scratch_.begin(), scratch_.end());
      return;
    }
    const uint64_t h = WordCache::hash(w, n);
    bool ok;
    const auto hit = id_cache_.find_ids(w, n, h, ok);
    if (ok) {
      out.insert(out.end(), hit.begin(), hit.end());
      return;
    }
    merges_.encode_word(w, n, scratch_);
    id_cache_.put_ids(w, n, h, scratch_);
    out.insert(out.end(), scratch_.begin(), scratch_.end());
  }

  std::shared_ptr<const HfBpeModel> model_;
  const BpeMerges& merges_;
  std::string nfc_buf_;
  std::vector<int32_t> scratch_;
  ShortWordCounts short_counts_;
  PendingWord batch_[kBatch];
  WordCache count_cache_{17};
  WordCache id_cache_{17};
};

std::unique_ptr<Tokenizer> HfBpeModel::make_tokenizer() const {
  return std::make_unique<HfBpeTokenizer>(shared_from_this());
}

// ---------------------------------------------------------------------------------------
// tokenizer.json loading.

// GPT-2's bytes_to_unicode: the code point standing for each byte in byte-level strings.
std::vector<uint32_t> byte_to_codepoint() {
  std::vector<uint32_t> cp(256);
  uint32_t extra = 0;
  for (uint32_t b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    cp[b] = printable ? b : 256 + extra++;
  }
  return cp;
}

std::string utf8(uint32_t cp) {
  std::string s;
  text::append_utf8(s, cp);
  return s;
}

class JsonReader {
 public:
  explicit JsonReader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void malformed(const std::string& what) const {
    throw InputError("not a valid Hugging Face tokenizer.json: " + what, path_);
  }
  [[noreturn]] void unsupported(const std::string& what) const {
    throw ConfigError("tokenizer.json uses an unsupported option: " + what, path_);
  }

  // obj[key], or nullopt when absent or JSON null.
  std::optional<simdjson::dom::element> field(simdjson::dom::element obj,
                                              std::string_view key) const {
    simdjson::dom::object o;
    if (obj.get(o)) malformed("expected an object around \"" + std::string(key) + "\"");
    simdjson::dom::element v;
    if (o[key].get(v) || v.is_null()) return std::nullopt;
    return v;
  }
  std::string_view str(simdjson::dom::element e, std::string_view what) const {
    std::string_view s;
    if (e.get(s)) malformed(std::string(what) + " is not a string");
    return s;
  }
  int64_t integer(simdjson::dom::element e, std::string_view what) const {
    int64_t v;
    if (e.get(v)) malformed(std::string(what) + " is not an integer");
    return v;
  }
  bool flag(simdjson::dom::element obj, std::string_view key, bool dflt) const {
    auto v = field(obj, key);
    if (!v) return dflt;
    bool b;
    if (v->get(b)) malformed(std::string(key) + " is not a boolean");
    return b;
  }

 private:
  std::string path_;
};

void check_pipeline(const JsonReader& j, simdjson::dom::element root) {
  if (j.field(root, "truncation")) j.unsupported("truncation");
  if (j.field(root, "padding")) j.unsupported("padding");
  if (auto norm = j.field(root, "normalizer")) {
    auto type = j.field(*norm, "type");
    if (!type || j.str(*type, "normalizer.type") != "NFC") {
      j.unsupported("normalizer other than NFC or null");
    }
  }
  auto pre = j.field(root, "pre_tokenizer");
  if (!pre) j.unsupported("no pre_tokenizer (only ByteLevel is implemented)");
  auto type = j.field(*pre, "type");
  if (!type || j.str(*type, "pre_tokenizer.type") != "ByteLevel") {
    j.unsupported("pre_tokenizer other than ByteLevel");
  }
  if (j.flag(*pre, "add_prefix_space", true)) j.unsupported("ByteLevel add_prefix_space=true");
  if (!j.flag(*pre, "use_regex", true)) j.unsupported("ByteLevel use_regex=false");
}

}  // namespace

std::shared_ptr<const TokenizerModel> load_hf_bpe(const std::filesystem::path& tokenizer_json,
                                                  std::string name) {
  const JsonReader j(tokenizer_json.string());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.load(tokenizer_json.string()).get(root)) {
    if (err == simdjson::IO_ERROR) {
      throw InputError("cannot read tokenizer file", tokenizer_json.string());
    }
    j.malformed(simdjson::error_message(err));
  }
  check_pipeline(j, root);

  auto model = j.field(root, "model");
  if (!model) j.malformed("no \"model\"");
  if (auto type = j.field(*model, "type"); type && j.str(*type, "model.type") != "BPE") {
    j.unsupported("model type other than BPE");
  }
  if (j.field(*model, "dropout")) j.unsupported("BPE dropout");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (auto v = j.field(*model, key); v && !j.str(*v, key).empty()) j.unsupported(key);
  }
  if (j.flag(*model, "byte_fallback", false)) j.unsupported("byte_fallback");
  if (j.flag(*model, "ignore_merges", false)) j.unsupported("ignore_merges");

  // Vocab: byte-level strings -> ids (load-time only; nothing iterates it into output).
  auto vocab_el = j.field(*model, "vocab");
  simdjson::dom::object vocab_obj;
  if (!vocab_el || vocab_el->get(vocab_obj)) j.malformed("model.vocab is not an object");
  // Keys are views into the parsed document, which outlives the map.
  std::unordered_map<std::string_view, int32_t> vocab;
  vocab.reserve(vocab_obj.size());
  int64_t vocab_size = 0;
  for (auto [key, value] : vocab_obj) {
    const int64_t id = j.integer(value, "a vocab id");
    if (id < 0 || id > INT32_MAX) j.malformed("vocab id out of range: " + std::to_string(id));
    if (id > BpeMerges::kMaxId) j.unsupported("vocab ids above " + std::to_string(BpeMerges::kMaxId));
    vocab[key] = static_cast<int32_t>(id);
    vocab_size = std::max(vocab_size, id + 1);
  }

  int32_t byte_ids[256];
  const auto cps = byte_to_codepoint();
  for (int b = 0; b < 256; ++b) {
    // GPT-NeoX lacks bytes that never occur in UTF-8 (0xC0, 0xC1, 0xF5..0xFF): -1, dropped.
    auto it = vocab.find(utf8(cps[static_cast<size_t>(b)]));
    byte_ids[b] = it == vocab.end() ? -1 : it->second;
  }

  // Merges: "a b" strings (legacy) or [a, b] pairs; rank = position.
  BpeMerges merges(byte_ids);
  auto merges_el = j.field(*model, "merges");
  simdjson::dom::array merges_arr;
  if (!merges_el || merges_el->get(merges_arr)) j.malformed("model.merges is not an array");
  uint32_t rank = 0;
  auto id_of = [&](std::string_view tok) {
    auto it = vocab.find(tok);
    if (it == vocab.end()) {
      j.malformed("merge " + std::to_string(rank + 1) + " uses a token not in the vocab: " + std::string(tok));
    }
    return it->second;
  };
  std::string ab;
  for (simdjson::dom::element m : merges_arr) {
    std::string_view a, b;
    simdjson::dom::array pair;
    if (!m.get(pair)) {
      if (pair.size() != 2) j.malformed("merge " + std::to_string(rank + 1) + " is not a pair");
      a = j.str(pair.at(0).value_unsafe(), "a merge part");
      b = j.str(pair.at(1).value_unsafe(), "a merge part");
    } else {
      const std::string_view line = j.str(m, "a merge");
      const size_t sp = line.find(' ');
      if (sp == std::string_view::npos || line.find(' ', sp + 1) != std::string_view::npos) {
        j.malformed("merge " + std::to_string(rank + 1) + " is not \"a b\"");
      }
      a = line.substr(0, sp);
      b = line.substr(sp + 1);
    }
    if (rank > BpeMerges::kMaxRank) j.unsupported("more than 16M merges");
    ab.assign(a).append(b);
    merges.add(id_of(a), id_of(b), id_of(ab), rank);
    ++rank;
  }
  merges.finish();

  // Added tokens: id from the vocab when the content is there, else the file's id (what
  // HF's AddedVocabulary assigns when loading this file).
  AddedTokenMatcher raw, normalized;
  int32_t eod = -1;
  if (auto added = j.field(root, "added_tokens")) {
    simdjson::dom::array arr;
    if (added->get(arr)) j.malformed("added_tokens is not an array");
    for (simdjson::dom::element t : arr) {
      auto content_el = j.field(t, "content");
      auto id_el = j.field(t, "id");
      if (!content_el || !id_el) j.malformed("an added token lacks content or id");
      const std::string content(j.str(*content_el, "added token content"));
      for (const char* key : {"lstrip", "rstrip", "single_word"}) {
        if (j.flag(t, key, false)) j.unsupported(std::string("added token ") + key + "=true");
      }
      const bool special = j.flag(t, "special", false);
      auto it = vocab.find(content);
      const int32_t id = it != vocab.end()
                             ? it->second
                             : static_cast<int32_t>(j.integer(*id_el, "added token id"));
      if (id < 0) j.malformed("added token id out of range: " + std::to_string(id));
      vocab_size = std::max<int64_t>(vocab_size, int64_t{id} + 1);
      if (content == "<|endoftext|>") eod = id;
      if (j.flag(t, "normalized", !special)) {
        std::string buf;
        normalized.add(detail::nfc(content, buf), id);
      } else {
        raw.add(content, id);
      }
    }
  }
  const bool nfc = j.field(root, "normalizer").has_value();
  if (eod < 0)
    if (auto it = vocab.find("<|endoftext|>"); it != vocab.end()) eod = it->second;
  return std::make_shared<HfBpeModel>(std::move(name), std::move(merges), std::move(raw),
                                      std::move(normalized), nfc, vocab_size, eod);
}

}  // namespace rpdata::tokenize
