#include "rpdata/dedup/kind.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "rpdata/core/error.h"

namespace rpdata::dedup {

Keys dedup_keys() {
  return {Key::text("kind", "exact", "the dedup kind (rpdata steps lists them)"),
          Key::require("key", ParamType::kString, "the meta field the kind's entries are made from"),
          Key::integer("partitions", 16, "hash partitions of every round (1..65536)"),
          Key::flag("drop_key", false, "remove the key field from the kept records")};
}

DedupKeys read_dedup_keys(const Params& d) {
  DedupKeys k;
  if (!d.has("key")) throw ConfigError("[dedup] needs key = \"<meta field>\"");
  k.field = d.get_string("key");
  int64_t partitions = d.get_int("partitions");
  if (partitions < 1 || partitions > 65536) throw ConfigError("[dedup] partitions must be 1..65536");
  k.partitions = static_cast<uint32_t>(partitions);
  k.drop_field = d.get_bool("drop_key");
  return k;
}

DedupKind::Round DedupKind::round(const std::string& name, const DedupRun&) const {
  throw std::logic_error("dedup kind has no round '" + name + "'");
}

DedupKind::UnitDrops DedupKind::apply_drops(const DedupRun&, UnitDrops own) const { return own; }

void DedupKindRegistry::add(DedupKindType type) { types_.push_back(std::move(type)); }

std::unique_ptr<DedupKind> DedupKindRegistry::configure(const Params& dedup, const std::string& recipe) const {
  dedup.declare("dedup", dedup_keys());
  std::string name = dedup.get_string("kind");
  for (const auto& t : types_) {
    if (t.name != name) continue;
    std::unique_ptr<DedupKind> kind;
    try {
      dedup.declare("kind " + name, t.keys);
      kind = t.configure(dedup);
      dedup.reject_unused();
    } catch (const ConfigError& e) {
      if (!e.path().empty()) throw;
      throw ConfigError(e.message(), recipe);
    }
    auto rounds = kind->rounds();
    if (rounds.empty() || rounds.back() != "reduce")
      throw std::logic_error("dedup kind " + name + ": its rounds must end with \"reduce\"");
    return kind;
  }
  std::string known;
  for (const auto& t : types_) known += (known.empty() ? "" : ", ") + t.name;
  throw ConfigError("[dedup] kind = \"" + name + "\" is not a dedup kind (known: " + known + ")", recipe);
}

std::string meta_key_text(const MetaValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto* j = std::get_if<MetaJson>(&v)) return j->json;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", std::get<double>(v));
  return buf;
}

uint64_t meta_u64(const MetaValue& v, const std::string& field) {
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<uint64_t>(*i);
  if (auto* s = std::get_if<std::string>(&v)) {  // 64-bit values travel as hex strings
    char* end = nullptr;
    uint64_t x = std::strtoull(s->c_str(), &end, 16);
    if (!s->empty() && *end == '\0') return x;
  }
  throw InputError("meta field '" + field + "' is not an integer or a hex string");
}

uint64_t document_order(const Document& doc, const std::string& order_field, uint32_t unit, uint32_t ordinal) {
  if (order_field.empty()) return (uint64_t{unit} << 32) | ordinal;
  const MetaValue* o = doc.meta.find(order_field);
  if (!o) throw InputError("document " + doc.id + " has no order field '" + order_field + "'");
  return meta_u64(*o, order_field);
}

std::vector<Entry> read_unit_partitions(const DedupRun& run, std::string_view ext, uint32_t p, uint32_t partitions) {
  std::vector<Entry> entries;
  for (uint32_t u = 0; u < run.units(); ++u) {
    auto part = read_entry_partition(run.unit_file(u, ext), p, partitions);
    entries.insert(entries.end(), part.begin(), part.end());
  }
  return entries;
}

namespace {

class ExactKind final : public DedupKind {
 public:
  ExactKind(DedupKeys keys, std::string order_field) : DedupKind(std::move(keys)), order_field_(std::move(order_field)) {}

  std::unique_ptr<UnitKeys> unit_keys(uint32_t unit, const DedupRun& run) const override {
    return std::make_unique<EntryFileKeys>(
        run.unit_file(unit, ".keys"), keys().partitions,
        [this, unit](const Document& doc, uint32_t ordinal, std::vector<Entry>& out) {
          const MetaValue* key = doc.meta.find(keys().field);
          if (!key) return;  // no key: never a duplicate
          out.push_back(exact_entry(meta_key_text(*key), document_order(doc, order_field_, unit, ordinal), unit, ordinal));
        });
  }

  Reduce reduce(const DedupRun& run) const override {
    return [this, &run](uint32_t p, RoundCounts& counts) {
      std::vector<Entry> entries = read_unit_partitions(run, ".keys", p, keys().partitions);
      counts.entries = entries.size();
      counts.memory = entries.size() * sizeof(Entry);
      return reduce_partition(entries, ReduceRule::kExact);
    };
  }

 private:
  std::string order_field_;
};

}  // namespace

DedupKindType exact_kind_type() {
  return {"exact",
          "equal keys are duplicates, the first in `order` (default plan order) is kept; rounds: reduce",
          {Key::text("order", "", "a meta integer: the smaller wins (default: plan order)")},
          [](const Params& d) -> std::unique_ptr<DedupKind> {
            DedupKeys keys = read_dedup_keys(d);
            return std::make_unique<ExactKind>(std::move(keys), d.get_string("order"));
          }};
}

}  // namespace rpdata::dedup
