// mwparserfromhell's builder (tokens -> node tree) reduced to what strip_code reads, and the
// Hugging Face builder's cleaning of that tree (see wikitext.h).
#include "rpdata/sources/wikipedia/wikitext.h"

#include <unicode/uchar.h>

#include <map>
#include <stdexcept>

#include "rpdata/text/utf8.h"
#include "wikitext_entities.h"
#include "wikitext_tokens.h"

namespace rpdata::sources::wikipedia {
namespace {
using detail::T;
using detail::Tok;

struct Node {
  enum Kind : uint8_t { kText, kTemplate, kArgument, kWikilink, kExtLink, kEntity, kHeading, kComment, kTag } k;
  std::string s;    // text; decoded entity; tag name; wikilink title as written (str(title))
  std::string raw;  // entity as written (for str())
  std::vector<Node> a, b;
  bool has_b = false;     // wikilink text / ext link title / argument default / tag contents present
  bool brackets = false;  // external link
  bool removed = false;   // taken out by the builder's cleaning passes
};
using Nodes = std::vector<Node>;

// ---- builder (parser/builder.py) ----
class Builder {
 public:
  explicit Builder(detail::Tokens toks) : t_(std::move(toks)) {}
  Nodes build() {
    Nodes out;
    while (i_ < t_.size()) out.push_back(handle(t_[i_++]));
    return out;
  }

 private:
  detail::Tokens t_;
  size_t i_ = 0;

  const Tok& next() {
    if (i_ >= t_.size()) throw std::runtime_error("wikitext builder: unexpected end of tokens");
    return t_[i_++];
  }
  Node handle(const Tok& tok) {
    switch (tok.t) {
      case T::Text: return Node{Node::kText, tok.text};
      case T::TemplateOpen: return templ();
      case T::ArgumentOpen: return argument();
      case T::WikilinkOpen: return wikilink();
      case T::ExternalLinkOpen: return ext_link(tok.flag);
      case T::HTMLEntityStart: return entity();
      case T::HeadingStart: return heading();
      case T::CommentStart: return comment();
      case T::TagOpenOpen: return tag();
      default: throw std::runtime_error("wikitext builder: unexpected token");
    }
  }
  Node templ() {
    Node n{Node::kTemplate};
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::TemplateClose) return n;
      if (tok.t == T::TemplateParamSeparator || tok.t == T::TemplateParamEquals) continue;
      handle(tok);  // parameters are never rendered (keep_template_params=False)
    }
  }
  Node argument() {
    Node n{Node::kArgument};
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::ArgumentClose) return n;
      if (tok.t == T::ArgumentSeparator) {
        n.has_b = true;
        continue;
      }
      (n.has_b ? n.b : n.a).push_back(handle(tok));
    }
  }
  Node wikilink() {
    Node n{Node::kWikilink};
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::WikilinkClose) break;
      if (tok.t == T::WikilinkSeparator) {
        n.has_b = true;
        continue;
      }
      (n.has_b ? n.b : n.a).push_back(handle(tok));
    }
    n.s = str(n.a);
    return n;
  }
  Node ext_link(bool brackets) {
    Node n{Node::kExtLink};
    n.brackets = brackets;
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::ExternalLinkClose) return n;
      if (tok.t == T::ExternalLinkSeparator) {
        n.has_b = true;
        continue;
      }
      (n.has_b ? n.b : n.a).push_back(handle(tok));
    }
  }
  Node entity() {
    Node n{Node::kEntity};
    bool numeric = false, hex = false;
    std::string hex_char, value;
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::HTMLEntityEnd) break;
      if (tok.t == T::HTMLEntityNumeric) numeric = true;
      else if (tok.t == T::HTMLEntityHex) hex = true, hex_char = tok.text;
      else if (tok.t == T::Text) value += tok.text;
    }
    n.raw = "&" + std::string(numeric ? "#" : "") + hex_char + value + ";";
    uint32_t cp = numeric ? static_cast<uint32_t>(std::stoul(value, nullptr, hex ? 16 : 10))
                          : detail::entity_codepoint(value);
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // Python would keep a lone surrogate
    text::append_utf8(n.s, cp);
    return n;
  }
  Node heading() {
    Node n{Node::kHeading};
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::HeadingEnd) return n;
      n.a.push_back(handle(tok));
    }
  }
  Node comment() {
    Node n{Node::kComment};
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::CommentEnd) return n;
      n.raw += tok.text;
    }
  }
  void attribute() {
    while (i_ < t_.size()) {
      T t = t_[i_].t;
      if (t == T::TagAttrStart || t == T::TagCloseOpen || t == T::TagCloseSelfclose) return;
      const Tok& tok = next();
      if (tok.t == T::TagAttrEquals || tok.t == T::TagAttrQuote) continue;
      handle(tok);
    }
    throw std::runtime_error("wikitext builder: unterminated tag attribute");
  }
  Node tag() {
    Node n{Node::kTag};
    Nodes cur;
    while (true) {
      const Tok& tok = next();
      if (tok.t == T::TagAttrStart) {
        attribute();
      } else if (tok.t == T::TagCloseOpen) {
        n.s = str(cur);
        cur.clear();
      } else if (tok.t == T::TagOpenClose) {
        n.a = std::move(cur);
        n.has_b = true;
        cur = {};
      } else if (tok.t == T::TagCloseSelfclose) {
        n.s = str(cur);
        n.a.clear();
        n.has_b = false;
        return n;
      } else if (tok.t == T::TagCloseClose) {
        return n;
      } else {
        cur.push_back(handle(tok));
      }
    }
  }

 public:
  // str() of a node list, exact for text, entities and comments (what link titles and tag
  // names are made of); other nodes become U+0001, which no prefix matches.
  static std::string str(const Nodes& nodes) {
    std::string out;
    for (const auto& n : nodes) {
      if (n.k == Node::kText) out += n.s;
      else if (n.k == Node::kEntity) out += n.raw;
      else if (n.k == Node::kComment) out += "<!--" + n.raw + "-->";
      else out += '\x01';
    }
    return out;
  }
};

// ---- cleaning + strip_code ----
uint32_t next_cp(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += static_cast<size_t>(n);
  return cp;
}

// Length of the match of re.match("^(?:p1|p2|...):", s, re.IGNORECASE), 0 if none.
size_t prefix_match(std::string_view s, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    size_t i = 0, j = 0;
    bool ok = true;
    while (j < p.size()) {
      if (i >= s.size()) {
        ok = false;
        break;
      }
      uint32_t a = next_cp(s, i), b = next_cp(p, j);
      if (a != b && u_tolower(static_cast<UChar32>(a)) != u_tolower(static_cast<UChar32>(b)) &&
          u_foldCase(static_cast<UChar32>(a), U_FOLD_CASE_DEFAULT) != u_foldCase(static_cast<UChar32>(b), U_FOLD_CASE_DEFAULT)) {
        ok = false;
        break;
      }
    }
    if (ok && i < s.size() && s[i] == ':') return i + 1;
  }
  return 0;
}

class Cleaner {
 public:
  explicit Cleaner(const LanguagePrefixes& p) : p_(p) {}

  // The builder's two passes over one section: section.ifilter_wikilinks(recursive=True)
  // (remove media links, replace category links' text) then ifilter_tags(rm_tag) (remove
  // <ref> and <table>). Both remove from the node list being iterated: the section's own
  // list is enumerated up front (chain(*...)), but nested lists (tag contents, link text)
  // are iterated lazily, so there — exactly like the Python loop — the sibling right after
  // a removed node is not visited (its subtree keeps its media links, refs and tables).
  // Template parameters and tag attributes are never rendered, so they are not walked.
  void clean_links(Nodes& list, bool top = false) const {
    for (size_t k = 0; k < list.size(); ++k) {
      Node& n = list[k];
      if (n.removed) continue;
      if (n.k == Node::kWikilink) {
        if (prefix_match(n.s, p_.media)) {
          n.removed = true;
          if (!top) k = skip_next(list, k);  // the next sibling shifts into this index: not visited
          continue;
        }
        if (prefix_match(n.s, p_.category)) {
          std::string t = strip_code(n.has_b ? n.b : n.a);
          if (size_t cut = prefix_match(t, p_.category)) t.erase(0, cut);
          n.b = Builder(detail::tokenize(t)).build();  // obj.text = text re-parses it
          n.has_b = true;
        }
      }
      walk_children(n, [this](Nodes& l) { clean_links(l); });
    }
  }
  void clean_tags(Nodes& list, bool top = false) const {
    for (size_t k = 0; k < list.size(); ++k) {
      Node& n = list[k];
      if (n.removed) continue;
      if (n.k == Node::kTag && (n.s == "ref" || n.s == "table")) {
        n.removed = true;
        if (!top) k = skip_next(list, k);
        continue;
      }
      walk_children(n, [this](Nodes& l) { clean_tags(l); });
    }
  }

  std::string strip_code(const Nodes& nodes) const {
    std::string out;
    for (const auto& n : nodes) strip_node(n, out);
    return collapse(out);
  }

 private:
  const LanguagePrefixes& p_;

  // Index of the next living sibling after k (removed nodes are gone from Python's list).
  static size_t skip_next(const Nodes& list, size_t k) {
    ++k;
    while (k < list.size() && list[k].removed) ++k;
    return k;
  }

  template <class F>
  static void walk_children(Node& n, F f) {
    switch (n.k) {
      case Node::kArgument:
      case Node::kWikilink:
      case Node::kExtLink:
        f(n.a);
        if (n.has_b) f(n.b);
        return;
      case Node::kHeading: f(n.a); return;
      case Node::kTag:
        if (n.has_b) f(n.a);
        return;
      default: return;
    }
  }

  static std::string collapse(std::string& s) {
    size_t b = s.find_first_not_of('\n');
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of('\n');
    std::string out;
    out.reserve(e - b + 1);
    int run = 0;
    for (size_t i = b; i <= e; ++i) {
      if (s[i] == '\n') {
        if (++run > 2) continue;
      } else {
        run = 0;
      }
      out.push_back(s[i]);
    }
    return out;
  }

  void strip_node(const Node& n, std::string& out) const {
    if (n.removed) return;
    switch (n.k) {
      case Node::kText: out += n.s; return;
      case Node::kEntity: out += n.s; return;
      case Node::kTemplate:
      case Node::kComment: return;
      case Node::kArgument:
        if (n.has_b) out += strip_code(n.b);
        return;
      case Node::kHeading: out += strip_code(n.a); return;
      case Node::kExtLink:
        if (!n.brackets) out += strip_code(n.a);
        else if (n.has_b) out += strip_code(n.b);
        return;
      case Node::kWikilink: out += strip_code(n.has_b ? n.b : n.a); return;
      case Node::kTag: {
        if (!n.has_b || n.a.empty()) return;
        std::string lower = n.s;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        static const char* invisible[] = {"categorytree", "gallery", "graph", "imagemap", "inputbox",
                                          "math", "score", "section", "templatedata", "timeline"};
        for (auto* inv : invisible)
          if (lower == inv) return;
        out += strip_code(n.a);
        return;
      }
    }
  }
};

// re.sub("__[A-Z]*__", "", s)
std::string remove_magic_words(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '_' && i + 1 < s.size() && s[i + 1] == '_') {
      size_t j = i + 2;
      while (j < s.size() && s[j] >= 'A' && s[j] <= 'Z') ++j;
      if (j + 1 < s.size() && s[j] == '_' && s[j + 1] == '_') {
        i = j + 2;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

}  // namespace

std::string clean_wikitext(std::string_view raw, const LanguagePrefixes& prefixes) {
  Nodes nodes = Builder(detail::tokenize(raw)).build();
  Cleaner cleaner(prefixes);
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].k == Node::kHeading) starts.push_back(i);
  starts.push_back(nodes.size());
  std::string out;
  for (size_t s = 0; s + 1 < starts.size(); ++s) {
    Nodes section(std::make_move_iterator(nodes.begin() + static_cast<long>(starts[s])),
                  std::make_move_iterator(nodes.begin() + static_cast<long>(starts[s + 1])));
    cleaner.clean_links(section, true);
    cleaner.clean_tags(section, true);
    std::string t = cleaner.strip_code(section);
    t = remove_magic_words(text::python_strip(t));
    if (s) out += "\n\n";
    out += t;
  }
  return out;
}

}  // namespace rpdata::sources::wikipedia
