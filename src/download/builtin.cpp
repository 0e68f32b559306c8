#include "rpdata/download/builtin.h"

#include "builtin_types.h"

namespace rpdata::download {
namespace {

class NoChecksums : public Checksums {
 public:
  io::Expect expect(const PlanUnit&, const Published&, const ChecksumContext&) const override { return {}; }
};

}  // namespace

void register_builtin(PlannerRegistry& planners, ChecksumRegistry& checksums) {
  planners.add(index_planner_type());
  planners.add(files_planner_type());
  planners.add(list_planner_type());
  planners.add(language_planner_type());
  planners.add(gcs_planner_type());
  planners.add(checksums_file_planner_type());
  checksums.add({"none", "downloads are checked by length only", {},
                 [](const Params&) { return std::make_unique<NoChecksums>(); }});
  checksums.add(sha256sums_type());
  checksums.add(md5sums_type());
  checksums.add(hf_lfs_pointer_type());
  checksums.add(archive_org_files_xml_type());
  checksums.add(archive_org_item_files_xml_type());
  checksums.add(listing_checksums_type());
}

}  // namespace rpdata::download
