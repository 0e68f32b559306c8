// Pipeline interfaces (datatrove's Reader -> Steps -> Writer). A Reader yields Batches from
// one input; each Step maps, annotates or drops documents; a Writer consumes what is left.
// Filters say keep or drop(reason) and the base class counts the reasons (dolma: tag first,
// filter later, so scores live in meta and thresholds stay re-tunable).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rpdata/core/document.h"

namespace rpdata {

class Step {
 public:
  virtual ~Step() = default;
  // The registry type name, e.g. "c4_format".
  virtual std::string_view name() const = 0;
  // Maps, annotates or drops documents in place; dropped ones are counted in batch.drops.
  virtual void process(Batch& batch) = 0;
};

// A Step that decides per document. Subclasses implement `keep`; returning false with a
// reason drops the document and counts "<step name>:<reason>".
class Filter : public Step {
 public:
  void process(Batch& batch) final;

 protected:
  // Returns true to keep; on false, `reason` names why (short snake_case).
  virtual bool keep(Document& doc, std::string& reason) = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;
  // Fills `batch` (cleared first) with up to its capacity of documents; false at end.
  virtual bool next(Batch& batch) = 0;
  // Bytes of the raw input consumed so far (for progress and MB/s).
  virtual uint64_t bytes_read() const = 0;
  // Decompressed bytes consumed so far (equal to bytes_read for uncompressed inputs).
  virtual uint64_t raw_bytes_read() const { return bytes_read(); }
};

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void write(const Batch& batch) = 0;
  // Flushes and publishes everything written; after this the outputs are complete.
  virtual void close() = 0;
};

}  // namespace rpdata
