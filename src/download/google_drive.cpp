#include "rpdata/download/google_drive.h"

#include <cctype>
#include <utility>
#include <vector>

#include "rpdata/download/url.h"

namespace rpdata::download {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// HTML attribute values carry &amp; and a few other entities.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&lt;", '<'}, {"&gt;", '>'}, {"&#x3d;", '='}, {"&#61;", '='}};
      bool done = false;
      for (const auto& [name, c] : kEntities)
        if (lower(s.substr(i, name.size())) == name) {
          out += c;
          i += name.size() - 1;
          done = true;
          break;
        }
      if (done) continue;
    }
    out += s[i];
  }
  return out;
}

// The value of attribute `name` in the tag text `tag` ("" when absent).
std::string attribute(std::string_view tag, std::string_view name) {
  std::string low = lower(tag);
  size_t at = 0;
  while ((at = low.find(name, at)) != std::string::npos) {
    bool starts = at > 0 && std::isspace(static_cast<unsigned char>(low[at - 1]));
    size_t eq = at + name.size();
    while (eq < low.size() && std::isspace(static_cast<unsigned char>(low[eq]))) ++eq;
    if (!starts || eq >= low.size() || low[eq] != '=') {
      at += name.size();
      continue;
    }
    size_t v = eq + 1;
    while (v < low.size() && std::isspace(static_cast<unsigned char>(low[v]))) ++v;
    if (v >= tag.size()) return "";
    char quote = tag[v];
    if (quote == '"' || quote == '\'') {
      size_t end = tag.find(quote, v + 1);
      return unescape(tag.substr(v + 1, (end == std::string_view::npos ? tag.size() : end) - v - 1));
    }
    size_t end = v;
    while (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end])) && tag[end] != '>') ++end;
    return unescape(tag.substr(v, end - v));
  }
  return "";
}

// "https://host" of a URL ("" when it has no scheme).
std::string origin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string resolve(const std::string& target, const std::string& page_url) {
  if (target.find("://") != std::string::npos) return target;
  if (!target.empty() && target[0] == '/') return origin(page_url) + target;
  std::string base = page_url.substr(0, page_url.find('?'));
  return base.substr(0, base.rfind('/') + 1) + target;
}

}  // namespace

bool looks_like_html(std::string_view head) {
  std::string low = lower(head.substr(0, 1024));
  size_t i = low.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return false;
  low = low.substr(i);
  return low.rfind("<!doctype html", 0) == 0 || low.rfind("<html", 0) == 0 || low.rfind("<head", 0) == 0;
}

std::optional<std::string> drive_confirm_url(std::string_view html, const std::string& page_url) {
  std::string low = lower(html);
  // The form of today's page: its action and every hidden input, in page order.
  for (size_t at = 0; (at = low.find("<form", at)) != std::string::npos; ++at) {
    size_t tag_end = low.find('>', at);
    size_t form_end = low.find("</form", at);
    if (tag_end == std::string::npos) break;
    std::string_view tag = html.substr(at, tag_end - at);
    std::string id = attribute(tag, "id"), action = attribute(tag, "action");
    if (id != "download-form" && action.find("download") == std::string::npos) continue;
    // The form's body: from its tag's end to its "</form" (or the page's end when that is
    // missing or, in a malformed page, comes before the tag ends).
    if (form_end == std::string::npos || form_end < tag_end) form_end = html.size();
    std::string_view body = html.substr(tag_end, form_end - tag_end);
    std::string body_low = lower(body);
    std::string query;
    bool confirm = false;
    for (size_t in = 0; (in = body_low.find("<input", in)) != std::string::npos; ++in) {
      size_t end = body_low.find('>', in);
      std::string_view input = body.substr(in, (end == std::string::npos ? body.size() : end) - in);
      if (lower(attribute(input, "type")) != "hidden") continue;
      std::string name = attribute(input, "name");
      if (name.empty()) continue;
      if (name == "confirm") confirm = true;
      query += (query.empty() ? "" : "&") + percent_encode_segment(name) + "=" +
               percent_encode_segment(attribute(input, "value"));
    }
    if (!confirm || action.empty()) continue;
    return resolve(action, page_url) + (action.find('?') == std::string::npos ? "?" : "&") + query;
  }
  // Older pages: a link carrying confirm=TOKEN.
  for (size_t at = 0; (at = low.find("href=", at)) != std::string::npos; ++at) {
    std::string href = attribute(html.substr(at > 0 ? at - 1 : at, low.find('>', at) - (at > 0 ? at - 1 : at)), "href");
    if (href.find("confirm=") != std::string::npos && href.find("export=download") != std::string::npos)
      return resolve(href, page_url);
  }
  return std::nullopt;
}

}  // namespace rpdata::download
