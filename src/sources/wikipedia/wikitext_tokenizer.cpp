// A C++ port of mwparserfromhell 0.6's tokenizer (parser/tokenizer.py; mwparserfromhell is
// MIT-licensed, Copyright (C) 2012-2021 Ben Kurtovic): the same contexts, routes, fallbacks
// and bad-route memo, so the HF builder's strip_code sees the same tree. The class body is
// split over wikitext_tokenizer_{links,tags}.inc and its main loop over _main.inc.
#include <unicode/uchar.h>

#include <cstring>
#include <stdexcept>
#include <unordered_set>

#include "rpdata/text/utf8.h"
#include "wikitext_entities.h"
#include "wikitext_tokens.h"

namespace rpdata::sources::wikipedia::detail {
namespace {

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
constexpr const char* kUriScheme = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-";

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

struct SplitTable {
  bool t[256] = {};
  SplitTable() {
    for (const char* c = "{}[]<>|=&'#*;:/\\\"-!\n"; *c; ++c) t[static_cast<unsigned char>(*c)] = true;
  }
};
const SplitTable kSplit;
// The characters of mwparserfromhell's tokenizer regex ([{}\[\]<>|=&'#*;:/\\\"\-!\n]).
bool is_split_char(char c) { return kSplit.t[static_cast<unsigned char>(c)]; }
bool is_marker_char(char c) { return c != '\\' && is_split_char(c); }
bool is_marker(const Chunk& c) { return c.kind != Chunk::kText || (c.s.size() == 1 && is_marker_char(c.s[0])); }

uint32_t decode_at(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

// Python str.isspace() on a whole chunk (False when empty).
bool py_isspace(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size();)
    if (!text::is_python_space(decode_at(s, i))) return false;
  return true;
}

bool is_scheme(std::string scheme, bool slashes) {
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* with[] = {"ftp", "ftps", "git", "gopher", "http", "https", "irc", "ircs", "mms", "nntp",
                               "redis", "sftp", "ssh", "svn", "telnet", "worldwind"};
  static const char* without[] = {"bitcoin", "geo", "magnet", "mailto", "news", "sip", "sips", "sms", "tel", "urn", "xmpp"};
  for (auto* w : without)
    if (scheme == w) return true;
  if (!slashes) return false;
  for (auto* w : with)
    if (scheme == w) return true;
  return false;
}

const char* kSingleOnly[] = {"br", "wbr", "hr", "meta", "link", "img"};
const char* kSingle[] = {"br", "wbr", "hr", "meta", "link", "img", "li", "dt", "dd", "th", "td", "tr"};
const char* kBlacklist[] = {"categorytree", "ce", "chem", "gallery", "graph", "hiero", "imagemap", "inputbox", "math",
                            "nowiki", "pre", "score", "section", "source", "syntaxhighlight", "templatedata", "timeline"};

std::string py_lower(std::string_view s) {  // ASCII lower is enough for these tag-name tables
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
  explicit Tokenizer(std::string_view text) {
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (!is_split_char(text[i])) continue;
      if (i > start) chunks_.push_back({Chunk::kText, text.substr(start, i - start)});
      chunks_.push_back({Chunk::kText, text.substr(i, 1)});
      start = i + 1;
    }
    if (start < text.size()) chunks_.push_back({Chunk::kText, text.substr(start)});
  }

  Tokens run() {
    try {
      Tokens out = parse(0, true);
      if (!stacks_.empty()) throw std::runtime_error("wikitext tokenizer exited with a non-empty stack");
      return out;
    } catch (const BadRoute&) {
      throw std::runtime_error("wikitext tokenizer exited with BadRoute");
    }
  }

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
  void emit_text_then_stack(std::string_view s) {
    Tokens st = pop();
    emit_text(s);
    if (!st.empty()) emit_all(std::move(st));
    --head_;
  }

  // ---- templates and arguments ----
  void parse_template(bool has_content) {
    size_t reset = head_;
    uint64_t context = C::TEMPLATE_NAME | (has_content ? C::HAS_TEMPLATE : 0);
    Tokens t;
    try {
      t = parse(context, true);
    } catch (const BadRoute&) {
      head_ = reset;
      throw;
    }
    emit_first(Tok{T::TemplateOpen});
    emit_all(std::move(t));
    emit(T::TemplateClose);
  }
  void parse_argument() {
    size_t reset = head_;
    Tokens t;
    try {
      t = parse(C::ARGUMENT_NAME, true);
    } catch (const BadRoute&) {
      head_ = reset;
      throw;
    }
    emit_first(Tok{T::ArgumentOpen});
    emit_all(std::move(t));
    emit(T::ArgumentClose);
  }
  void parse_template_or_argument() {
    head_ += 2;
    int braces = 2;
    while (read().is('{')) {
      ++head_;
      ++braces;
    }
    bool has_content = false;
    push();
    while (braces) {
      if (braces == 1) return emit_text_then_stack("{");
      if (braces == 2) {
        try {
          parse_template(has_content);
        } catch (const BadRoute&) {
          return emit_text_then_stack("{{");
        }
        break;
      }
      try {
        parse_argument();
        braces -= 3;
      } catch (const BadRoute&) {
        try {
          parse_template(has_content);
          braces -= 2;
        } catch (const BadRoute&) {
          return emit_text_then_stack(std::string(static_cast<size_t>(braces), '{'));
        }
      }
      if (braces) {
        has_content = true;
        ++head_;
      }
    }
    emit_all(pop());
    if (ctx() & C::FAIL_NEXT) ctx() ^= C::FAIL_NEXT;
  }
  void handle_template_param() {
    if (ctx() & C::TEMPLATE_NAME) {
      if (!(ctx() & (C::HAS_TEXT | C::HAS_TEMPLATE))) fail_route();
      ctx() ^= C::TEMPLATE_NAME;
    } else if (ctx() & C::TEMPLATE_PARAM_VALUE) {
      ctx() ^= C::TEMPLATE_PARAM_VALUE;
    } else {
      emit_all(pop());
    }
    ctx() |= C::TEMPLATE_PARAM_KEY;
    emit(T::TemplateParamSeparator);
    push(ctx());
  }
  void handle_template_param_value() {
    emit_all(pop());
    ctx() ^= C::TEMPLATE_PARAM_KEY;
    ctx() |= C::TEMPLATE_PARAM_VALUE;
    emit(T::TemplateParamEquals);
  }
  Tokens handle_template_end() {
    if (ctx() & C::TEMPLATE_NAME) {
      if (!(ctx() & (C::HAS_TEXT | C::HAS_TEMPLATE))) fail_route();
    } else if (ctx() & C::TEMPLATE_PARAM_KEY) {
      emit_all(pop());
    }
    ++head_;
    return pop();
  }

#include "wikitext_tokenizer_links.inc"

  // ---- headings ----
  void parse_heading() {
    global_ |= C::GL_HEADING;
    size_t reset = head_;
    ++head_;
    int best = 1;
    while (read().is('=')) {
      ++best;
      ++head_;
    }
    uint64_t context = C::HEADING_LEVEL_1 << std::min(best - 1, 5);
    try {
      int level = 0;
      Tokens title = parse_heading_body(context, level);
      Tok hs{T::HeadingStart};
      hs.level = level;
      emit(std::move(hs));
      if (level < best) emit_text(std::string(static_cast<size_t>(best - level), '='));
      emit_all(std::move(title));
      emit(T::HeadingEnd);
    } catch (const BadRoute&) {
      head_ = reset + static_cast<size_t>(best) - 1;
      emit_text(std::string(static_cast<size_t>(best), '='));
    }
    global_ ^= C::GL_HEADING;
  }
  int heading_level_ = 0;  // second return value of a heading route
  Tokens parse_heading_body(uint64_t context, int& level) {
    Tokens t = parse(context, true);
    level = heading_level_;
    return t;
  }
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
  // The part before the nested _parse: skips the '=' run and opens the body after it.
  void open_heading_close(std::vector<HeadingClose>& closes) {
    size_t reset = head_;
    ++head_;
    int best = 1;
    while (read().is('=')) {
      ++best;
      ++head_;
    }
    int current = 0;
    for (uint64_t c = ctx() / C::HEADING_LEVEL_1; c > 1; c >>= 1) ++current;
    current += 1;
    closes.push_back({reset, best, std::min(current, std::min(best, 6))});
    push(ctx());  // a memoized bad route throws here: the run closes the heading
  }
  // The nested body failed (BadRoute): this '=' run closes the heading.
  Tokens heading_close_failed(const HeadingClose& h) {
    if (h.level < h.best) emit_text(std::string(static_cast<size_t>(h.best - h.level), '='));
    head_ = h.reset + static_cast<size_t>(h.best) - 1;
    heading_level_ = h.level;
    return pop();
  }
  // The nested body returned `after`: this '=' run was text inside the title.
  Tokens heading_close_succeeded(const HeadingClose& h, Tokens after) {
    emit_text(std::string(static_cast<size_t>(h.best), '='));
    emit_all(std::move(after));
    return pop();
  }

  // ---- entities and comments ----
  void really_parse_entity() {
    emit(T::HTMLEntityStart);
    ++head_;
    Chunk c = read(0, true);
    std::string_view t = c.s;
    bool numeric = false, hexadecimal = false;
    if (c.is('#')) {
      numeric = true;
      emit(T::HTMLEntityNumeric);
      ++head_;
      c = read(0, true);
      t = c.s;
      if (!t.empty() && (t[0] == 'x' || t[0] == 'X')) {
        hexadecimal = true;
        emit(Tok{T::HTMLEntityHex, false, 0, std::string(1, t[0])});
        t.remove_prefix(1);
        if (t.empty()) fail_route();
      }
    }
    if (c.kind != Chunk::kText) fail_route();
    for (char ch : t) {
      bool ok = (ch >= '0' && ch <= '9') ||
                (hexadecimal && ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) ||
                (!numeric && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')));
      if (!ok) fail_route();
    }
    ++head_;
    if (!read().is(';')) fail_route();
    if (numeric) {
      if (t.empty() || t.size() > 9) fail_route();  // int("") raises; > 0x10FFFF anyway
      unsigned long v = std::stoul(std::string(t), nullptr, hexadecimal ? 16 : 10);
      if (v < 1 || v > 0x10FFFF) fail_route();
    } else if (entity_codepoint(t) == 0) {
      fail_route();
    }
    emit(Tok{T::Text, false, 0, std::string(t)});
    emit(T::HTMLEntityEnd);
  }
  void parse_entity() {
    size_t reset = head_;
    try {
      push(C::HTML_ENTITY);
      really_parse_entity();
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text(read().s);
      return;
    }
    emit_all(pop());
  }
  void parse_comment() {
    head_ += 4;
    size_t reset = head_ - 1;
    push();
    while (true) {
      Chunk t = read();
      if (t.end()) {
        pop();
        head_ = reset;
        emit_text("<!--");
        return;
      }
      if (t.is('-') && read(1).is('-') && read(2).is('>')) {
        emit_first(Tok{T::CommentStart});
        emit(T::CommentEnd);
        emit_all(pop());
        head_ += 2;
        if (ctx() & C::FAIL_NEXT) ctx() ^= C::FAIL_NEXT;
        return;
      }
      emit_text(t.s);
      ++head_;
    }
  }

#include "wikitext_tokenizer_tags.inc"

  // ---- the main loop ----
  bool verify_safe(const Chunk& t);
  Tokens handle_end();
  Tokens parse(uint64_t context, bool do_push);
  Tokens parse_loop(std::vector<HeadingClose>& closes);
};

#include "wikitext_tokenizer_main.inc"

}  // namespace

bool is_non_word(uint32_t cp) {
  if (cp == '_') return false;
  return !u_isalnum(static_cast<UChar32>(cp));
}

Tokens tokenize(std::string_view text) { return Tokenizer(text).run(); }

}  // namespace rpdata::sources::wikipedia::detail
