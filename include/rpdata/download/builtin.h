// The download shapes and checksum kinds every source may use, registered before the
// sources' own (src/download/builtin.cpp lists them).
#pragma once

#include "rpdata/download/checksums.h"
#include "rpdata/download/planner.h"

namespace rpdata::download {

void register_builtin(PlannerRegistry& planners, ChecksumRegistry& checksums);

// The index shape ([download] pattern with {index}, first, count), for shapes that fall back
// to it (an S3 recipe read from a --mirror).
std::unique_ptr<InputPlanner> make_index_planner(std::string pattern, int64_t first, int64_t count);

// "<hex digest>  <name>" lines of sha256sum / md5sum output ('*' binary marker allowed).
Published parse_sha256sums(const std::string& text);
Published parse_md5sums(const std::string& text);
// An Internet Archive item's <item>_files.xml (<files><file name="..."><size>, <md5>, <sha1>
// ...</file></files>) -> expected size and md5 per file name. DOCTYPE and entity
// declarations are refused; InputError if it is not well-formed.
Published parse_archive_org_files_xml(std::string_view xml);

// Units of `per_unit` files (100 when 0) named "<label>-NNNNN", each led by `metadata` when
// set; `base` non-empty gives each unit the URL base + "/" + name (where per-unit checksums
// would be looked up). ConfigError when `files` is empty.
std::vector<PlanUnit> group_units(const std::string& label, const std::vector<PlanPart>& files,
                                  const PlanPart* metadata, int64_t per_unit, const std::string& base);

}  // namespace rpdata::download
