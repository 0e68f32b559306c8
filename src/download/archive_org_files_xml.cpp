// An Internet Archive item's <item>_files.xml: size and md5 of every file of the item.
#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/io/xml_stream_se.h"

namespace rpdata::download {
namespace {

class ArchiveOrgFilesXml : public Checksums {
 public:
  explicit ArchiveOrgFilesXml(std::string file) : file_(std::move(file)) {}
  Published load(const ChecksumContext& ctx) const override {
    return io::parse_archive_org_files_xml(ctx.fetcher.get(ctx.url_of(file_)));
  }
  io::Expect expect(const PlanUnit& file, const Published& table, const ChecksumContext&) const override {
    auto it = table.find(file.name);
    if (it == table.end()) throw DownloadError("no checksum published for " + file.name, file.url);
    return it->second;
  }

 private:
  std::string file_;
};

}  // namespace

ChecksumType archive_org_files_xml_type() {
  return {"archive_org_files_xml", "the Internet Archive item's files.xml: size and md5 per file (keys: checksums_file)",
          [](const Params& d) {
            return std::make_unique<ArchiveOrgFilesXml>(d.get_string("checksums_file", "SHA256SUMS"));
          }};
}

}  // namespace rpdata::download
