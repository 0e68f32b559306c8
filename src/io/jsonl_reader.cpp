#include "rpdata/io/jsonl_reader.h"

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
        for (dom::key_value_pair m : meta_obj) add_meta(doc, m.key, m.value);
        continue;
      }
      add_meta(doc, key, value);
    }
    return have_text ? nullptr : "missing_text";
  }

  static void add_meta(Document& doc, std::string_view key, simdjson::dom::element value) {
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
        default:  // null, nested arrays/objects: not part of any RedPajama input we read
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
  batch.docs.clear();
  batch.drops.clear();
  if (impl_->pending) std::rethrow_exception(std::exchange(impl_->pending, nullptr));
  Line line;
  while (batch.docs.size() < impl_->opt.batch_docs) {
    try {
      if (!impl_->lines.next(line)) break;
    } catch (const std::exception&) {
      // Hand out the documents decoded before the damage first; throw on the next call.
      if (batch.docs.empty() && batch.drops.empty()) throw;
      impl_->pending = std::current_exception();
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
    const char* reason = impl_->parse(line, doc);
    if (reason) {
      batch.docs.pop_back();
      ++batch.drops[std::string("read:") + reason];
      continue;
    }
    if (doc.id.empty()) doc.id = impl_->opt.id_prefix + "/" + std::to_string(line.number - 1);
    doc.source = impl_->opt.source;
  }
  return !batch.docs.empty() || !batch.drops.empty();
}

}  // namespace rpdata::io
