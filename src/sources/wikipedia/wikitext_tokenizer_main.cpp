// The wikitext tokenizer's main loop (Tokenizer._parse), its end handling and the safety
// checks of unsafe contexts, in mwparserfromhell's order (class in wikitext_tokenizer.h).
#include "wikitext_tokenizer.h"

#include <stdexcept>
#include <utility>

namespace rpdata::sources::wikipedia::detail::tokenizer {
namespace {

const char* kSingle[] = {"br", "wbr", "hr", "meta", "link", "img", "li", "dt", "dd", "th", "td", "tr"};

}  // namespace

bool Tokenizer::verify_safe(const Chunk& t) {
  uint64_t c = ctx();
  if (c & C::FAIL_NEXT) return false;
  if (c & C::WIKILINK_TITLE) {
    if (t.is(']') || t.is('{')) {
      ctx() |= C::FAIL_NEXT;
    } else if (t.is('\n') || t.is('[') || t.is('}') || t.is('>')) {
      return false;
    } else if (t.is('<')) {
      if (read(1).is('!'))
        ctx() |= C::FAIL_NEXT;
      else
        return false;
    }
    return true;
  }
  if (c & C::EXT_LINK_TITLE) return !t.is('\n');
  if (c & C::TEMPLATE_NAME) {
    if (t.is('{')) {
      ctx() |= C::HAS_TEMPLATE | C::FAIL_NEXT;
      return true;
    }
    if (t.is('}') || (t.is('<') && read(1).is('!'))) {
      ctx() |= C::FAIL_NEXT;
      return true;
    }
    if (t.is('[') || t.is(']') || t.is('<') || t.is('>')) return false;
    if (t.is('|')) return true;
    if (c & C::HAS_TEXT) {
      if (c & C::FAIL_ON_TEXT) {
        if (t.end() || !py_isspace(t.s)) return false;
      } else if (t.is('\n')) {
        ctx() |= C::FAIL_ON_TEXT;
      }
    } else if (t.end() || !py_isspace(t.s)) {
      ctx() |= C::HAS_TEXT;
    }
    return true;
  }
  if (c & C::TAG_CLOSE) return !t.is('<');
  if (c & C::FAIL_ON_EQUALS) {
    if (t.is('=')) return false;
  } else if (c & C::FAIL_ON_LBRACE) {
    if (t.is('{') || (read(-1).is('{') && read(-2).is('{'))) {
      if (c & C::TEMPLATE)
        ctx() |= C::FAIL_ON_EQUALS;
      else
        ctx() |= C::FAIL_NEXT;
      return true;
    }
    ctx() ^= C::FAIL_ON_LBRACE;
  } else if (c & C::FAIL_ON_RBRACE) {
    if (t.is('}')) {
      ctx() |= C::FAIL_NEXT;
      return true;
    }
    ctx() ^= C::FAIL_ON_RBRACE;
  } else if (t.is('{')) {
    ctx() |= C::FAIL_ON_LBRACE;
  } else if (t.is('}')) {
    ctx() |= C::FAIL_ON_RBRACE;
  }
  return true;
}

Tokens Tokenizer::handle_end() {
  if (ctx() & C::FAIL) {
    if (ctx() & C::TAG_BODY) {
      std::string name = tag_name_of_stack();
      if (in_list(name, kSingle)) return handle_single_tag_end();
    }
    if (ctx() & C::TABLE_CELL_OPEN) pop();
    if (ctx() & C::DOUBLE) pop();
    fail_route();
  }
  return pop();
}

// Tokenizer._parse. The heading closures it would nest (handle_heading_end) run in this
// frame's loop; their pending state is `closes`.
Tokens Tokenizer::parse(uint64_t context, bool do_push) {
  struct Guard {
    int& n;
    explicit Guard(int& c) : n(c) {
      if (++n > kMaxParseCalls) {
        --n;
        throw std::runtime_error("wikitext nested too deeply");
      }
    }
    ~Guard() { --n; }
  } guard(parse_calls_);
  if (do_push) push(context);
  std::vector<HeadingClose> closes;
  Tokens out;
  try {
    out = parse_loop(closes);
  } catch (const BadRoute&) {
    if (closes.empty()) throw;
    out = heading_close_failed(closes.back());
    closes.pop_back();
  }
  while (!closes.empty()) {
    out = heading_close_succeeded(closes.back(), std::move(out));
    closes.pop_back();
  }
  return out;
}

Tokens Tokenizer::parse_loop(std::vector<HeadingClose>& closes) {
  while (true) {
    Chunk t = read();
    if (ctx() & C::UNSAFE) {
      if (!verify_safe(t)) {
        if (ctx() & C::DOUBLE) pop();
        fail_route();
      }
    }
    if (!is_marker(t)) {
      emit_text(t.s);
      ++head_;
      continue;
    }
    if (t.end()) return handle_end();
    Chunk n = read(1);
    uint64_t c = ctx();
    if (t.is('{') && n.is('{')) {
      if (can_recurse())
        parse_template_or_argument();
      else
        emit_text("{");
    } else if (t.is('|') && (c & C::TEMPLATE)) {
      handle_template_param();
    } else if (t.is('=') && (c & C::TEMPLATE_PARAM_KEY)) {
      if (!(global_ & C::GL_HEADING) && read(-1).nl_or_start() && n.is('='))
        parse_heading();
      else
        handle_template_param_value();
    } else if (t.is('}') && n.is('}') && (c & C::TEMPLATE)) {
      return handle_template_end();
    } else if (t.is('|') && (c & C::ARGUMENT_NAME)) {
      ctx() ^= C::ARGUMENT_NAME;
      ctx() |= C::ARGUMENT_DEFAULT;
      emit(T::ArgumentSeparator);
    } else if (t.is('}') && n.is('}') && (c & C::ARGUMENT)) {
      if (read(2).is('}')) {
        head_ += 2;
        return pop();
      }
      emit_text("}");
    } else if (t.is('[') && n.is('[') && can_recurse()) {
      if (!(c & C::NO_WIKILINKS))
        parse_wikilink();
      else
        emit_text("[");
    } else if (t.is('|') && (c & C::WIKILINK_TITLE)) {
      ctx() ^= C::WIKILINK_TITLE;
      ctx() |= C::WIKILINK_TEXT;
      emit(T::WikilinkSeparator);
    } else if (t.is(']') && n.is(']') && (c & C::WIKILINK)) {
      ++head_;
      return pop();
    } else if (t.is('[')) {
      parse_external_link(true);
    } else if (t.is(':') && !is_marker(read(-1))) {
      parse_external_link(false);
    } else if (t.is(']') && (c & C::EXT_LINK_TITLE)) {
      return pop();
    } else if (t.is('=') && !(global_ & C::GL_HEADING) && !(c & C::TEMPLATE)) {
      if (read(-1).nl_or_start())
        parse_heading();
      else
        emit_text("=");
    } else if (t.is('=') && (c & C::HEADING)) {
      open_heading_close(closes);
      continue;
    } else if (t.is('\n') && (c & C::HEADING)) {
      fail_route();
    } else if (t.is('&')) {
      parse_entity();
    } else if (t.is('<') && n.is('!')) {
      if (read(2).is('-') && read(3).is('-'))
        parse_comment();
      else
        emit_text(t.s);
    } else if (t.is('<') && n.is('/') && !read(2).end()) {
      if (c & C::TAG_BODY)
        handle_tag_open_close();
      else
        handle_invalid_tag_start();
    } else if (t.is('<') && !(c & C::TAG_CLOSE)) {
      if (can_recurse())
        parse_tag();
      else
        emit_text("<");
    } else if (t.is('>') && (c & C::TAG_CLOSE)) {
      return handle_tag_close_close();
    } else if (t.is('\'') && n.is('\'')) {
      Tokens out;
      if (parse_style(out)) return out;
    } else if (read(-1).nl_or_start() && (t.is('#') || t.is('*') || t.is(';') || t.is(':'))) {
      handle_list();
    } else if (read(-1).nl_or_start() && t.is('-') && n.is('-') && read(2).is('-') && read(3).is('-')) {
      handle_hr();
    } else if ((t.is('\n') || t.is(':')) && (c & C::DL_TERM)) {
      handle_dl_term();
      if (t.is('\n')) ctx() &= ~C::TABLE_CELL_LINE_CONTEXTS;
    } else if (t.is('{') && n.is('|') &&
               (read(-1).nl_or_start() || (read(-2).nl_or_start() && py_isspace(read(-1).s)))) {
      if (can_recurse())
        parse_table();
      else
        emit_text("{");
    } else if (c & C::TABLE_OPEN) {
      if (t.is('|') && n.is('|') && (c & C::TABLE_TD_LINE)) {
        if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
        handle_table_cell("||", "td", C::TABLE_TD_LINE);
      } else if (t.is('|') && n.is('|') && (c & C::TABLE_TH_LINE)) {
        if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
        handle_table_cell("||", "th", C::TABLE_TH_LINE);
      } else if (t.is('!') && n.is('!') && (c & C::TABLE_TH_LINE)) {
        if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
        handle_table_cell("!!", "th", C::TABLE_TH_LINE);
      } else if (t.is('|') && (c & C::TABLE_CELL_STYLE)) {
        return handle_table_cell_end(true);
      } else if (t.is('\n') && (c & C::TABLE_CELL_LINE_CONTEXTS)) {
        ctx() &= ~C::TABLE_CELL_LINE_CONTEXTS;
        emit_text(t.s);
      } else if (read(-1).nl_or_start() || (read(-2).nl_or_start() && py_isspace(read(-1).s))) {
        if (t.is('|') && n.is('}')) {
          if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
          if (c & C::TABLE_ROW_OPEN) return pop();
          head_ += 2;
          return pop();
        }
        if (t.is('|') && n.is('-')) {
          if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
          if (c & C::TABLE_ROW_OPEN) return pop();
          handle_table_row();
        } else if (t.is('|')) {
          if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
          handle_table_cell("|", "td", C::TABLE_TD_LINE);
        } else if (t.is('!')) {
          if (c & C::TABLE_CELL_OPEN) return handle_table_cell_end();
          handle_table_cell("!", "th", C::TABLE_TH_LINE);
        } else {
          emit_text(t.s);
        }
      } else {
        emit_text(t.s);
      }
    } else {
      emit_text(t.s);
    }
    ++head_;
  }
}

}  // namespace rpdata::sources::wikipedia::detail::tokenizer
