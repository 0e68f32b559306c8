// A C++ port of mwparserfromhell 0.6's tokenizer (parser/tokenizer.py; mwparserfromhell is
// MIT-licensed, Copyright (C) 2012-2021 Ben Kurtovic): the same contexts, routes, fallbacks
// and bad-route memo, so the HF builder's strip_code sees the same tree. This file holds the
// entry points and the routes of templates, arguments, headings, entities and comments; the
// class is declared in wikitext_tokenizer.h, its other routes are in wikitext_tokenizer_*.cpp.
#include "wikitext_tokenizer.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "wikitext_entities.h"
#include "wikitext_tokens.h"

namespace rpdata::sources::wikipedia::detail::tokenizer {

Tokenizer::Tokenizer(std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_split_char(text[i])) continue;
    if (i > start) chunks_.push_back({Chunk::kText, text.substr(start, i - start)});
    chunks_.push_back({Chunk::kText, text.substr(i, 1)});
    start = i + 1;
  }
  if (start < text.size()) chunks_.push_back({Chunk::kText, text.substr(start)});
}

Tokens Tokenizer::run() {
  try {
    Tokens out = parse(0, true);
    if (!stacks_.empty()) throw std::runtime_error("wikitext tokenizer exited with a non-empty stack");
    return out;
  } catch (const BadRoute&) {
    throw std::runtime_error("wikitext tokenizer exited with BadRoute");
  }
}

void Tokenizer::emit_text_then_stack(std::string_view s) {
  Tokens st = pop();
  emit_text(s);
  if (!st.empty()) emit_all(std::move(st));
  --head_;
}

// ---- templates and arguments ----
void Tokenizer::parse_template(bool has_content) {
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

void Tokenizer::parse_argument() {
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

void Tokenizer::parse_template_or_argument() {
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

void Tokenizer::handle_template_param() {
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

void Tokenizer::handle_template_param_value() {
  emit_all(pop());
  ctx() ^= C::TEMPLATE_PARAM_KEY;
  ctx() |= C::TEMPLATE_PARAM_VALUE;
  emit(T::TemplateParamEquals);
}

Tokens Tokenizer::handle_template_end() {
  if (ctx() & C::TEMPLATE_NAME) {
    if (!(ctx() & (C::HAS_TEXT | C::HAS_TEMPLATE))) fail_route();
  } else if (ctx() & C::TEMPLATE_PARAM_KEY) {
    emit_all(pop());
  }
  ++head_;
  return pop();
}

// ---- headings ----
void Tokenizer::parse_heading() {
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

Tokens Tokenizer::parse_heading_body(uint64_t context, int& level) {
  Tokens t = parse(context, true);
  level = heading_level_;
  return t;
}

// The part before the nested _parse: skips the '=' run and opens the body after it.
void Tokenizer::open_heading_close(std::vector<HeadingClose>& closes) {
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
Tokens Tokenizer::heading_close_failed(const HeadingClose& h) {
  if (h.level < h.best) emit_text(std::string(static_cast<size_t>(h.best - h.level), '='));
  head_ = h.reset + static_cast<size_t>(h.best) - 1;
  heading_level_ = h.level;
  return pop();
}

// The nested body returned `after`: this '=' run was text inside the title.
Tokens Tokenizer::heading_close_succeeded(const HeadingClose& h, Tokens after) {
  emit_text(std::string(static_cast<size_t>(h.best), '='));
  emit_all(std::move(after));
  return pop();
}

// ---- entities and comments ----
void Tokenizer::really_parse_entity() {
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

void Tokenizer::parse_entity() {
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

void Tokenizer::parse_comment() {
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

}  // namespace rpdata::sources::wikipedia::detail::tokenizer

namespace rpdata::sources::wikipedia::detail {

bool is_non_word(uint32_t cp) {
  if (cp == '_') return false;
  return !u_isalnum(static_cast<UChar32>(cp));
}

Tokens tokenize(std::string_view text) { return tokenizer::Tokenizer(text).run(); }

}  // namespace rpdata::sources::wikipedia::detail
