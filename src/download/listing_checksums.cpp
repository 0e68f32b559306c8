// What the planner's own listing published (a bucket's manifest, the listing's sizes): a file
// without an entry is checked by length only.
#include "builtin_types.h"

namespace rpdata::download {
namespace {

class ListingChecksums : public Checksums {
 public:
  Published load(const ChecksumContext& ctx) const override { return ctx.planned ? ctx.planned->expects : Published{}; }
  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext&) const override {
    auto it = table.find(file.name);
    return it == table.end() ? io::Expect{} : it->second;
  }
};

}  // namespace

ChecksumType listing_checksums_type() {
  return {"s3_manifest", "what the input listing published (the S3 bucket's manifest and listing sizes)",
          [](const Params&) { return std::make_unique<ListingChecksums>(); }};
}

}  // namespace rpdata::download
