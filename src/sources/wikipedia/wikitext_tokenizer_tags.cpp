// The wikitext tokenizer's HTML tags: open and close tags with their attributes, single and
// blacklisted tags (mwparserfromhell's tokenizer, same order; class in wikitext_tokenizer.h).
#include "wikitext_tokenizer.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace rpdata::sources::wikipedia::detail::tokenizer {
namespace {

const char* kSingleOnly[] = {"br", "wbr", "hr", "meta", "link", "img"};
const char* kBlacklist[] = {"categorytree", "ce", "chem", "gallery", "graph", "hiero", "imagemap", "inputbox", "math",
                            "nowiki", "pre", "score", "section", "source", "syntaxhighlight", "templatedata", "timeline"};

}  // namespace

void Tokenizer::push_tag_buffer(TagOpenData& data) {
  if (data.context & TagOpenData::CX_QUOTED) {
    emit_first(Tok{T::TagAttrQuote, false, 0, data.quoter});
    emit_all(pop());
  }
  emit_first(Tok{T::TagAttrStart});
  emit_all(pop());
  data.pad_first.clear();
  data.pad_before_eq.clear();
  data.pad_after_eq.clear();
}

void Tokenizer::handle_tag_space(TagOpenData& data, std::string_view text) {
  int c = data.context;
  bool end_of_value = (c & TagOpenData::CX_ATTR_VALUE) && !(c & (TagOpenData::CX_QUOTED | TagOpenData::CX_NOTE_QUOTE));
  if (end_of_value || ((c & TagOpenData::CX_QUOTED) && (c & TagOpenData::CX_NOTE_SPACE))) {
    push_tag_buffer(data);
    data.context = TagOpenData::CX_ATTR_READY;
  } else if (c & TagOpenData::CX_NOTE_SPACE) {
    data.context = TagOpenData::CX_ATTR_READY;
  } else if (c & TagOpenData::CX_ATTR_NAME) {
    data.context |= TagOpenData::CX_NOTE_EQUALS;
    data.pad_before_eq += text;
  }
  if ((c & TagOpenData::CX_QUOTED) && !(c & TagOpenData::CX_NOTE_SPACE))
    emit_text(text);
  else if (data.context & TagOpenData::CX_ATTR_READY)
    data.pad_first += text;
  else if (data.context & TagOpenData::CX_ATTR_VALUE)
    data.pad_after_eq += text;
}

void Tokenizer::handle_tag_text(std::string_view text) {
  Chunk n = read(1);
  bool marker = text.size() == 1 && is_marker_char(text[0]);
  if (!can_recurse() || !marker)
    emit_text(text);
  else if (text == "{" && n.is('{'))
    parse_template_or_argument();
  else if (text == "[" && n.is('['))
    parse_wikilink();
  else if (text == "<")
    parse_tag();
  else
    emit_text(text);
}

bool Tokenizer::tag_split_char(uint32_t cp) { return cp == '"' || cp == '\'' || cp == '\\' || text::is_python_space(cp); }

// Returns false when the tag route was abandoned early (quoted value retried).
bool Tokenizer::handle_tag_data(TagOpenData& data, std::string_view text) {
  // tag_splitter = re.compile(r"([\s\"\'\\]+)"): alternate runs of separators and others.
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    size_t k = j;
    bool sep = tag_split_char(decode_at(text, k));
    while (j < text.size()) {
      size_t m = j;
      if (tag_split_char(decode_at(text, m)) != sep) break;
      j = m;
    }
    std::string_view chunk = text.substr(i, j - i);
    i = j;
    if (data.context & TagOpenData::CX_NAME) {
      if ((chunk.size() == 1 && is_marker_char(chunk[0])) || py_isspace(chunk)) fail_route();
      data.context = TagOpenData::CX_NOTE_SPACE;
    } else if (py_isspace(chunk)) {
      handle_tag_space(data, chunk);
      continue;
    } else if (data.context & TagOpenData::CX_NOTE_SPACE) {
      if (data.context & TagOpenData::CX_QUOTED) {
        data.context = TagOpenData::CX_ATTR_VALUE;
        memoize_bad_route();
        pop();
        head_ = data.reset - 1;
        return false;
      }
      fail_route();
    } else if (data.context & TagOpenData::CX_ATTR_READY) {
      data.context = TagOpenData::CX_ATTR_NAME;
      push(C::TAG_ATTR);
    } else if (data.context & TagOpenData::CX_ATTR_NAME) {
      if (chunk == "=") {
        data.context = TagOpenData::CX_ATTR_VALUE | TagOpenData::CX_NOTE_QUOTE;
        emit(T::TagAttrEquals);
        continue;
      }
      if (data.context & TagOpenData::CX_NOTE_EQUALS) {
        push_tag_buffer(data);
        data.context = TagOpenData::CX_ATTR_NAME;
        push(C::TAG_ATTR);
      }
    } else {
      bool escaped = read(-1).is('\\') && !read(-2).is('\\');
      if (data.context & TagOpenData::CX_NOTE_QUOTE) {
        data.context ^= TagOpenData::CX_NOTE_QUOTE;
        if ((chunk == "'" || chunk == "\"" || chunk.empty()) && !escaped) {
          data.context |= TagOpenData::CX_QUOTED;
          data.quoter = std::string(chunk);
          data.reset = head_;
          try {
            push(ctx());
          } catch (const BadRoute&) {
            data.context = TagOpenData::CX_ATTR_VALUE;
            --head_;
            return false;
          }
          continue;
        }
      } else if (data.context & TagOpenData::CX_QUOTED) {
        if (chunk == data.quoter && !escaped) {
          data.context |= TagOpenData::CX_NOTE_SPACE;
          continue;
        }
      }
    }
    handle_tag_text(chunk);
  }
  return true;
}

void Tokenizer::handle_tag_close_open(TagOpenData& data, T token) {
  if (data.context & (TagOpenData::CX_ATTR_NAME | TagOpenData::CX_ATTR_VALUE)) push_tag_buffer(data);
  emit(token);
  ++head_;
}

void Tokenizer::handle_tag_open_close() {
  emit(T::TagOpenClose);
  push(C::TAG_CLOSE);
  ++head_;
}

std::string Tokenizer::strip_lower(std::string_view s) {
  while (!s.empty()) {  // rstrip (ASCII + Python spaces at the end)
    size_t j = s.size() - 1;
    while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
    size_t k = j;
    if (!text::is_python_space(decode_at(s, k))) break;
    s = s.substr(0, j);
  }
  return py_lower(s);
}

std::string Tokenizer::tag_name_of_stack() {
  const auto& st = stack();
  return st.size() > 1 && st[1].t == T::Text ? st[1].text : std::string();
}

Tokens Tokenizer::handle_tag_close_close() {
  Tokens closing = pop();
  if (closing.size() != 1 || closing[0].t != T::Text || strip_lower(closing[0].text) != strip_lower(tag_name_of_stack()))
    fail_route();
  emit_all(std::move(closing));
  emit(T::TagCloseClose);
  return pop();
}

Tokens Tokenizer::handle_blacklisted_tag() {
  while (true) {
    Chunk t = read(), n = read(1);
    if (t.end()) {
      fail_route();
    } else if (t.is('<') && n.is('/')) {
      head_ += 3;
      if (!read().is('>') || strip_lower(read(-1).s) != strip_lower(tag_name_of_stack())) {
        --head_;
        emit_text("</");
        continue;
      }
      emit(T::TagOpenClose);
      emit_text(read(-1).s);
      emit(T::TagCloseClose);
      return pop();
    } else if (t.is('&')) {
      parse_entity();
    } else {
      emit_text(t.s);
    }
    ++head_;
  }
}

Tokens Tokenizer::handle_single_only_tag_end() {
  stack().pop_back();
  emit(Tok{T::TagCloseSelfclose, true});
  --head_;
  return pop();
}

Tokens Tokenizer::handle_single_tag_end() {
  auto& st = stack();
  int depth = 1;
  size_t index = 2;
  for (; index < st.size(); ++index) {
    if (st[index].t == T::TagOpenOpen) {
      ++depth;
    } else if (st[index].t == T::TagCloseOpen) {
      if (--depth == 0) break;
    } else if (st[index].t == T::TagCloseSelfclose) {
      if (--depth == 0) throw std::runtime_error("wikitext: unexpected TagCloseSelfclose");
    }
  }
  if (index >= st.size()) throw std::runtime_error("wikitext: single tag without TagCloseOpen");
  st[index] = Tok{T::TagCloseSelfclose, true};
  return pop();
}

Tokens Tokenizer::really_parse_tag() {
  TagOpenData data;
  push(C::TAG_OPEN);
  emit(T::TagOpenOpen);
  while (true) {
    Chunk t = read(), n = read(1);
    bool can_exit = !(data.context & (TagOpenData::CX_QUOTED | TagOpenData::CX_NAME)) ||
                    (data.context & TagOpenData::CX_NOTE_SPACE);
    if (t.end()) {
      if (ctx() & C::TAG_ATTR) {
        if (data.context & TagOpenData::CX_QUOTED) {
          data.context = TagOpenData::CX_ATTR_VALUE;
          memoize_bad_route();
          pop();
          head_ = data.reset;
          continue;
        }
        pop();
      }
      fail_route();
    } else if (t.is('>') && can_exit) {
      handle_tag_close_open(data, T::TagCloseOpen);
      ctx() = C::TAG_BODY;
      std::string name = tag_name_of_stack();
      if (in_list(name, kSingleOnly)) return handle_single_only_tag_end();
      if (!in_list(name, kBlacklist)) return parse(0, false);
      return handle_blacklisted_tag();
    } else if (t.is('/') && n.is('>') && can_exit) {
      handle_tag_close_open(data, T::TagCloseSelfclose);
      return pop();
    } else {
      handle_tag_data(data, t.s);
    }
    ++head_;
  }
}

void Tokenizer::handle_invalid_tag_start() {
  size_t reset = head_ + 1;
  head_ += 2;
  Tokens tag;
  try {
    Chunk c = read();
    std::string_view first = c.s;
    size_t cut = 0;
    while (cut < first.size()) {
      size_t k = cut;
      if (tag_split_char(decode_at(first, k))) break;
      cut = k;
    }
    if (c.kind != Chunk::kText || !in_list(first.substr(0, cut), kSingleOnly)) throw BadRoute{};
    tag = really_parse_tag();
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("</");
    return;
  }
  tag[0].flag = true;  // invalid
  emit_all(std::move(tag));
}

void Tokenizer::parse_tag() {
  size_t reset = head_;
  ++head_;
  Tokens tag;
  try {
    tag = really_parse_tag();
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("<");
    return;
  }
  emit_all(std::move(tag));
}

}  // namespace rpdata::sources::wikipedia::detail::tokenizer
