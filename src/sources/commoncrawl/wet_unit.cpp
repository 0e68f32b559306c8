#include "rpdata/sources/commoncrawl/wet_unit.h"

#include "rpdata/core/error.h"
#include "rpdata/sources/commoncrawl/listing.h"

namespace rpdata::sources::commoncrawl {
namespace fs = std::filesystem;
namespace {

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

}  // namespace

uint64_t estimate_group_lines(const std::vector<fs::path>& parts, double lines_per_input_byte) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& p : parts) {
    auto n = fs::file_size(p, ec);
    if (!ec) bytes += n;
  }
  return static_cast<uint64_t>(static_cast<double>(bytes) * lines_per_input_byte);
}

WetUnitReader::WetUnitReader(std::vector<fs::path> parts, std::string unit, WetUnitOptions options)
    : parts_(std::move(parts)), unit_(std::move(unit)), options_(std::move(options)) {
  if (parts_.empty()) throw ConfigError("[read] format wet: unit " + unit_ + " has no parts");
}

WetUnitReader::~WetUnitReader() = default;

bool WetUnitReader::open_part(size_t k) {
  if (k >= parts_.size()) return false;
  WetOptions o = options_.wet;
  o.cc_segment = segment_name_of(parts_[k]);
  o.id_prefix = unit_ + "/" + std::to_string(k);
  reader_ = std::make_unique<WetReader>(parts_[k], o);
  return true;
}

void WetUnitReader::pass1() {
  pass1_done_ = true;
  if (!options_.dedup) return;
  uint64_t estimate = estimate_group_lines(parts_, options_.lines_per_input_byte);
  if (!dedup::HashGroup::fits(estimate, options_.hash_budget_bytes))
    throw Error("line dedup of " + unit_ + ": its hash group needs about " +
                    mib(dedup::HashGroup::memory_for(estimate)) + " (~" + std::to_string(estimate) +
                    " lines estimated from the input size) but [read] hash_budget_mb allows " +
                    mib(options_.hash_budget_bytes) + "; raise the budget or use more units",
                parts_[0].string());
  group_ = std::make_unique<dedup::HashGroup>(estimate);
  for (size_t k = 0; k < parts_.size(); ++k) {
    WetOptions o = options_.wet;
    o.cc_segment = segment_name_of(parts_[k]);
    o.id_prefix = unit_ + "/" + std::to_string(k);
    WetReader r(parts_[k], o);
    Document doc;
    while (r.next(doc)) {
      hasher_.hash_document(doc.text, hashes_);
      // Growing doubles the table: refuse before it passes the budget.
      uint64_t after = group_->size() + hashes_.size();
      if (static_cast<double>(after) > dedup::HashGroup::kMaxLoad * static_cast<double>(group_->capacity()) &&
          group_->memory_bytes() * 2 > options_.hash_budget_bytes)
        throw Error("line dedup of " + unit_ + ": the hash group outgrows [read] hash_budget_mb (" +
                        mib(options_.hash_budget_bytes) + ") after " + std::to_string(group_->size()) +
                        " distinct lines; raise the budget or use more units",
                    parts_[k].string());
      group_->add_document(hashes_);
      keep_hashes();
      ++stats_.docs;
      stats_.lines += hashes_.size();
    }
  }
  stats_.distinct = group_->size();
  for (const auto& [h, f] : group_->sorted_items()) stats_.flagged += f ? 1 : 0;
  stats_.memory_bytes = group_->memory_bytes();
  stats_.kept_docs = kept_.ends.size();
}

void WetUnitReader::keep_hashes() {
  // Kept while the group plus the kept hashes stay within the budget; past it, pass 2 hashes
  // the remaining documents again (same hashes, more CPU).
  if (kept_.full) return;
  const uint64_t bytes = (kept_.hashes.size() + hashes_.size()) * sizeof(uint64_t);
  if (group_->memory_bytes() + bytes > options_.hash_budget_bytes) {
    kept_.full = true;
    return;
  }
  kept_.hashes.insert(kept_.hashes.end(), hashes_.begin(), hashes_.end());
  kept_.ends.push_back(kept_.hashes.size());
}

std::span<const uint64_t> WetUnitReader::pass1_hashes() {
  const size_t doc = kept_.next_doc++;
  if (doc >= kept_.ends.size()) return {};
  const size_t begin = doc == 0 ? 0 : kept_.ends[doc - 1];
  return std::span<const uint64_t>(kept_.hashes).subspan(begin, kept_.ends[doc] - begin);
}

bool WetUnitReader::next(Batch& batch) {
  if (!pass1_done_) {
    pass1();
    open_part(0);
  }
  batch.docs.clear();
  batch.drops.clear();
  Batch inner;
  while (reader_ && batch.docs.size() < options_.wet.batch_docs) {
    if (!reader_->next(inner)) {
      bytes_done_ += reader_->bytes_read();
      reader_.reset();
      if (open_part(++part_)) continue;
      break;
    }
    for (const auto& [k, v] : inner.drops) batch.drops[k] += v;
    for (auto& doc : inner.docs) {
      if (!group_) {
        batch.docs.push_back(std::move(doc));
        continue;
      }
      std::span<const uint64_t> hashes = pass1_hashes();
      if (hashes.data() == nullptr) {
        hasher_.hash_document(doc.text, hashes_);
        hashes = hashes_;
      }
      dedup::LineDedupResult r = dedup::dedup_document(doc.text, hashes, *group_);
      if (!r.keep) {
        batch.drops["line_dedup:no_line_left"] += 1;
        continue;
      }
      // cc_net finalize_doc: original_* from the WET fields, then nlines/length of the kept text.
      MetaValue wet_nlines = doc.meta.find("nlines") ? *doc.meta.find("nlines") : MetaValue(int64_t(r.original_nlines));
      MetaValue wet_length = doc.meta.find("length") ? *doc.meta.find("length") : MetaValue(int64_t(r.original_length));
      doc.text = std::move(r.text);
      doc.meta.set("nlines", static_cast<int64_t>(r.nlines));
      doc.meta.set("length", static_cast<int64_t>(r.length));
      doc.meta.set("original_nlines", wet_nlines);
      doc.meta.set("original_length", wet_length);
      // dedup.py: doc["line_ids"] = indices of the kept lines, written by json.dumps.
      std::string ids = "[";
      for (size_t i = 0; i < r.line_ids.size(); ++i) {
        if (i) ids += ", ";
        ids += std::to_string(r.line_ids[i]);
      }
      doc.meta.set("line_ids", MetaJson{ids + "]"});
      batch.docs.push_back(std::move(doc));
    }
  }
  return !batch.docs.empty() || !batch.drops.empty() || reader_ != nullptr;
}

uint64_t WetUnitReader::bytes_read() const { return bytes_done_ + (reader_ ? reader_->bytes_read() : 0); }

}  // namespace rpdata::sources::commoncrawl
