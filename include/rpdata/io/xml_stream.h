// Streaming XML parsing (expat) over any InputStream, for MediaWiki dumps read without
// holding them in memory (the quality classifier's URL list comes from an enwiki dump, spec
// §1.7). Hostile input is refused: a DOCTYPE declaring any entity (billion laughs, external
// entities) is an InputError before anything is expanded; nothing external is ever loaded.
#pragma once

#include <cstdint>
#include <string_view>

#include "rpdata/io/input_stream.h"

namespace rpdata::io {

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start_element(std::string_view /*name*/) {}
  // Character data of the innermost open element, entity-decoded UTF-8, in pieces (a line can
  // arrive in several calls). Line ends are normalised to '\n' as XML requires.
  virtual void text(std::string_view data) = 0;
  virtual void end_element(std::string_view /*name*/) {}
};

struct XmlStreamStats {
  uint64_t elements = 0;
  uint64_t bytes = 0;  // decompressed bytes parsed
};

// Parses the whole stream. Malformed XML, an entity declaration or an exception thrown by the
// handler stop the parse: InputError with the path, line, column and byte offset (handler
// exceptions are rethrown as they are).
XmlStreamStats parse_xml_stream(InputStream& in, XmlHandler& handler);

}  // namespace rpdata::io
