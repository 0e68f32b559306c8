// What the planner's own listing published (a bucket's manifest, the listing's sizes): a file
// without an entry is checked by length only.
#include "builtin_types.h"

namespace rpdata::download {
namespace {

class ListingChecksums : public PublishedChecksums {
 public:
  ListingChecksums() : PublishedChecksums({}) {}
  Published load(const ChecksumContext& ctx) const override { return ctx.planned ? ctx.planned->expects : Published{}; }
};

}  // namespace

ChecksumType listing_checksums_type() {
  return {"s3_manifest", "what the input listing published (the S3 bucket's manifest and listing sizes)", {},
          [](const Params&) { return std::make_unique<ListingChecksums>(); }};
}

}  // namespace rpdata::download
