#include "rpdata/io/jsonl_reader.h"

#include "rpdata/io/json_value.h"
#include "rpdata/io/line_batch.h"

#include <simdjson.h>

#include <exception>
#include <utility>

namespace rpdata::io {

struct JsonlReader::Impl {
  JsonlReaderOptions opt;
  LineReader lines;
  simdjson::dom::parser parser;
  std::exception_ptr pending;  // a read error held back until the batch before it is consumed
  Impl(const std::filesystem::path& path, JsonlReaderOptions o)
      : opt(std::move(o)), lines(InputStream::open(path), opt.max_line_bytes) {}

  // Parses one line into `doc`; returns the drop reason or nullptr. Uses the DOM API, whose
  // kernels are chosen at run time (On Demand would be fixed at compile time, and we build
  // without -march for mixed clusters).
  const char* parse(const Line& line, Document& doc) {
    using namespace simdjson;
    dom::element root;
    auto err = parser.parse(line.text.data(), line.text.size(), false).get(root);
    if (err == UTF8_ERROR) return "invalid_utf8";
    if (err) return "invalid_json";
    dom::object obj;
    if (root.get_object().get(obj)) return "invalid_json";
    bool have_text = false;
    for (dom::key_value_pair field : obj) {
      std::string_view key = field.key;
      dom::element value = field.value;
      if (key == opt.text_field) {
        std::string_view s;
        if (value.get_string().get(s)) return "invalid_json";
        doc.text.assign(s);
        have_text = true;
        continue;
      }
      if (opt.envelope && (key == "_id" || key == "_route")) {
        std::string_view s;
        if (value.get_string().get(s)) return "invalid_json";
        (key == "_id" ? doc.id : doc.route).assign(s);
        continue;
      }
      dom::object meta_obj;
      if (key == "meta" && !value.get_object().get(meta_obj)) {
        for (dom::key_value_pair m : meta_obj) add_meta(doc, m.key, m.value, opt.envelope);
        continue;
      }
      add_meta(doc, key, value, opt.envelope);
    }
    return have_text ? nullptr : "missing_text";
  }

  static void add_meta(Document& doc, std::string_view key, simdjson::dom::element value, bool envelope) {
    using namespace simdjson;
    {
      switch (value.type()) {
        case dom::element_type::STRING:
          doc.meta.set(key, std::string(value.get_string().value_unsafe()));
          break;
        case dom::element_type::INT64:
          doc.meta.set(key, value.get_int64().value_unsafe());
          break;
        case dom::element_type::UINT64:
          doc.meta.set(key, static_cast<double>(value.get_uint64().value_unsafe()));
          break;
        case dom::element_type::DOUBLE:
          doc.meta.set(key, value.get_double().value_unsafe());
          break;
        case dom::element_type::BOOL:
          doc.meta.set(key, value.get_bool().value_unsafe());
          break;
        default:  // arrays, objects (GitHub's `language`): carried as JSON; null only in
                  // intermediate (envelope) records, whose round trip must be lossless
          if (!value.is_null() || envelope) doc.meta.set(key, to_meta_json(value));
          break;
      }
    }
  }
};

JsonlReader::JsonlReader(const std::filesystem::path& path, JsonlReaderOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}
JsonlReader::~JsonlReader() = default;

uint64_t JsonlReader::bytes_read() const { return impl_->lines.stream().compressed_offset(); }
uint64_t JsonlReader::raw_bytes_read() const { return impl_->lines.stream().offset(); }

bool JsonlReader::next(Batch& batch) {
  Impl& m = *impl_;
  return next_line_batch(
      m.lines, m.pending, batch, m.opt.batch_docs, m.opt.id_prefix, m.opt.source,
      [&m](const Line& line, Document& doc) { return m.parse(line, doc); }, [] {});
}

}  // namespace rpdata::io
