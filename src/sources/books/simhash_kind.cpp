// `[dedup] kind = "simhash"`: RedPajama's Books near-duplicate removal (RP:data_prep/book/
// dedup.py) across units. Each book's 64-bit SimHash (meta `key`, from the book_simhash step)
// goes to its 6 band buckets; a reduce partition drops a book when a near-duplicate (Hamming
// distance <= 5) in one of its buckets has a smaller book id (book_ids.h); the apply stage
// gives RedPajama-mode books the flag of the last book holding their id.
#include <memory>
#include <string>

#include "rpdata/core/error.h"
#include "rpdata/dedup/kind.h"
#include "rpdata/dedup/simhash.h"
#include "rpdata/sources/books/book_ids.h"

namespace rpdata::sources::books {
namespace {

class SimhashKind final : public dedup::DedupKind {
 public:
  SimhashKind(dedup::DedupKeys keys, int max_distance, dedup::BookIdMode ids)
      : DedupKind(std::move(keys)), max_distance_(max_distance), ids_(ids) {}

  std::unique_ptr<dedup::UnitKeys> unit_keys(uint32_t unit, const dedup::DedupRun& run) const override {
    return std::make_unique<dedup::EntryFileKeys>(
        run.unit_file(unit, ".keys"), keys().partitions,
        [this, unit](const Document& doc, uint32_t ordinal, std::vector<dedup::Entry>& out) {
          const MetaValue* key = doc.meta.find(keys().field);
          if (!key) return;  // no signature: never a duplicate
          // The order is the plan position here; the reduce replaces it by the book id.
          auto e = dedup::simhash_entries(dedup::meta_u64(*key, keys().field), dedup::document_order(doc, "", unit, ordinal),
                                          unit, ordinal);
          out.insert(out.end(), e.begin(), e.end());
        });
  }

  Reduce reduce(const dedup::DedupRun& run) const override {
    auto ids = std::make_shared<const BookIds>(run, ids_);
    return [this, &run, ids](uint32_t p, dedup::RoundCounts& counts) {
      std::vector<dedup::Entry> entries = dedup::read_unit_partitions(run, ".keys", p, keys().partitions);
      // Near-duplicates are ordered by book id (dedup.py: a smaller id wins, equal ids never drop).
      for (auto& e : entries) e.order = ids->key(e.unit, e.ordinal);
      counts.entries = entries.size();
      counts.memory = entries.size() * sizeof(dedup::Entry);
      return dedup::reduce_partition(entries, dedup::ReduceRule::kSimHash, max_distance_);
    };
  }

  UnitDrops apply_drops(const dedup::DedupRun& run, UnitDrops own) const override {
    auto ids = std::make_shared<const BookIds>(run, ids_);
    return [ids, own](uint32_t unit) { return ids->final_drops(unit, own); };
  }

 private:
  int max_distance_;
  dedup::BookIdMode ids_;
};

}  // namespace

dedup::DedupKindType simhash_kind_type() {
  return {"simhash",
          "near-duplicate books (RedPajama's dedup.py): SimHash (meta `key`, from book_simhash) within Hamming "
          "distance 5, the smaller book id kept; rounds: reduce",
          {Key::text("order", "", "must stay empty: the book ids order the books"),
           Key::integer("max_distance", 5, "the Hamming distance of near-duplicates (the 6-band index needs 5)"),
           Key::text("book_ids", "redpajama", "\"redpajama\": ids restart per [[inputs]] group and a book takes the "
                                              "flag of the last book with its id; \"unique\": one id per book")},
          [](const Params& d) -> std::unique_ptr<dedup::DedupKind> {
            dedup::DedupKeys keys = dedup::read_dedup_keys(d);
            if (!d.get_string("order").empty())
              throw ConfigError("[dedup] book_ids orders the books; drop 'order'");
            int max_distance = static_cast<int>(d.get_int("max_distance"));
            if (max_distance != 5)
              throw ConfigError("[dedup] max_distance: the 6-band index finds every pair only for 5");
            std::string ids = d.get_string("book_ids");
            dedup::BookIdMode mode;
            if (ids == "redpajama") mode = dedup::BookIdMode::kRedPajama;
            else if (ids == "unique") mode = dedup::BookIdMode::kUnique;
            else throw ConfigError("[dedup] book_ids must be \"redpajama\" or \"unique\", not '" + ids + "'");
            return std::make_unique<SimhashKind>(std::move(keys), max_distance, mode);
          }};
}

}  // namespace rpdata::sources::books
