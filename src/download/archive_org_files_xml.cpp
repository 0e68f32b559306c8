// An Internet Archive item's <item>_files.xml: size and md5 of every file of the item.
#include <expat.h>

#include <climits>

#include "builtin_types.h"
#include "rpdata/core/error.h"
#include "rpdata/download/builtin.h"
#include "rpdata/io/xml_parser_ptr.h"

namespace rpdata::download {

namespace {
struct FilesXml {
  io::XmlParserPtr owner = io::new_xml_parser("UTF-8");
  XML_Parser parser = owner.get();
  Published out;
  std::string file, field, text, refused;
  int depth = 0;
};

void files_start(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto* f = static_cast<FilesXml*>(ud);
  ++f->depth;
  std::string_view n = name;
  if (f->depth == 2 && n == "file") {
    f->file.clear();
    for (int i = 0; atts[i] != nullptr; i += 2)
      if (std::string_view(atts[i]) == "name") f->file = atts[i + 1];
  } else if (f->depth == 3) {
    f->field = n;
    f->text.clear();
  }
}
void files_end(void* ud, const XML_Char*) {
  auto* f = static_cast<FilesXml*>(ud);
  if (f->depth == 3 && !f->file.empty()) {
    if (f->field == "size") {
      try {
        f->out[f->file].size = std::stoull(f->text);
      } catch (const std::exception&) {
      }
    } else if (f->field == "md5" && f->text.size() == 32) {
      f->out[f->file].md5 = f->text;
    }
  }
  if (f->depth == 3) f->field.clear();
  --f->depth;
}
void files_text(void* ud, const XML_Char* s, int len) {
  auto* f = static_cast<FilesXml*>(ud);
  if (f->depth == 3) f->text.append(s, static_cast<size_t>(len));
}
void files_doctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* f = static_cast<FilesXml*>(ud);
  f->refused = "DOCTYPE refused";
  XML_StopParser(f->parser, XML_FALSE);
}
}  // namespace

Published parse_archive_org_files_xml(std::string_view xml) {
  FilesXml f;
  XML_SetUserData(f.parser, &f);
  XML_SetParamEntityParsing(f.parser, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetElementHandler(f.parser, files_start, files_end);
  XML_SetCharacterDataHandler(f.parser, files_text);
  XML_SetStartDoctypeDeclHandler(f.parser, files_doctype);
  bool ok = xml.size() < INT_MAX &&
            XML_Parse(f.parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_OK;
  const XML_LChar* why = XML_ErrorString(XML_GetErrorCode(f.parser));  // null for XML_ERROR_NONE
  std::string err = f.refused.empty() ? std::string(why ? why : "parse error") : f.refused;
  XML_Index index = XML_GetCurrentByteIndex(f.parser);  // -1 before the first event
  uint64_t at = index >= 0 ? static_cast<uint64_t>(index) : 0;
  f.owner.reset();
  if (!ok || !f.refused.empty()) throw InputError("archive.org files.xml: " + err, "<item>_files.xml", at);
  for (auto it = f.out.begin(); it != f.out.end();) {  // entries without an md5 check nothing
    if (it->second.md5.empty()) it = f.out.erase(it);
    else ++it;
  }
  return f.out;
}

ChecksumType archive_org_item_files_xml_type() {
  return {"archive_org_item_files_xml",
          "the files.xml of each input's own Internet Archive item (one item per input, as the Wikipedia dump "
          "copies <lang>wiki-<date>): size and md5",
          {checksums_file_key("the item's files.xml next to the input, with the planner's placeholders "
                              "(\"{language}wiki-20230320_files.xml\")")},
          [](const Params& d) {
            return std::make_unique<InputChecksumFile>(d.get_string("checksums_file"), [](const std::string& xml) {
              return parse_archive_org_files_xml(xml);
            });
          }};
}

ChecksumType archive_org_files_xml_type() {
  return {"archive_org_files_xml", "the Internet Archive item's files.xml: size and md5 per file",
          {checksums_file_key("the item's files.xml (e.g. \"<item>_files.xml\") under the base URL")},
          [](const Params& d) {
            return std::make_unique<ChecksumFile>(d.get_string("checksums_file"),
                                                  [](const std::string& xml) { return parse_archive_org_files_xml(xml); });
          }};
}

}  // namespace rpdata::download
