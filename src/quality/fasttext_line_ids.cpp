#include "fasttext_line_ids.h"

#include <fasttext/fasttext.h>

#include <array>
#include <atomic>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace rpdata::quality {
namespace {

enum Kind : uint8_t { kSkip = 0, kWord = 1 };

// Dictionary::readWord's separators: ' ' '\n' '\r' '\t' '\v' '\f' '\0'.
constexpr std::array<bool, 256> make_separators() {
  std::array<bool, 256> s{};
  for (unsigned char c : {' ', '\n', '\r', '\t', '\v', '\f', '\0'}) s[c] = true;
  return s;
}
constexpr std::array<bool, 256> kSeparator = make_separators();

constexpr std::string_view kEos = "</s>";  // fasttext::Dictionary::EOS

std::atomic<uint64_t> next_generation{1};

// Dictionary::hash: FNV-1a 32 over the bytes, each sign-extended (int8_t) first.
inline uint32_t fnv_step(uint32_t h, unsigned char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int8_t>(c))) * 16777619u;
}
uint32_t fasttext_hash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) h = fnv_step(h, static_cast<unsigned char>(c));
  return h;
}

size_t bucket_slot(int32_t key) { return static_cast<size_t>((static_cast<uint64_t>(static_cast<uint32_t>(key)) * 0x9E3779B97F4A7C15ull) >> 32); }

}  // namespace

// Open-addressing memo: token bytes -> (kind, fastText hash, ids). Bounded: emptied when 3/4
// of the slots or kMaxIds ids are used, which changes speed only, never results.
struct FasttextLineIds::Cache {
  static constexpr size_t kMaxKeyBytes = 128;  // longer tokens are looked up every time
  static constexpr int kLog2Slots = 17;
  static constexpr size_t kMaxIds = size_t{1} << 22;

  struct Slot {
    uint32_t tag;
    uint32_t key_off;
    uint32_t ids_off;
    uint32_t n_ids;
    uint32_t ft_hash;
    uint16_t key_len;  // 0: empty slot (empty tokens never occur)
    uint8_t kind;
  };

  Cache() : slots(size_t{1} << kLog2Slots), mask(slots.size() - 1), max_entries(slots.size() / 4 * 3) {}

  const Slot* find(std::string_view w, uint64_t h) const {
    const auto tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (s.key_len == 0) return nullptr;
      if (s.tag == tag && s.key_len == w.size() && std::memcmp(keys.data() + s.key_off, w.data(), w.size()) == 0)
        return &s;
    }
  }

  const Slot* put(std::string_view w, uint64_t h, uint8_t kind, uint32_t ft_hash, const std::vector<int32_t>& v) {
    if (entries >= max_entries || ids.size() + v.size() > kMaxIds) clear();
    ++entries;
    size_t i = h & mask;
    while (slots[i].key_len != 0) i = (i + 1) & mask;
    Slot& s = slots[i];
    s.tag = static_cast<uint32_t>(h >> 32);
    s.key_off = static_cast<uint32_t>(keys.size());
    s.key_len = static_cast<uint16_t>(w.size());
    s.ids_off = static_cast<uint32_t>(ids.size());
    s.n_ids = static_cast<uint32_t>(v.size());
    s.ft_hash = ft_hash;
    s.kind = kind;
    keys.append(w);
    ids.insert(ids.end(), v.begin(), v.end());
    return &s;
  }

  void clear() {
    std::memset(slots.data(), 0, slots.size() * sizeof(Slot));
    keys.clear();
    ids.clear();
    entries = 0;
  }

  std::vector<Slot> slots;
  size_t mask;
  size_t max_entries;
  size_t entries = 0;
  std::string keys;
  std::vector<int32_t> ids;
  // Per-call scratch (one line at a time per thread).
  std::vector<int32_t> scratch;
  std::vector<int32_t> hashes;  // getLine's word_hashes: int32, as fastText stores them
};

FasttextLineIds::FasttextLineIds(const fasttext::FastText& model, bool own_hashing)
    : dict_(model.getDictionary()), own_hashing_(own_hashing), generation_(next_generation.fetch_add(1)) {
  const fasttext::Args args = model.getArgs();
  label_prefix_ = args.label;
  minn_ = args.minn;
  maxn_ = args.maxn;
  word_ngrams_ = args.wordNgrams;
  bucket_ = static_cast<uint64_t>(static_cast<int64_t>(args.bucket));
  bucket_mod_ = FastMod(bucket_);
  bucket_mod32_ = FastMod32(static_cast<uint32_t>(bucket_));  // args.bucket is an int32
  nwords_ = dict_->nwords();
  if (own_hashing_) {
    const int32_t size = dict_->nwords() + dict_->nlabels();
    size_t slots = 16;
    while (slots < static_cast<size_t>(size) * 2) slots *= 2;
    vocab_slots_.assign(slots, -1);
    vocab_mask_ = slots - 1;
    for (int32_t i = 0; i < size; ++i) {
      vocab_.push_back(dict_->getWord(i));
      size_t j = XXH3_64bits(vocab_[i].data(), vocab_[i].size()) & vocab_mask_;
      while (vocab_slots_[j] != -1) j = (j + 1) & vocab_mask_;
      vocab_slots_[j] = i;
    }
  }
  if (word_ngrams_ > 1 || model.isQuant()) {
    // Word n-gram buckets go through Dictionary::pushHash, whose pruning map (quantized
    // models with a cutoff) is protected; Dictionary::save writes it after the entries. Its
    // size also gives the rows of a quantized input matrix (input_rows()).
    dict_parsed_ = true;
    std::ostringstream out;
    dict_->save(out);
    const std::string s = out.str();
    size_t pos = 0;
    auto read = [&](void* dst, size_t n) {
      if (pos + n > s.size()) throw std::runtime_error("fastText dictionary: short save() output");
      std::memcpy(dst, s.data() + pos, n);
      pos += n;
    };
    int32_t size = 0, nwords = 0, nlabels = 0;
    int64_t ntokens = 0;
    read(&size, 4);
    read(&nwords, 4);
    read(&nlabels, 4);
    read(&ntokens, 8);
    read(&pruneidx_size_, 8);
    for (int32_t i = 0; i < size; ++i) {
      size_t z = s.find('\0', pos);
      if (z == std::string::npos) throw std::runtime_error("fastText dictionary: bad save() output");
      pos = z + 1 + 8 + 1;  // word, NUL, int64 count, int8 type
    }
    if (pruneidx_size_ > 0) {
      size_t slots = 16;
      while (slots < static_cast<size_t>(pruneidx_size_) * 2) slots *= 2;
      prune_slots_.assign(slots, {-1, 0});
      prune_mask_ = slots - 1;
      kept_bits_.assign(bucket_ / 64 + 1, 0);
      for (int64_t i = 0; i < pruneidx_size_; ++i) {
        int32_t from = 0, to = 0;
        read(&from, 4);
        read(&to, 4);
        size_t j = bucket_slot(from) & prune_mask_;
        while (prune_slots_[j].first != -1 && prune_slots_[j].first != from) j = (j + 1) & prune_mask_;
        prune_slots_[j] = {from, to};
        if (from >= 0 && static_cast<uint64_t>(from) < bucket_)
          kept_bits_[static_cast<size_t>(from) / 64] |= uint64_t{1} << (from % 64);
      }
    }
  }
}

int32_t FasttextLineIds::vocab_find(std::string_view token) const {
  for (size_t j = XXH3_64bits(token.data(), token.size()) & vocab_mask_;; j = (j + 1) & vocab_mask_) {
    const int32_t id = vocab_slots_[j];
    if (id == -1 || vocab_[static_cast<size_t>(id)] == token) return id;
  }
}

void FasttextLineIds::push_bucket(int32_t bucket, std::vector<int32_t>& ids) const {
  if (pruneidx_size_ == 0 || bucket < 0) return;
  int32_t id = bucket;
  if (pruneidx_size_ > 0) {
    // Most n-gram buckets of a pruned model are gone: a bit per bucket answers those.
    if (static_cast<uint64_t>(bucket) < bucket_ &&
        !((kept_bits_[static_cast<size_t>(bucket) / 64] >> (bucket % 64)) & 1))
      return;
    size_t j = bucket_slot(bucket) & prune_mask_;
    for (;; j = (j + 1) & prune_mask_) {
      if (prune_slots_[j].first == bucket) break;
      if (prune_slots_[j].first == -1) return;  // pruned away
    }
    id = prune_slots_[j].second;
  }
  ids.push_back(nwords_ + id);
}

void FasttextLineIds::oov_subwords(std::string_view token, std::vector<int32_t>& ids) const {
  // For each n-gram of 1..maxn UTF-8 characters (a character = a lead byte and its
  // continuation bytes) of "<token>" with n >= minn, except the lone "<" and ">": the bucket
  // hash(ngram) % bucket, hash = FNV-1a 32 over the bytes sign-extended (int8_t).
  thread_local std::string word;
  word.assign("<");
  word.append(token);
  word.push_back('>');
  const auto* w = reinterpret_cast<const unsigned char*>(word.data());
  const size_t len = word.size();
  const auto maxn = static_cast<size_t>(maxn_), minn = static_cast<size_t>(minn_);
  const FastMod32& bucket = bucket_mod32_;
  const auto step = fnv_step;
  for (size_t i = 0; i < len; ++i) {
    if ((w[i] & 0xC0) == 0x80) continue;
    uint32_t h = 2166136261u;
    for (size_t j = i, n = 1; j < len && n <= maxn; ++n) {
      h = step(h, w[j++]);
      while (j < len && (w[j] & 0xC0) == 0x80) h = step(h, w[j++]);
      if (n >= minn && !(n == 1 && (i == 0 || j == len))) push_bucket(static_cast<int32_t>(bucket(h)), ids);
    }
  }
}

FasttextLineIds::~FasttextLineIds() = default;

int64_t FasttextLineIds::input_rows() const {
  if (!dict_parsed_) return -1;
  return nwords_ + (pruneidx_size_ >= 0 ? pruneidx_size_ : static_cast<int64_t>(bucket_));
}

FasttextLineIds::Cache& FasttextLineIds::cache() const {
  // A few caches per thread (one per live model in use), most recent first.
  thread_local std::vector<std::pair<uint64_t, std::unique_ptr<Cache>>> caches;
  for (size_t i = 0; i < caches.size(); ++i) {
    if (caches[i].first != generation_) continue;
    if (i != 0) std::swap(caches[0], caches[i]);
    return *caches[0].second;
  }
  constexpr size_t kMaxCachesPerThread = 4;
  if (caches.size() >= kMaxCachesPerThread) caches.pop_back();
  caches.insert(caches.begin(), {generation_, std::make_unique<Cache>()});
  return *caches[0].second;
}

size_t FasttextLineIds::cached_words() const { return cache().entries; }

void FasttextLineIds::lookup(std::string_view token, uint8_t& kind, uint32_t& hash,
                             std::vector<int32_t>& ids) const {
  // Dictionary::getLine: h = hash(token); wid = getId(token, h); the type is the entry's, or
  // by the label prefix for an unknown token (getType(string)); words go through addSubwords.
  std::string w;
  int32_t wid;
  fasttext::entry_type type;
  if (own_hashing_) {
    hash = fasttext_hash(token);
    wid = vocab_find(token);
    type = wid >= 0 ? dict_->getType(wid)
                    : (token.starts_with(label_prefix_) ? fasttext::entry_type::label : fasttext::entry_type::word);
  } else {
    w.assign(token);
    hash = dict_->hash(w);
    wid = dict_->getId(w, hash);
    type = wid < 0 ? dict_->getType(w) : dict_->getType(wid);
  }
  ids.clear();
  kind = type == fasttext::entry_type::word ? kWord : kSkip;
  if (kind != kWord) return;
  if (wid >= 0) {
    if (maxn_ <= 0) {
      ids.push_back(wid);
    } else {
      const std::vector<int32_t>& sub = dict_->getSubwords(wid);
      ids.assign(sub.begin(), sub.end());
    }
  } else if (token != kEos) {
    if (own_hashing_) oov_subwords(token, ids);
    else ids = dict_->getSubwords(w);  // out of vocabulary: computeSubwords(BOW + w + EOW)
  }
}

void FasttextLineIds::line_ids(std::string_view text, std::vector<int32_t>& ids) const {
  Cache& c = cache();
  ids.clear();
  c.hashes.clear();
  auto add = [&](std::string_view token) {
    if (token.size() > Cache::kMaxKeyBytes) {
      uint8_t kind;
      uint32_t h;
      lookup(token, kind, h, c.scratch);
      if (kind == kWord) {
        ids.insert(ids.end(), c.scratch.begin(), c.scratch.end());
        c.hashes.push_back(static_cast<int32_t>(h));
      }
      return;
    }
    const uint64_t key = XXH3_64bits(token.data(), token.size());
    const Cache::Slot* s = c.find(token, key);
    if (!s) {
      uint8_t kind;
      uint32_t h;
      lookup(token, kind, h, c.scratch);
      s = c.put(token, key, kind, h, c.scratch);
    }
    if (s->kind == kWord) {
      const int32_t* p = c.ids.data() + s->ids_off;
      ids.insert(ids.end(), p, p + s->n_ids);
      c.hashes.push_back(static_cast<int32_t>(s->ft_hash));
    }
  };

  // Dictionary::readWord over text + "\n": separators end a token; a '\n' met with no pending
  // token is the EOS token "</s>"; getLine stops after the token equal to "</s>".
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  for (;;) {
    while (p < end && *p != '\n' && kSeparator[*p]) ++p;
    if (p == end || *p == '\n') {
      add(kEos);
      break;
    }
    const auto* start = p;
    while (p < end && !kSeparator[*p]) ++p;
    const std::string_view token(reinterpret_cast<const char*>(start), static_cast<size_t>(p - start));
    add(token);
    if (token == kEos) break;
  }

  // Dictionary::addWordNgrams + pushHash: the int32 hashes widen to uint64 with sign extension.
  if (word_ngrams_ > 1 && pruneidx_size_ != 0) {
    const auto& hs = c.hashes;
    for (size_t i = 0; i < hs.size(); ++i) {
      uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(hs[i]));
      for (size_t j = i + 1; j < hs.size() && j < i + static_cast<size_t>(word_ngrams_); ++j) {
        h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(hs[j]));
        push_bucket(static_cast<int32_t>(bucket_mod_(h)), ids);
      }
    }
  }
}

}  // namespace rpdata::quality
