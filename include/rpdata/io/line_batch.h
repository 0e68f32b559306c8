// One Batch of line-per-document records (JSONL, a BigQuery export) from a LineReader: the
// shared loop of the JSONL-style readers. Lines that are too long or empty are counted drops
// ("read:line_too_long", "read:empty_line"); `parse(line, doc)` returns a drop reason (the
// document is discarded and "read:<reason>" counted) or nullptr. A document without an id
// gets "<id_prefix>/<0-based line>". A read error after some documents were decoded is held
// in `pending` and thrown on the next call, so what came before the damage is handed out first.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "rpdata/core/document.h"
#include "rpdata/io/line_reader.h"

namespace rpdata::io {

// `after_line()` runs after each line is read (e.g. an expansion check) and may throw.
template <class Parse, class AfterLine>
bool next_line_batch(LineReader& lines, std::exception_ptr& pending, Batch& batch, size_t batch_docs,
                     const std::string& id_prefix, const std::string& source, Parse&& parse, AfterLine&& after_line) {
  batch.docs.clear();
  batch.drops.clear();
  if (pending) std::rethrow_exception(std::exchange(pending, nullptr));
  Line line;
  while (batch.docs.size() < batch_docs) {
    try {
      if (!lines.next(line)) break;
      after_line();
    } catch (const std::exception&) {
      if (batch.docs.empty() && batch.drops.empty()) throw;
      pending = std::current_exception();
      return true;
    }
    if (line.too_long) {
      ++batch.drops["read:line_too_long"];
      continue;
    }
    if (line.text.empty()) {
      ++batch.drops["read:empty_line"];
      continue;
    }
    Document& doc = batch.docs.emplace_back();
    if (const char* reason = parse(line, doc)) {
      batch.docs.pop_back();
      ++batch.drops[std::string("read:") + reason];
      continue;
    }
    if (doc.id.empty()) doc.id = id_prefix + "/" + std::to_string(line.number - 1);
    doc.source = source;
  }
  return !batch.docs.empty() || !batch.drops.empty();
}

}  // namespace rpdata::io
