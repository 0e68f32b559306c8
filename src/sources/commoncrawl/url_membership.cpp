#include "rpdata/sources/commoncrawl/url_membership.h"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "rpdata/core/error.h"

namespace rpdata::sources::commoncrawl {
namespace {

struct Options {
  std::string url_field;
  // The rank of each route ("file" = unit x route): files are ordered by this rank, then by
  // unit (RedPajama's sorted-glob order of en_head_NNNN before en_middle_NNNN).
  std::vector<std::string> file_order;
  // Digests and URLs meet only within their unit group (RedPajama per dump), else across the run.
  bool scope_per_group = false;
};

// dedup_phase2.py: url_digest[url] = digest over a file's lines, then `for url, digest in
// url_digest.items()`: insertion order (the URL's first line) with the last value.
void finalize_digests(std::vector<dedup::DigestEntry>& v) {
  std::sort(v.begin(), v.end(), [](const dedup::DigestEntry& a, const dedup::DigestEntry& b) {
    return std::tie(a.order, a.u1, a.u2, a.ordinal) < std::tie(b.order, b.u1, b.u2, b.ordinal);
  });
  size_t w = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j < v.size() && v[j].order == v[i].order && v[j].u1 == v[i].u1 && v[j].u2 == v[i].u2) ++j;
    dedup::DigestEntry e = v[j - 1];  // last digest
    e.ordinal = v[i].ordinal;         // first position
    v[w++] = e;
    i = j;
  }
  v.resize(w);
}

// A unit's records keyed by URL (".keys", for the reduce) and its per-file {url: digest}
// entries keyed by digest (".digests", for the winners round).
class UrlUnitKeys final : public dedup::UnitKeys {
 public:
  UrlUnitKeys(const dedup::DedupKeys& keys, const Options& o, uint32_t unit, const dedup::DedupRun& run)
      : keys_(keys), o_(o), unit_(unit), group_(run.group_of(unit)),
        keys_file_(run.unit_file(unit, ".keys")), digests_file_(run.unit_file(unit, ".digests")) {}

  size_t entries() const override { return entries_.size(); }
  void close() override { finalize_digests(digests_); }
  void save() override {
    dedup::write_digest_file(digests_file_, std::move(digests_), keys_.partitions);
    dedup::write_entry_file(keys_file_, std::move(entries_), keys_.partitions);
  }

 protected:
  void add(const Document& doc, uint32_t ordinal) override {
    const MetaValue* key = doc.meta.find(keys_.field);
    if (!key) return;  // no digest: never a duplicate
    const MetaValue* url = doc.meta.find(o_.url_field);
    if (!url) return;  // no URL: no winner to be, never dropped
    uint64_t rank = 0;
    if (!o_.file_order.empty()) {
      // The unrouted ("": e.g. the optional perplexity step had no model) rank last.
      auto it = std::find(o_.file_order.begin(), o_.file_order.end(), doc.route);
      if (it == o_.file_order.end() && !doc.route.empty())
        throw InputError("document " + doc.id + " goes to route '" + doc.route + "', which [dedup] file_order lacks");
      rank = static_cast<uint64_t>(it - o_.file_order.begin());
    }
    rank |= uint64_t{group_} << 32;
    std::string scope = o_.scope_per_group ? std::to_string(group_) + " " : std::string();
    dedup::Entry u = dedup::exact_entry(scope + dedup::meta_key_text(*url), rank, unit_, ordinal);
    dedup::Entry d = dedup::exact_entry(scope + dedup::meta_key_text(*key), rank, unit_, ordinal);
    entries_.push_back(u);
    digests_.push_back(dedup::DigestEntry{d.h1, d.h2, u.h1, u.h2, rank, unit_, ordinal});
  }

 private:
  const dedup::DedupKeys& keys_;
  const Options& o_;
  uint32_t unit_, group_;
  std::filesystem::path keys_file_, digests_file_;
  std::vector<dedup::Entry> entries_;
  std::vector<dedup::DigestEntry> digests_;
};

class UrlMembershipKind final : public dedup::DedupKind {
 public:
  UrlMembershipKind(dedup::DedupKeys keys, Options o) : DedupKind(std::move(keys)), o_(std::move(o)) {}

  std::vector<std::string> rounds() const override { return {"winners", "reduce"}; }
  std::vector<std::string> unit_files() const override { return {".keys", ".digests"}; }

  std::unique_ptr<dedup::UnitKeys> unit_keys(uint32_t unit, const dedup::DedupRun& run) const override {
    return std::make_unique<UrlUnitKeys>(keys(), o_, unit, run);
  }

  // Per digest partition: the first URL of each digest, written partitioned by URL.
  Round round(const std::string& name, const dedup::DedupRun& run) const override {
    if (name != "winners") return DedupKind::round(name, run);
    return [this, &run](uint32_t p, const std::filesystem::path& out) {
      uint32_t partitions = keys().partitions;
      std::vector<dedup::DigestEntry> entries;
      for (uint32_t u = 0; u < run.units(); ++u) {
        auto part = dedup::read_digest_partition(run.unit_file(u, ".digests"), p, partitions);
        entries.insert(entries.end(), part.begin(), part.end());
      }
      dedup::RoundCounts counts{entries.size(), 0, entries.size() * sizeof(dedup::DigestEntry)};
      auto won = dedup::digest_winners(entries);
      counts.out = won.size();
      dedup::write_entry_file(out, std::move(won), partitions);
      return counts;
    };
  }

  // Per URL partition: every record whose URL won no digest is dropped.
  Reduce reduce(const dedup::DedupRun& run) const override {
    return [this, &run](uint32_t p, dedup::RoundCounts& counts) {
      uint32_t partitions = keys().partitions;
      std::vector<dedup::Entry> records = dedup::read_unit_partitions(run, ".keys", p, partitions);
      std::vector<dedup::Entry> winners;
      for (uint32_t q = 0; q < partitions; ++q) {
        auto part = dedup::read_entry_partition(run.round_file("winners", q), p, partitions);
        winners.insert(winners.end(), part.begin(), part.end());
      }
      counts.entries = records.size();
      counts.memory = (records.size() + winners.size()) * sizeof(dedup::Entry);
      return dedup::url_member_drops(records, winners);
    };
  }

 private:
  Options o_;
};

}  // namespace

dedup::DedupKindType url_membership_kind_type() {
  return {"url_membership",
          "RedPajama's CommonCrawl digest dedup (dedup_phase2.py): per digest (meta `key`) the first URL in file "
          "order wins, records whose URL won nothing are dropped; rounds: winners, reduce",
          {Key::text("url", "url", "the meta field holding the URL"),
           Key::list("file_order", {}, "the routes in file order (RedPajama's sorted glob: en_head before en_middle)"),
           Key::text("scope", "run", "where digests meet: \"run\" (across dumps) or \"dump\" (RedPajama, per dump)")},
          [](const Params& d) -> std::unique_ptr<dedup::DedupKind> {
            Options o;
            o.url_field = d.get_string("url");
            o.file_order = d.get_strings("file_order");
            std::string scope = d.get_string("scope");
            if (scope != "run" && scope != "dump")
              throw ConfigError("[dedup] scope must be \"run\" (across every dump of the run) or \"dump\"");
            o.scope_per_group = scope == "dump";
            dedup::DedupKeys keys = dedup::read_dedup_keys(d);
            return std::make_unique<UrlMembershipKind>(std::move(keys), std::move(o));
          }};
}

}  // namespace rpdata::sources::commoncrawl
