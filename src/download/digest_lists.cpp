// sha256sum / md5sum style checksum files: "sha256sums" is one file for the whole run under
// the base URL (checksums_file, default SHA256SUMS); "md5sums" is one file next to each input
// (InputChecksumFile), its name possibly holding the planner's placeholders (Wikimedia's
// <lang>wiki-<date>-md5sums.txt).
#include <sstream>

#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

Published parse_digest_list(const std::string& text, size_t hex_len, std::string io::Expect::*field) {
  Published out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto sp = line.find(' ');
    if (sp != hex_len) continue;
    std::string name = line.substr(sp + 1);
    if (!name.empty() && (name[0] == ' ' || name[0] == '*')) name.erase(0, 1);
    out[name].*field = line.substr(0, hex_len);
  }
  return out;
}

}  // namespace

io::Expect InputChecksumFile::expect(const PlanUnit& file, const Published&, const ChecksumContext& ctx) const {
  std::string name = ctx.planner ? ctx.planner->expand(file_, file) : file_;
  if (name.find('{') != std::string::npos)
    throw DownloadError("no value for the placeholder in checksums_file " + file_ + " of " + file.name, file.url);
  std::string url = file.url.substr(0, file.url.rfind('/')) + "/" + percent_encode_segment(name);
  auto table = parse_(ctx.fetcher.get(url));
  auto it = table.find(file.name);
  if (it == table.end()) throw DownloadError("no checksum published for " + file.name + " in " + name, url);
  return it->second;
}

Published parse_sha256sums(const std::string& text) { return parse_digest_list(text, 64, &io::Expect::sha256); }
Published parse_md5sums(const std::string& text) { return parse_digest_list(text, 32, &io::Expect::md5); }

Key checksums_file_key(const std::string& doc) { return Key::text("checksums_file", "SHA256SUMS", doc); }

ChecksumType sha256sums_type() {
  return {"sha256sums", "one sha256sum-style file for the run under the base URL",
          {checksums_file_key("the sums file under the base URL")},
          [](const Params& d) {
            return std::make_unique<ChecksumFile>(d.get_string("checksums_file"), parse_sha256sums);
          }};
}

ChecksumType md5sums_type() {
  return {"md5sums",
          "an md5sum-style file next to each input, named with the planner's placeholders",
          {checksums_file_key("the sums file's name, with the planner's placeholders ({language}, ...)")},
          [](const Params& d) { return std::make_unique<InputChecksumFile>(d.get_string("checksums_file"), parse_md5sums); }};
}

}  // namespace rpdata::download
