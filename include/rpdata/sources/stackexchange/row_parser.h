// The rows of a Stack Exchange dump: each `<row .../>` line of Posts.xml is parsed as
// one XML document by expat (what RedPajama's filter.py does with ET.fromstring per line).
// DOCTYPE and entity declarations are refused, never expanded (no entity bomb, no external
// entity); only XML's five predefined entities and character references are decoded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rpdata::sources::stackexchange {

struct XmlElement {
  std::string name;                                         // root element name, e.g. "row"
  std::vector<std::pair<std::string, std::string>> attrs;  // in document order, decoded
  // The value of `key`, or nullptr.
  const std::string* find(std::string_view key) const;
};

class XmlRowParser {
 public:
  XmlRowParser();
  ~XmlRowParser();
  XmlRowParser(const XmlRowParser&) = delete;
  XmlRowParser& operator=(const XmlRowParser&) = delete;

  // Parses `text` as a complete XML document and returns its root element's name and
  // attributes in `out`. False with `error` ("line 1, column 7: not well-formed", "DOCTYPE
  // refused", ...) when it is not well-formed UTF-8 XML or declares a DOCTYPE/entities.
  bool parse(std::string_view text, XmlElement& out, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rpdata::sources::stackexchange
