// The wikitext tokenizer's wikilinks and bracketed and free external links
// (mwparserfromhell's tokenizer: same routes and fallbacks; class in wikitext_tokenizer.h).
#include "wikitext_tokenizer.h"

#include <cstring>
#include <string>
#include <utility>

namespace rpdata::sources::wikipedia::detail::tokenizer {
namespace {

constexpr const char* kUriScheme = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-";

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

}  // namespace

// False where _parse_bracketed_uri_scheme would fail right away (no "//" and no valid
// "scheme:" at the head): checked first so an ordinary [[wikilink]] costs no exception.
bool Tokenizer::bracketed_scheme_possible() const {
  auto at = [&](size_t i) -> const Chunk* { return i < chunks_.size() ? &chunks_[i] : nullptr; };
  const Chunk* c = at(head_);
  if (c && c->is('/') && at(head_ + 1) && at(head_ + 1)->is('/')) return true;
  std::string scheme;
  size_t i = head_;
  for (; (c = at(i)) != nullptr; ++i) {
    bool ok = true;
    for (char ch : c->s)
      if (!std::strchr(kUriScheme, ch) || ch == '\0') ok = false;
    if (!ok) break;
    scheme += c->s;
  }
  if (!c || !c->is(':')) return false;
  bool slashes = at(i + 1) && at(i + 1)->is('/') && at(i + 2) && at(i + 2)->is('/');
  return is_scheme(scheme, slashes);
}

void Tokenizer::parse_wikilink() {
  size_t reset = head_ + 1;
  head_ += 2;
  Tokens link;
  bool is_ext = false;
  if (bracketed_scheme_possible()) {
    try {
      link = really_parse_external_link(true, nullptr);
      is_ext = true;
    } catch (const BadRoute&) {
    }
  }
  if (!is_ext) {
    head_ = reset + 1;
    Tokens wl;
    try {
      wl = parse(C::WIKILINK_TITLE, true);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("[[");
      return;
    }
    emit(T::WikilinkOpen);
    emit_all(std::move(wl));
    emit(T::WikilinkClose);
    return;
  }
  if (ctx() & C::EXT_LINK_TITLE) {
    head_ = reset;
    emit_text("[[");
    return;
  }
  emit_text("[");
  emit(Tok{T::ExternalLinkOpen, true});
  emit_all(std::move(link));
  emit(T::ExternalLinkClose);
}

void Tokenizer::parse_bracketed_uri_scheme() {
  push(C::EXT_LINK_URI);
  if (read().is('/') && read(1).is('/')) {
    emit_text("//");
    head_ += 2;
    return;
  }
  std::string scheme;
  while (!read().end()) {
    Chunk c = read();
    if (c.kind != Chunk::kText) break;
    bool ok = true;
    for (char ch : c.s)
      if (!std::strchr(kUriScheme, ch) || ch == '\0') ok = false;
    if (!ok) break;  // Python: all(char in URISCHEME for char in chunk); "" would pass
    scheme += c.s;
    emit_text(c.s);
    ++head_;
  }
  if (!read().is(':')) fail_route();
  emit_text(":");
  ++head_;
  bool slashes = read().is('/') && read(1).is('/');
  if (slashes) {
    emit_text("//");
    head_ += 2;
  }
  if (!is_scheme(scheme, slashes)) fail_route();
}

// The scheme before a free link's ':' (the text buffer's trailing word), or false where
// _parse_free_uri_scheme would raise BadRoute. Checked first, so the common case (a colon
// in prose) costs no exception.
bool Tokenizer::free_uri_scheme(std::string& scheme, bool& slashes) {
  const std::string& buf = textbuffer();
  size_t i = buf.size();
  size_t start = i;
  while (i > 0) {
    size_t j = i - 1;
    while (j > 0 && (static_cast<unsigned char>(buf[j]) & 0xC0) == 0x80) --j;
    size_t k = j;
    uint32_t cp = decode_at(buf, k);
    if (is_non_word(cp)) break;
    if (cp >= 0x80 || !std::strchr(kUriScheme, static_cast<char>(cp))) return false;
    start = j;
    i = j;
  }
  scheme.assign(buf, start, buf.size() - start);
  slashes = read().is('/') && read(1).is('/');
  return is_scheme(scheme, slashes);
}

void Tokenizer::parse_free_uri_scheme() {
  std::string scheme;
  bool slashes = false;
  if (!free_uri_scheme(scheme, slashes)) throw BadRoute{};
  push(ctx() | C::EXT_LINK_URI);
  emit_text(scheme);
  emit_text(":");
  if (slashes) {
    emit_text("//");
    head_ += 2;
  }
}

void Tokenizer::handle_free_link_text(std::string& punct, std::string& tail, std::string_view t) {
  if (t.find('(') != std::string_view::npos && !punct.empty() && punct.back() == ')') punct.pop_back();
  if (!t.empty() && punct.find(t.back()) != std::string::npos) {
    size_t i = 0;
    for (size_t k = t.size() - 1; k > 0; --k)
      if (punct.find(t[k - 1]) == std::string::npos) {
        i = k;
        break;
      }
    std::string_view stripped = t.substr(0, i);
    if (!stripped.empty() && !tail.empty()) {
      emit_text(tail);
      tail.clear();
    }
    tail += t.substr(i);
    t = stripped;
  } else if (!tail.empty()) {
    emit_text(tail);
    tail.clear();
  }
  emit_text(t);
}

bool Tokenizer::is_uri_end(const Chunk& t, const Chunk& n) {
  Chunk after = read(2);
  uint64_t c = ctx();
  return t.end() || t.is('\n') || t.is('[') || t.is(']') || t.is('<') || t.is('>') || t.is('"') ||
         (t.kind == Chunk::kText && t.s.find(' ') != std::string_view::npos) || (t.is('\'') && n.is('\'')) ||
         (t.is('|') && (c & C::TEMPLATE)) ||
         (t.is('=') && (c & (C::TEMPLATE_PARAM_KEY | C::HEADING))) || (t.is('}') && n.is('}') && (c & C::TEMPLATE)) ||
         (t.is('}') && n.is('}') && after.is('}') && (c & C::ARGUMENT));
}

// Returns the link's tokens; `extra` (free links) receives trailing punctuation.
Tokens Tokenizer::really_parse_external_link(bool brackets, std::string* extra) {
  std::string punct;
  if (brackets) {
    parse_bracketed_uri_scheme();
  } else {
    parse_free_uri_scheme();
    punct = ",;\\.:!?)";
  }
  Chunk first = read();
  if (first.end() || first.s.empty() || first.s[0] == '\n' || first.s[0] == ' ' || first.s[0] == ']' ||
      (!brackets && first.s[0] == '['))
    fail_route();
  std::string tail;
  while (true) {
    Chunk t = read(), n = read(1);
    if (t.is('&')) {
      if (!tail.empty()) emit_text(tail), tail.clear();
      parse_entity();
    } else if (t.is('<') && n.is('!') && read(2).is('-') && read(3).is('-')) {
      if (!tail.empty()) emit_text(tail), tail.clear();
      parse_comment();
    } else if (t.is('{') && n.is('{') && can_recurse()) {
      if (!tail.empty()) emit_text(tail), tail.clear();
      parse_template_or_argument();
    } else if (brackets) {
      if (t.end() || t.is('\n')) fail_route();
      if (t.is(']')) return pop();
      if (is_uri_end(t, n)) {
        if (t.kind == Chunk::kText && t.s.find(' ') != std::string_view::npos) {
          size_t sp = t.s.find(' ');
          emit_text(t.s.substr(0, sp));
          emit(T::ExternalLinkSeparator);
          if (sp + 1 < t.s.size()) emit_text(t.s.substr(sp + 1));
          ++head_;
        } else {
          emit(T::ExternalLinkSeparator);
        }
        ctx() ^= C::EXT_LINK_URI;
        ctx() |= C::EXT_LINK_TITLE;
        return parse(0, false);
      }
      emit_text(t.s);
    } else {
      if (is_uri_end(t, n)) {
        if (!t.end() && t.s.find(' ') != std::string_view::npos) {
          size_t sp = t.s.find(' ');
          handle_free_link_text(punct, tail, t.s.substr(0, sp));
          tail += " ";
          tail += t.s.substr(sp + 1);
        } else {
          --head_;
        }
        if (extra) *extra = tail;
        return pop();
      }
      handle_free_link_text(punct, tail, t.s);
    }
    ++head_;
  }
}

void Tokenizer::remove_uri_scheme_from_textbuffer(size_t length) {
  auto& b = textbuffer();
  b.resize(b.size() >= length ? b.size() - length : 0);
}

void Tokenizer::parse_external_link(bool brackets) {
  if ((ctx() & C::NO_EXT_LINKS) || !can_recurse()) {
    if (!brackets && (ctx() & C::DL_TERM))
      handle_dl_term();
    else
      emit_text(read().s);
    return;
  }
  size_t reset = head_;
  ++head_;
  std::string extra;
  Tokens link;
  std::string scheme;
  bool slashes = false;
  if (!brackets && !free_uri_scheme(scheme, slashes)) {  // same as the BadRoute branch below
    head_ = reset;
    if (ctx() & C::DL_TERM)
      handle_dl_term();
    else
      emit_text(read().s);
    return;
  }
  try {
    link = really_parse_external_link(brackets, &extra);
  } catch (const BadRoute&) {
    head_ = reset;
    if (!brackets && (ctx() & C::DL_TERM))
      handle_dl_term();
    else
      emit_text(read().s);
    return;
  }
  if (!brackets) {
    const std::string& first = link.empty() ? std::string() : link[0].text;
    size_t colon = first.find(':');
    remove_uri_scheme_from_textbuffer(colon == std::string::npos ? first.size() : colon);
  }
  emit(Tok{T::ExternalLinkOpen, brackets});
  emit_all(std::move(link));
  emit(T::ExternalLinkClose);
  if (!extra.empty()) emit_text(extra);
}

}  // namespace rpdata::sources::wikipedia::detail::tokenizer
