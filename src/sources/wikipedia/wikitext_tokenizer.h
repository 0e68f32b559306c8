// The wikitext tokenizer's internals (wikitext_tokenizer*.cpp only): mwparserfromhell's
// parse contexts, the split text's chunks and the Tokenizer class, whose routes are defined
// by concern in wikitext_tokenizer.cpp (stack, templates, headings, entities, comments),
// _links.cpp, _tags.cpp, _markup.cpp (styles, lists, tables) and _main.cpp (the main loop).
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rpdata/text/utf8.h"
#include "wikitext_tokens.h"

namespace rpdata::sources::wikipedia::detail::tokenizer {

// mwparserfromhell's parser contexts (parser/contexts.py), one bit each.
namespace C {
constexpr uint64_t TEMPLATE_NAME = 1ull << 0, TEMPLATE_PARAM_KEY = 1ull << 1, TEMPLATE_PARAM_VALUE = 1ull << 2;
constexpr uint64_t TEMPLATE = TEMPLATE_NAME | TEMPLATE_PARAM_KEY | TEMPLATE_PARAM_VALUE;
constexpr uint64_t ARGUMENT_NAME = 1ull << 3, ARGUMENT_DEFAULT = 1ull << 4, ARGUMENT = ARGUMENT_NAME | ARGUMENT_DEFAULT;
constexpr uint64_t WIKILINK_TITLE = 1ull << 5, WIKILINK_TEXT = 1ull << 6, WIKILINK = WIKILINK_TITLE | WIKILINK_TEXT;
constexpr uint64_t EXT_LINK_URI = 1ull << 7, EXT_LINK_TITLE = 1ull << 8, EXT_LINK = EXT_LINK_URI | EXT_LINK_TITLE;
constexpr uint64_t HEADING_LEVEL_1 = 1ull << 9, HEADING = 63ull << 9;
constexpr uint64_t TAG_OPEN = 1ull << 15, TAG_ATTR = 1ull << 16, TAG_BODY = 1ull << 17, TAG_CLOSE = 1ull << 18;
constexpr uint64_t TAG = TAG_OPEN | TAG_ATTR | TAG_BODY | TAG_CLOSE;
constexpr uint64_t STYLE_ITALICS = 1ull << 19, STYLE_BOLD = 1ull << 20, STYLE_PASS_AGAIN = 1ull << 21,
                   STYLE_SECOND_PASS = 1ull << 22;
constexpr uint64_t STYLE = STYLE_ITALICS | STYLE_BOLD | STYLE_PASS_AGAIN | STYLE_SECOND_PASS;
constexpr uint64_t DL_TERM = 1ull << 23, HAS_TEXT = 1ull << 24, FAIL_ON_TEXT = 1ull << 25, FAIL_NEXT = 1ull << 26;
constexpr uint64_t FAIL_ON_LBRACE = 1ull << 27, FAIL_ON_RBRACE = 1ull << 28, FAIL_ON_EQUALS = 1ull << 29,
                   HAS_TEMPLATE = 1ull << 30;
constexpr uint64_t TABLE_OPEN = 1ull << 31, TABLE_CELL_OPEN = 1ull << 32, TABLE_CELL_STYLE = 1ull << 33,
                   TABLE_ROW_OPEN = 1ull << 34, TABLE_TD_LINE = 1ull << 35, TABLE_TH_LINE = 1ull << 36;
constexpr uint64_t TABLE_CELL_LINE_CONTEXTS = TABLE_TD_LINE | TABLE_TH_LINE | TABLE_CELL_STYLE;
constexpr uint64_t TABLE = TABLE_OPEN | TABLE_CELL_OPEN | TABLE_CELL_STYLE | TABLE_ROW_OPEN | TABLE_TD_LINE | TABLE_TH_LINE;
constexpr uint64_t HTML_ENTITY = 1ull << 37;
constexpr uint64_t GL_HEADING = 1;
constexpr uint64_t FAIL = TEMPLATE | ARGUMENT | WIKILINK | EXT_LINK_TITLE | HEADING | TAG | STYLE | TABLE;
constexpr uint64_t UNSAFE = TEMPLATE_NAME | WIKILINK_TITLE | EXT_LINK_TITLE | TEMPLATE_PARAM_KEY | ARGUMENT_NAME | TAG_CLOSE;
constexpr uint64_t DOUBLE = TEMPLATE_PARAM_KEY | TAG_CLOSE | TABLE_ROW_OPEN;
constexpr uint64_t NO_WIKILINKS = TEMPLATE_NAME | ARGUMENT_NAME | WIKILINK_TITLE | EXT_LINK_URI;
constexpr uint64_t NO_EXT_LINKS = TEMPLATE_NAME | ARGUMENT_NAME | WIKILINK_TITLE | EXT_LINK;
}  // namespace C

constexpr int kMaxDepth = 40;

struct BadRoute {
  uint64_t context = 0;
};

// One segment of the split text, or START / END.
struct Chunk {
  enum Kind : uint8_t { kText, kStart, kEnd } kind = kText;
  std::string_view s;
  bool is(const char* c) const { return kind == kText && s == c; }
  bool is(char c) const { return kind == kText && s.size() == 1 && s[0] == c; }
  bool end() const { return kind == kEnd; }
  bool nl_or_start() const { return kind == kStart || is('\n'); }
};

// The characters of mwparserfromhell's tokenizer regex ([{}\[\]<>|=&'#*;:/\\\"\-!\n]).
struct SplitTable {
  bool t[256] = {};
  constexpr SplitTable() {
    for (const char* c = "{}[]<>|=&'#*;:/\\\"-!\n"; *c; ++c) t[static_cast<unsigned char>(*c)] = true;
  }
};
inline constexpr SplitTable kSplit{};
inline bool is_split_char(char c) { return kSplit.t[static_cast<unsigned char>(c)]; }
inline bool is_marker_char(char c) { return c != '\\' && is_split_char(c); }
inline bool is_marker(const Chunk& c) { return c.kind != Chunk::kText || (c.s.size() == 1 && is_marker_char(c.s[0])); }

inline uint32_t decode_at(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

// Python str.isspace() on a whole chunk (False when empty).
inline bool py_isspace(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size();)
    if (!text::is_python_space(decode_at(s, i))) return false;
  return true;
}

inline std::string py_lower(std::string_view s) {  // ASCII lower is enough for these tag-name tables
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
template <size_t N>
bool in_list(std::string_view tag, const char* (&list)[N]) {
  std::string l = py_lower(tag);
  for (auto* w : list)
    if (l == w) return true;
  return false;
}

struct TagOpenData {
  static constexpr int CX_NAME = 1, CX_ATTR_READY = 2, CX_ATTR_NAME = 4, CX_ATTR_VALUE = 8, CX_QUOTED = 16,
                       CX_NOTE_SPACE = 32, CX_NOTE_EQUALS = 64, CX_NOTE_QUOTE = 128;
  int context = CX_NAME;
  std::string pad_first, pad_before_eq, pad_after_eq;
  std::string quoter;
  size_t reset = 0;
};

struct RouteKey {
  size_t head;
  uint64_t ctx;
  bool operator==(const RouteKey& o) const { return head == o.head && ctx == o.ctx; }
};
struct RouteHash {
  size_t operator()(const RouteKey& k) const { return k.head * 0x9E3779B97F4A7C15ull ^ (k.ctx * 0xC2B2AE3D27D4EB4Full); }
};

class Tokenizer {
 public:
  // Splits `text` at the marker characters, as mwparserfromhell's tokenizer regex does.
  explicit Tokenizer(std::string_view text);
  // Tokenizer.tokenize: the whole text's tokens; std::runtime_error on an internal
  // inconsistency (mwparserfromhell's ParserError) or nesting beyond kMaxParseCalls.
  Tokens run();

 private:
  struct Stack {
    Tokens toks;
    uint64_t ctx;
    std::string buf;
    RouteKey ident;
  };
  std::vector<Chunk> chunks_;
  std::vector<Stack> stacks_;
  size_t head_ = 0;  // may go "negative" by one transiently: kept as signed arithmetic via ssize
  uint64_t global_ = 0;
  int depth_ = 0;
  int parse_calls_ = 0;  // parse() calls active on the C++ stack
  // Every nested parse() but the heading body's is entered only while can_recurse() and
  // pushes a stack, so at most about kMaxDepth of them are active (heading closures do not
  // nest calls, see open_heading_close). This bound makes that a guarantee, independent of
  // frame sizes: a page reaching it is a parser error, never a stack overflow.
  static constexpr int kMaxParseCalls = 2 * kMaxDepth;
  std::unordered_set<RouteKey, RouteHash> bad_routes_;

  // Tokenizer._handle_heading_end, without its recursion: the original parses the text after
  // each '=' run of a heading line as a further heading body by calling _parse again, so a
  // line with n '=' runs nests n calls (C stack in the C tokenizer, Python's recursion limit in
  // tokenizer.py). Here the enclosing parse() keeps one HeadingClose per open '=' run and goes
  // on in the same loop; parse() then finishes them innermost first, exactly as the returns
  // and the BadRoute handler of the nested calls would.
  struct HeadingClose {
    size_t reset;  // head_ at the '=' run
    int best;      // its length
    int level;     // the level if this run closes the heading
  };
  int heading_level_ = 0;  // second return value of a heading route

  // The route stack: mwparserfromhell's _push, _pop, _emit* and _fail_route.
  Tokens& stack() { return stacks_.back().toks; }
  uint64_t& ctx() { return stacks_.back().ctx; }
  std::string& textbuffer() { return stacks_.back().buf; }

  Chunk read(long delta = 0, bool strict = false) {
    long index = static_cast<long>(head_) + delta;
    if (index < 0) return {Chunk::kStart, {}};
    if (static_cast<size_t>(index) >= chunks_.size()) {
      if (strict) fail_route();
      return {Chunk::kEnd, {}};
    }
    return chunks_[static_cast<size_t>(index)];
  }

  void push(uint64_t context = 0) {
    RouteKey id{head_, context};
    if (bad_routes_.count(id)) throw BadRoute{context};
    stacks_.push_back({{}, context, {}, id});
    ++depth_;
  }
  void push_textbuffer() {
    auto& b = textbuffer();
    if (!b.empty()) {
      stack().push_back({T::Text, false, 0, std::move(b)});
      b.clear();
    }
  }
  Tokens pop(bool keep_context = false) {
    push_textbuffer();
    --depth_;
    uint64_t c = ctx();
    Tokens out = std::move(stacks_.back().toks);
    stacks_.pop_back();
    if (keep_context) ctx() = c;
    return out;
  }
  bool can_recurse() const { return depth_ < kMaxDepth; }
  void memoize_bad_route() { bad_routes_.insert(stacks_.back().ident); }
  [[noreturn]] void fail_route() {
    uint64_t c = ctx();
    memoize_bad_route();
    pop();
    throw BadRoute{c};
  }
  void emit(Tok t) {
    push_textbuffer();
    stack().push_back(std::move(t));
  }
  void emit(T t) { emit(Tok{t, false, 0, {}}); }
  void emit_first(Tok t) {
    push_textbuffer();
    stack().insert(stack().begin(), std::move(t));
  }
  void emit_text(std::string_view s) { textbuffer().append(s); }
  void emit_all(Tokens list) {
    size_t from = 0;
    if (!list.empty() && list[0].t == T::Text) {
      emit_text(list[0].text);
      from = 1;
    }
    push_textbuffer();
    auto& st = stack();
    for (size_t i = from; i < list.size(); ++i) st.push_back(std::move(list[i]));
  }

  // wikitext_tokenizer.cpp: templates and arguments, headings, entities and comments.
  void emit_text_then_stack(std::string_view s);
  void parse_template(bool has_content);
  void parse_argument();
  void parse_template_or_argument();
  void handle_template_param();
  void handle_template_param_value();
  Tokens handle_template_end();
  void parse_heading();
  Tokens parse_heading_body(uint64_t context, int& level);
  void open_heading_close(std::vector<HeadingClose>& closes);
  Tokens heading_close_failed(const HeadingClose& h);
  Tokens heading_close_succeeded(const HeadingClose& h, Tokens after);
  void really_parse_entity();
  void parse_entity();
  void parse_comment();

  // wikitext_tokenizer_links.cpp: wikilinks and external links.
  bool bracketed_scheme_possible() const;
  void parse_wikilink();
  void parse_bracketed_uri_scheme();
  bool free_uri_scheme(std::string& scheme, bool& slashes);
  void parse_free_uri_scheme();
  void handle_free_link_text(std::string& punct, std::string& tail, std::string_view t);
  bool is_uri_end(const Chunk& t, const Chunk& n);
  Tokens really_parse_external_link(bool brackets, std::string* extra);
  void remove_uri_scheme_from_textbuffer(size_t length);
  void parse_external_link(bool brackets);

  // wikitext_tokenizer_tags.cpp: HTML tags and their attributes.
  void push_tag_buffer(TagOpenData& data);
  void handle_tag_space(TagOpenData& data, std::string_view text);
  void handle_tag_text(std::string_view text);
  static bool tag_split_char(uint32_t cp);
  bool handle_tag_data(TagOpenData& data, std::string_view text);
  void handle_tag_close_open(TagOpenData& data, T token);
  void handle_tag_open_close();
  static std::string strip_lower(std::string_view s);
  std::string tag_name_of_stack();
  Tokens handle_tag_close_close();
  Tokens handle_blacklisted_tag();
  Tokens handle_single_only_tag_end();
  Tokens handle_single_tag_end();
  Tokens really_parse_tag();
  void handle_invalid_tag_start();
  void parse_tag();

  // wikitext_tokenizer_markup.cpp: style tags, lists, horizontal rules and tables.
  void emit_style_tag(const char* tag, const char* markup, Tokens body);
  void parse_italics();
  bool parse_bold();
  void parse_italics_and_bold();
  bool parse_style(Tokens& out);
  void handle_list_marker();
  void handle_list();
  void handle_hr();
  void handle_dl_term();
  void emit_table_tag(const char* open_markup, const char* tag, Tokens style, const char* close_open_markup,
                      Tokens contents, const char* open_close_markup);
  void handle_table_style(char end_token);
  void parse_table();
  void handle_table_row();
  void handle_table_cell(const char* markup, const char* tag, uint64_t line_context);
  Tokens handle_table_cell_end(bool reset_for_style = false);

  // wikitext_tokenizer_main.cpp: the main loop.
  bool verify_safe(const Chunk& t);
  Tokens handle_end();
  Tokens parse(uint64_t context, bool do_push);
  Tokens parse_loop(std::vector<HeadingClose>& closes);
};

}  // namespace rpdata::sources::wikipedia::detail::tokenizer
