// expat-backed row parser (see the header). One parser object is reset per row, so a row
// costs no allocation of a new parser; handlers record the root element only.
#include "rpdata/sources/stackexchange/row_parser.h"

#include <expat.h>

#include <climits>

#include "rpdata/core/error.h"
#include "rpdata/io/xml_parser_ptr.h"

namespace rpdata::sources::stackexchange {
using io::new_xml_parser;
using io::XmlParserPtr;

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

}  // namespace rpdata::sources::stackexchange
