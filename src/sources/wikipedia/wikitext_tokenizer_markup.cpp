// The wikitext tokenizer's wiki markup that becomes tags: '' and ''' styles, list markers,
// horizontal rules, definition terms and tables (mwparserfromhell's tokenizer, same order;
// class in wikitext_tokenizer.h).
#include "wikitext_tokenizer.h"

#include <cstring>
#include <string>
#include <utility>

namespace rpdata::sources::wikipedia::detail::tokenizer {

// ---- style tags ----
void Tokenizer::emit_style_tag(const char* tag, const char* markup, Tokens body) {
  emit(Tok{T::TagOpenOpen, false, 0, markup});
  emit_text(tag);
  emit(T::TagCloseOpen);
  emit_all(std::move(body));
  emit(T::TagOpenClose);
  emit_text(tag);
  emit(T::TagCloseClose);
}

void Tokenizer::parse_italics() {
  size_t reset = head_;
  Tokens st;
  try {
    st = parse(C::STYLE_ITALICS, true);
  } catch (const BadRoute& route) {
    head_ = reset;
    if (route.context & C::STYLE_PASS_AGAIN) {
      try {
        st = parse(C::STYLE_ITALICS | C::STYLE_SECOND_PASS, true);
      } catch (const BadRoute&) {
        head_ = reset;
        emit_text("''");
        return;
      }
    } else {
      emit_text("''");
      return;
    }
  }
  emit_style_tag("i", "''", std::move(st));
}

bool Tokenizer::parse_bold() {
  size_t reset = head_;
  Tokens st;
  try {
    st = parse(C::STYLE_BOLD, true);
  } catch (const BadRoute&) {
    head_ = reset;
    if (ctx() & C::STYLE_SECOND_PASS) {
      emit_text("'");
      return true;
    }
    if (ctx() & C::STYLE_ITALICS) {
      ctx() |= C::STYLE_PASS_AGAIN;
      emit_text("'''");
    } else {
      emit_text("'");
      parse_italics();
    }
    return false;
  }
  emit_style_tag("b", "'''", std::move(st));
  return false;
}

void Tokenizer::parse_italics_and_bold() {
  size_t reset = head_;
  Tokens st;
  try {
    st = parse(C::STYLE_BOLD, true);
  } catch (const BadRoute&) {
    head_ = reset;
    try {
      st = parse(C::STYLE_ITALICS, true);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("'''''");
      return;
    }
    reset = head_;
    Tokens st2;
    try {
      st2 = parse(C::STYLE_BOLD, true);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("'''");
      emit_style_tag("i", "''", std::move(st));
      return;
    }
    push();
    emit_style_tag("i", "''", std::move(st));
    emit_all(std::move(st2));
    emit_style_tag("b", "'''", pop());
    return;
  }
  reset = head_;
  Tokens st2;
  try {
    st2 = parse(C::STYLE_ITALICS, true);
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("''");
    emit_style_tag("b", "'''", std::move(st));
    return;
  }
  push();
  emit_style_tag("b", "'''", std::move(st));
  emit_all(std::move(st2));
  emit_style_tag("i", "''", pop());
}

// Returns true (and the popped stack in `out`) when the current style route ends here.
bool Tokenizer::parse_style(Tokens& out) {
  head_ += 2;
  int ticks = 2;
  while (read().is('\'')) {
    ++head_;
    ++ticks;
  }
  bool italics = ctx() & C::STYLE_ITALICS, bold = ctx() & C::STYLE_BOLD;
  if (ticks > 5) {
    emit_text(std::string(static_cast<size_t>(ticks - 5), '\''));
    ticks = 5;
  } else if (ticks == 4) {
    emit_text("'");
    ticks = 3;
  }
  if ((italics && (ticks == 2 || ticks == 5)) || (bold && (ticks == 3 || ticks == 5))) {
    if (ticks == 5) head_ -= italics ? 3 : 2;
    out = pop();
    return true;
  }
  if (!can_recurse()) {
    if (ticks == 3) {
      if (ctx() & C::STYLE_SECOND_PASS) {
        emit_text("'");
        out = pop();
        return true;
      }
      if (ctx() & C::STYLE_ITALICS) ctx() |= C::STYLE_PASS_AGAIN;
    }
    emit_text(std::string(static_cast<size_t>(ticks), '\''));
  } else if (ticks == 2) {
    parse_italics();
  } else if (ticks == 3) {
    if (parse_bold()) {
      out = pop();
      return true;
    }
  } else {
    parse_italics_and_bold();
  }
  --head_;
  return false;
}

// ---- lists, hr, definition terms ----
void Tokenizer::handle_list_marker() {
  Chunk m = read();
  if (m.is(';')) ctx() |= C::DL_TERM;
  emit(Tok{T::TagOpenOpen, false, 0, std::string(m.s)});
  emit_text(m.is(';') ? "dt" : m.is(':') ? "dd" : "li");
  emit(T::TagCloseSelfclose);
}

void Tokenizer::handle_list() {
  handle_list_marker();
  while (true) {
    Chunk n = read(1);
    if (!(n.is('#') || n.is('*') || n.is(';') || n.is(':'))) break;
    ++head_;
    handle_list_marker();
  }
}

void Tokenizer::handle_hr() {
  size_t length = 4;
  head_ += 3;
  while (read(1).is('-')) {
    ++length;
    ++head_;
  }
  emit(Tok{T::TagOpenOpen, false, 0, std::string(length, '-')});
  emit_text("hr");
  emit(T::TagCloseSelfclose);
}

void Tokenizer::handle_dl_term() {
  ctx() ^= C::DL_TERM;
  if (read().is(':'))
    handle_list_marker();
  else
    emit_text("\n");
}

// ---- tables ----
void Tokenizer::emit_table_tag(const char* open_markup, const char* tag, Tokens style, const char* close_open_markup,
                               Tokens contents, const char* open_close_markup) {
  emit(Tok{T::TagOpenOpen, false, 0, open_markup});
  emit_text(tag);
  if (!style.empty()) emit_all(std::move(style));
  emit(Tok{T::TagCloseOpen, false, 0, close_open_markup ? close_open_markup : ""});
  if (!contents.empty()) emit_all(std::move(contents));
  emit(Tok{T::TagOpenClose, false, 0, open_close_markup});
  emit_text(tag);
  emit(T::TagCloseClose);
}

void Tokenizer::handle_table_style(char end_token) {
  TagOpenData data;
  data.context = TagOpenData::CX_ATTR_READY;
  while (true) {
    Chunk t = read();
    bool can_exit = !(data.context & TagOpenData::CX_QUOTED) || (data.context & TagOpenData::CX_NOTE_SPACE);
    if (t.is(end_token) && can_exit) {
      if (data.context & (TagOpenData::CX_ATTR_NAME | TagOpenData::CX_ATTR_VALUE)) push_tag_buffer(data);
      return;
    }
    if (t.end() || t.is(end_token)) {
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
    } else {
      handle_tag_data(data, t.s);
    }
    ++head_;
  }
}

void Tokenizer::parse_table() {
  size_t reset = head_;
  head_ += 2;
  try {
    push(C::TABLE_OPEN);
    handle_table_style('\n');
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("{");
    return;
  }
  Tokens style = pop();
  ++head_;
  size_t restore_size = stacks_.size();
  Tokens table;
  try {
    table = parse(C::TABLE_OPEN, true);
  } catch (const BadRoute&) {
    while (stacks_.size() > restore_size) {
      memoize_bad_route();
      pop();
    }
    head_ = reset;
    emit_text("{");
    return;
  }
  emit_table_tag("{|", "table", std::move(style), nullptr, std::move(table), "|}");
  --head_;
}

void Tokenizer::handle_table_row() {
  head_ += 2;
  if (!can_recurse()) {
    emit_text("|-");
    --head_;
    return;
  }
  push(C::TABLE_OPEN | C::TABLE_ROW_OPEN);
  handle_table_style('\n');
  Tokens style = pop();
  ++head_;
  Tokens row = parse(C::TABLE_OPEN | C::TABLE_ROW_OPEN, true);
  emit_table_tag("|-", "tr", std::move(style), nullptr, std::move(row), "");
  --head_;
}

void Tokenizer::handle_table_cell(const char* markup, const char* tag, uint64_t line_context) {
  uint64_t old_context = ctx();
  Tokens style;
  head_ += std::strlen(markup);
  size_t reset = head_;
  if (!can_recurse()) {
    emit_text(markup);
    --head_;
    return;
  }
  Tokens cell = parse(C::TABLE_OPEN | C::TABLE_CELL_OPEN | line_context | C::TABLE_CELL_STYLE, true);
  uint64_t cell_context = ctx();
  ctx() = old_context;
  bool reset_for_style = cell_context & C::TABLE_CELL_STYLE;
  if (reset_for_style) {
    head_ = reset;
    push(C::TABLE_OPEN | C::TABLE_CELL_OPEN | line_context);
    handle_table_style('|');
    style = pop();
    ++head_;
    cell = parse(C::TABLE_OPEN | C::TABLE_CELL_OPEN | line_context, true);
    cell_context = ctx();
    ctx() = old_context;
  }
  emit_table_tag(markup, tag, std::move(style), reset_for_style ? "|" : nullptr, std::move(cell), "");
  ctx() |= cell_context & (C::TABLE_TH_LINE | C::TABLE_TD_LINE);
  --head_;
}

Tokens Tokenizer::handle_table_cell_end(bool reset_for_style) {
  if (reset_for_style)
    ctx() |= C::TABLE_CELL_STYLE;
  else
    ctx() &= ~C::TABLE_CELL_STYLE;
  return pop(true);
}

}  // namespace rpdata::sources::wikipedia::detail::tokenizer
