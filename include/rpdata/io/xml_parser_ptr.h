// An expat parser owned by unique_ptr (XML_ParserFree), so every path out of the code that
// created it, exceptions included, frees it.
#pragma once

#include <memory>

struct XML_ParserStruct;

namespace rpdata::io {

struct XmlParserFree {
  void operator()(XML_ParserStruct* p) const noexcept;
};
using XmlParserPtr = std::unique_ptr<XML_ParserStruct, XmlParserFree>;

// XML_ParserCreate(encoding); throws std::bad_alloc when expat cannot allocate it.
XmlParserPtr new_xml_parser(const char* encoding);

}  // namespace rpdata::io
