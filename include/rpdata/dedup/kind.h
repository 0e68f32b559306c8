// Cross-unit dedup kinds (`[dedup] kind = "..."`): what differs between them. A dedup run is
// a main stage (per unit: the kind turns each kept document into entries, saved in the unit's
// key files), the kind's rounds (per hash partition, in order; the last, "reduce", decides
// which documents lose) and an apply stage (per unit: the kind's drop set is removed). The
// runner lays the files out, spreads units and partitions over tasks and checks freshness;
// the kind decides. `exact` is registered here; source-specific kinds by their source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rpdata/core/document.h"
#include "rpdata/core/params.h"
#include "rpdata/core/step.h"
#include "rpdata/dedup/shuffle.h"

namespace rpdata::dedup {

// The [dedup] keys every kind has: key, partitions, drop_key.
struct DedupKeys {
  std::string field;         // meta field the entries are made from
  uint32_t partitions = 16;  // hash partitions of every round
  bool drop_field = false;   // remove `field` from the kept records
};
// Their declaration (with `kind`), and reading them; ConfigError when key is missing or
// partitions is not 1..65536.
Keys dedup_keys();
DedupKeys read_dedup_keys(const Params& dedup);

// What the rounds of a run see of it; paths are laid out by the runner.
struct DedupRun {
  // Per plan unit, the index of its group ([[inputs]] group, or dump), numbered in order of
  // first appearance; all 0 for a one-group plan.
  std::vector<uint32_t> unit_group;
  // A unit's key file with this extension (one of DedupKind::unit_files()).
  std::function<std::filesystem::path(uint32_t unit, std::string_view ext)> unit_file;
  // Partition p's file of an earlier round (not the reduce).
  std::function<std::filesystem::path(std::string_view round, uint32_t p)> round_file;
  // The number of documents the main stage kept in a unit (complete main stage only).
  std::function<uint64_t(uint32_t unit)> unit_docs;

  uint32_t units() const { return static_cast<uint32_t>(unit_group.size()); }
  uint32_t group_of(uint32_t unit) const { return unit < unit_group.size() ? unit_group[unit] : 0; }
};

// One unit's entries during the main stage: a Writer of its kept documents, numbered in
// order across batches (the ordinal the apply stage drops by).
class UnitKeys : public Writer {
 public:
  void write(const Batch& batch) final {
    for (const Document& doc : batch.docs) add(doc, ordinal_++);
  }
  // After the last document (e.g. a per-unit finalisation of the entries).
  void close() override {}
  // Entries collected (the unit's `dedup_entries` count).
  virtual size_t entries() const = 0;
  // Writes the unit's key files (after close; each atomically).
  virtual void save() = 0;

 protected:
  virtual void add(const Document& doc, uint32_t ordinal) = 0;

 private:
  uint32_t ordinal_ = 0;
};

// The common UnitKeys: Entry records in one ".keys" file, made per document by `entries`.
class EntryFileKeys : public UnitKeys {
 public:
  using Make = std::function<void(const Document& doc, uint32_t ordinal, std::vector<Entry>& out)>;
  EntryFileKeys(std::filesystem::path file, uint32_t partitions, Make make)
      : file_(std::move(file)), partitions_(partitions), make_(std::move(make)) {}
  size_t entries() const override { return entries_.size(); }
  void save() override { write_entry_file(file_, std::move(entries_), partitions_); }

 protected:
  void add(const Document& doc, uint32_t ordinal) override { make_(doc, ordinal, entries_); }

 private:
  std::filesystem::path file_;
  uint32_t partitions_;
  Make make_;
  std::vector<Entry> entries_;
};

// What one partition of a round read and produced (sidecar counts and the log line).
struct RoundCounts {
  size_t entries = 0;       // entries read
  size_t out = 0;           // records written (winners, drops)
  uint64_t memory = 0;      // bytes of entries held at once
};

class DedupKind {
 public:
  explicit DedupKind(DedupKeys keys) : keys_(std::move(keys)) {}
  virtual ~DedupKind() = default;
  const DedupKeys& keys() const { return keys_; }

  // The cross-unit rounds between main and apply, in order, each run per partition; the last
  // is "reduce" (the one whose partitions are drop files). Default: {"reduce"}.
  virtual std::vector<std::string> rounds() const { return {"reduce"}; }
  // Extensions of a unit's key files (what the main stage must have written for a round).
  virtual std::vector<std::string> unit_files() const { return {".keys"}; }

  // Main stage: collects unit `unit`'s entries into run.unit_file(unit, ...).
  virtual std::unique_ptr<UnitKeys> unit_keys(uint32_t unit, const DedupRun& run) const = 0;

  // The functions below are prepared once per task (e.g. reading every unit's document count)
  // and keep references to `run` and the kind, which must outlive them.
  // A round before the reduce: computes partition p into `out`.
  using Round = std::function<RoundCounts(uint32_t p, const std::filesystem::path& out)>;
  virtual Round round(const std::string& name, const DedupRun& run) const;
  // The reduce: partition p's drops (sorted, unique), with counts (`out` is set by the caller).
  using Reduce = std::function<std::vector<Drop>(uint32_t p, RoundCounts& counts)>;
  virtual Reduce reduce(const DedupRun& run) const = 0;

  // The apply stage: a unit's final drops (sorted) given `own`, the reduce's drops of any unit.
  // Default: its own.
  using UnitDrops = std::function<std::vector<uint32_t>(uint32_t unit)>;
  virtual UnitDrops apply_drops(const DedupRun& run, UnitDrops own) const;

 private:
  DedupKeys keys_;
};

struct DedupKindType {
  std::string name;         // `[dedup] kind = "<name>"`
  std::string description;  // one line: what it keeps and its rounds
  Keys keys;                // its [dedup] keys besides kind, key, partitions and drop_key
  // Reads its keys from [dedup] (the caller rejects keys left unread).
  std::function<std::unique_ptr<DedupKind>(const Params& dedup)> configure;
};

class DedupKindRegistry {
 public:
  void add(DedupKindType type);
  // The kind named by [dedup] kind ("exact" when absent), its keys read and unread keys
  // rejected; ConfigError naming the known kinds otherwise, errors naming `recipe`.
  std::unique_ptr<DedupKind> configure(const Params& dedup, const std::string& recipe) const;
  const std::vector<DedupKindType>& types() const { return types_; }

 private:
  std::vector<DedupKindType> types_;
};

// `exact`: equal keys (meta `key`, any type as text) are duplicates; the smallest `order`
// (meta integer, default plan order) wins. Keys: key, order, partitions, drop_key.
DedupKindType exact_kind_type();

// Helpers for kinds.
// A meta value as key text: strings as is, integers in decimal, bools as true/false, JSON
// values as their text, doubles as %.17g.
std::string meta_key_text(const MetaValue& v);
// A meta integer, or a hex string (64-bit values travel as hex); InputError naming `field`.
uint64_t meta_u64(const MetaValue& v, const std::string& field);
// The document's order: meta `order_field` when given (InputError when absent), else its
// plan position (unit << 32 | ordinal).
uint64_t document_order(const Document& doc, const std::string& order_field, uint32_t unit, uint32_t ordinal);
// Partition p of every unit's `ext` key file, in unit order.
std::vector<Entry> read_unit_partitions(const DedupRun& run, std::string_view ext, uint32_t p, uint32_t partitions);

}  // namespace rpdata::dedup
