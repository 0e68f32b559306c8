// bs4 4.11's tree builder over lxml's target events, reduced to the strings get_text() returns
// (bs4/__init__.py: endData, pushTag, popTag, _popToTag; builder/_lxml.py: string_containers).
#include "html_soup.h"

#include <algorithm>

namespace rpdata::sources::stackexchange {
namespace {

bool is_string_container(std::string_view n) {
  return n == "script" || n == "style" || n == "template" || n == "rt" || n == "rp";
}
bool is_preserve_whitespace(std::string_view n) { return n == "pre" || n == "textarea"; }

}  // namespace

void SoupStrings::start(std::string_view name) {
  flush();
  stack_.emplace_back(name);
  if (is_string_container(name)) ++containers_;
  if (is_preserve_whitespace(name)) ++preserve_;
}

void SoupStrings::end(std::string_view name) {
  flush();
  auto it = std::find(stack_.rbegin(), stack_.rend(), name);
  if (it == stack_.rend()) return;
  size_t keep = static_cast<size_t>(stack_.rend() - it) - 1;
  while (stack_.size() > keep) {
    if (is_string_container(stack_.back())) --containers_;
    if (is_preserve_whitespace(stack_.back())) --preserve_;
    stack_.pop_back();
  }
}

std::string SoupStrings::finish() {
  flush();
  return std::move(out_);
}

void SoupStrings::flush() {
  if (seg_.empty()) return;
  if (containers_ == 0) {
    bool spaces = std::all_of(seg_.begin(), seg_.end(),
                              [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; });
    if (spaces && preserve_ == 0) {
      out_.push_back(seg_.find('\n') != std::string::npos ? '\n' : ' ');
    } else {
      out_ += seg_;
    }
  }
  seg_.clear();
}

}  // namespace rpdata::sources::stackexchange
