// expat-backed row parser (see the header). One parser object is reset per row, so a row
// costs no allocation of a new parser; handlers record the root element only.
#include "rpdata/io/xml_stream_se.h"

#include <expat.h>

#include <climits>

#include "rpdata/core/error.h"
#include "rpdata/io/xml_parser_ptr.h"

namespace rpdata::io {

const std::string* XmlElement::find(std::string_view key) const {
  for (const auto& [k, v] : attrs)
    if (k == key) return &v;
  return nullptr;
}

struct XmlRowParser::Impl {
  XmlParserPtr owner = new_xml_parser("UTF-8");
  XML_Parser parser = owner.get();
  XmlElement* out = nullptr;
  int depth = 0;
  std::string refused;  // why the parser was stopped by a handler

  void install() {
    XML_SetUserData(parser, this);
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(parser, &Impl::on_start, &Impl::on_end);
    XML_SetStartDoctypeDeclHandler(parser, &Impl::on_doctype);
    XML_SetEntityDeclHandler(parser, &Impl::on_entity);
  }
  void refuse(const char* why) {
    if (refused.empty()) refused = why;
    XML_StopParser(parser, XML_FALSE);
  }
  static void on_start(void* ud, const XML_Char* name, const XML_Char** atts) {
    auto* self = static_cast<Impl*>(ud);
    if (self->depth++ != 0) return;
    self->out->name = name;
    for (int i = 0; atts[i] != nullptr; i += 2) self->out->attrs.emplace_back(atts[i], atts[i + 1]);
  }
  static void on_end(void* ud, const XML_Char*) { --static_cast<Impl*>(ud)->depth; }
  static void on_doctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Impl*>(ud)->refuse("DOCTYPE refused (entity declarations are never expanded)");
  }
  static void on_entity(void* ud, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                        const XML_Char*, const XML_Char*) {
    static_cast<Impl*>(ud)->refuse("entity declaration refused");
  }
};

XmlRowParser::XmlRowParser() : impl_(std::make_unique<Impl>()) {}

XmlRowParser::~XmlRowParser() = default;

bool XmlRowParser::parse(std::string_view text, XmlElement& out, std::string& error) {
  Impl& im = *impl_;
  XML_ParserReset(im.parser, "UTF-8");
  im.install();
  out.name.clear();
  out.attrs.clear();
  im.out = &out;
  im.depth = 0;
  im.refused.clear();
  bool ok = true;
  while (ok) {  // expat takes int lengths: feed huge rows in pieces
    size_t n = std::min<size_t>(text.size(), INT_MAX / 2);
    bool last = n == text.size();
    ok = XML_Parse(im.parser, text.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) == XML_STATUS_OK;
    text.remove_prefix(n);
    if (last) break;
  }
  if (ok && im.refused.empty()) return true;
  if (!im.refused.empty()) {
    error = im.refused;
  } else {
    error = "line " + std::to_string(XML_GetCurrentLineNumber(im.parser)) + ", column " +
            std::to_string(XML_GetCurrentColumnNumber(im.parser)) + ": " +
            XML_ErrorString(XML_GetErrorCode(im.parser));
  }
  return false;
}

namespace {
struct FilesXml {
  XmlParserPtr owner = new_xml_parser("UTF-8");
  XML_Parser parser = owner.get();
  std::map<std::string, Expect> out;
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

std::map<std::string, Expect> parse_archive_org_files_xml(std::string_view xml) {
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

}  // namespace rpdata::io
