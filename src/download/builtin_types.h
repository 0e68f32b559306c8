// Internal to download: the built-in planner and checksum types, one file each.
#pragma once

#include "rpdata/download/checksums.h"
#include "rpdata/download/planner.h"

namespace rpdata::download {

PlannerType index_planner_type();           // index_planner.cpp
PlannerType files_planner_type();           // files_planner.cpp
PlannerType list_planner_type();            // list_planner.cpp
PlannerType language_planner_type();        // language_planner.cpp
PlannerType gcs_planner_type();             // gcs_planner.cpp
PlannerType checksums_file_planner_type();  // checksums_file_planner.cpp

ChecksumType sha256sums_type();             // digest_lists.cpp
ChecksumType md5sums_type();                // digest_lists.cpp
ChecksumType hf_lfs_pointer_type();         // hf_lfs_pointer.cpp
ChecksumType archive_org_files_xml_type();  // archive_org_files_xml.cpp
ChecksumType archive_org_item_files_xml_type();  // archive_org_files_xml.cpp
ChecksumType listing_checksums_type();      // listing_checksums.cpp

// The `checksums_file` key of the kinds that read one file of sums.
Key checksums_file_key(const std::string& doc);

}  // namespace rpdata::download
