#include "rpdata/io/xml_stream.h"
#include "rpdata/io/xml_parser_ptr.h"

#include <expat.h>

#include <exception>
#include <string>
#include <vector>

#include "rpdata/core/error.h"

namespace rpdata::io {
namespace {

struct State {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
  XmlStreamStats stats;
  std::exception_ptr error;
  std::string refused;  // why the parse was stopped by us
};

void stop(State& s) { XML_StopParser(s.parser, XML_FALSE); }

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char** /*attrs*/) {
  auto& s = *static_cast<State*>(user);
  if (s.error || !s.refused.empty()) return;
  try {
    ++s.stats.elements;
    s.handler->start_element(name);
  } catch (...) {
    s.error = std::current_exception();
    stop(s);
  }
}

void XMLCALL on_end(void* user, const XML_Char* name) {
  auto& s = *static_cast<State*>(user);
  if (s.error || !s.refused.empty()) return;
  try {
    s.handler->end_element(name);
  } catch (...) {
    s.error = std::current_exception();
    stop(s);
  }
}

void XMLCALL on_text(void* user, const XML_Char* data, int len) {
  auto& s = *static_cast<State*>(user);
  if (s.error || !s.refused.empty()) return;
  try {
    s.handler->text(std::string_view(data, static_cast<size_t>(len)));
  } catch (...) {
    s.error = std::current_exception();
    stop(s);
  }
}

// Any entity declaration in a DOCTYPE: refuse the document (no expansion ever happens).
void XMLCALL on_entity_decl(void* user, const XML_Char* name, int /*is_param*/, const XML_Char* /*value*/,
                            int /*value_len*/, const XML_Char* /*base*/, const XML_Char* system_id,
                            const XML_Char* /*public_id*/, const XML_Char* /*notation*/) {
  auto& s = *static_cast<State*>(user);
  if (!s.refused.empty()) return;
  s.refused = std::string("DOCTYPE declares ") + (system_id ? "an external" : "an") + " entity '" +
              (name ? name : "") + "': refused (entity expansion is not allowed)";
  stop(s);
}

}  // namespace

void XmlParserFree::operator()(XML_ParserStruct* p) const noexcept { XML_ParserFree(p); }

XmlParserPtr new_xml_parser(const char* encoding) {
  XmlParserPtr p(XML_ParserCreate(encoding));
  if (!p) throw std::bad_alloc();
  return p;
}

XmlStreamStats parse_xml_stream(InputStream& in, XmlHandler& handler) {
  State s;
  s.handler = &handler;
  XmlParserPtr owner = new_xml_parser(nullptr);
  s.parser = owner.get();
  XML_SetUserData(s.parser, &s);
  XML_SetElementHandler(s.parser, on_start, on_end);
  XML_SetCharacterDataHandler(s.parser, on_text);
  XML_SetEntityDeclHandler(s.parser, on_entity_decl);
  XML_SetParamEntityParsing(s.parser, XML_PARAM_ENTITY_PARSING_NEVER);

  constexpr size_t kChunk = 1 << 20;
  for (;;) {
    void* buf = XML_GetBuffer(s.parser, static_cast<int>(kChunk));
    if (!buf) throw InputError("XML parser out of memory", in.path(), in.offset());
    size_t n = in.read(static_cast<char*>(buf), kChunk);
    s.stats.bytes += n;
    XML_Status st = XML_ParseBuffer(s.parser, static_cast<int>(n), n == 0 ? XML_TRUE : XML_FALSE);
    if (s.error) std::rethrow_exception(s.error);
    uint64_t line = XML_GetCurrentLineNumber(s.parser);
    uint64_t col = XML_GetCurrentColumnNumber(s.parser);
    auto where = [&] { return " (line " + std::to_string(line) + ", column " + std::to_string(col) + ")"; };
    // Expat has no position (-1) when it never got to an event, e.g. on empty input.
    XML_Index index = XML_GetCurrentByteIndex(s.parser);
    uint64_t at = index >= 0 ? static_cast<uint64_t>(index) : s.stats.bytes;
    if (!s.refused.empty()) throw InputError(s.refused + where(), in.path(), at);
    if (st != XML_STATUS_OK)
      throw InputError(std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(s.parser)) + where(),
                       in.path(), at);
    if (n == 0) break;
  }
  return s.stats;
}

}  // namespace rpdata::io
