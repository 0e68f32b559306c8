// An Internet Archive item's <item>_files.xml: size and md5 of every file of the item.
#include "builtin_types.h"
#include "rpdata/io/xml_stream_se.h"

namespace rpdata::download {

ChecksumType archive_org_files_xml_type() {
  return {"archive_org_files_xml", "the Internet Archive item's files.xml: size and md5 per file",
          {checksums_file_key("the item's files.xml (e.g. \"<item>_files.xml\") under the base URL")},
          [](const Params& d) {
            return std::make_unique<ChecksumFile>(d.get_string("checksums_file"),
                                                  [](const std::string& xml) { return io::parse_archive_org_files_xml(xml); });
          }};
}

}  // namespace rpdata::download
