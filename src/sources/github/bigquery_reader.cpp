#include "rpdata/sources/github/bigquery_reader.h"

#include "rpdata/io/line_batch.h"

#include <simdjson.h>

#include <exception>
#include <utility>

#include "rpdata/core/error.h"
#include "rpdata/io/json_value.h"
#include "rpdata/io/line_reader.h"

namespace rpdata::sources::github {

struct BigQueryReader::Impl {
  BigQueryReaderOptions opt;
  std::filesystem::path path;
  io::LineReader lines;
  simdjson::dom::parser parser;
  std::exception_ptr pending;
  Impl(const std::filesystem::path& p, BigQueryReaderOptions o)
      : opt(std::move(o)), path(p), lines(io::InputStream::open(p), opt.max_line_bytes) {}

  const char* parse(const io::Line& line, Document& doc) {
    using namespace simdjson;
    dom::element root;
    auto err = parser.parse(line.text.data(), line.text.size(), false).get(root);
    if (err == UTF8_ERROR) return "invalid_utf8";
    if (err) return "invalid_json";
    dom::object obj;
    if (root.get_object().get(obj)) return "invalid_json";
    bool have_text = false, null_text = false;
    for (dom::key_value_pair field : obj) {
      std::string_view key = field.key;
      dom::element value = field.value;
      if (key == "content") {
        std::string_view s;
        if (value.is_null()) {
          null_text = true;
          continue;
        }
        if (value.get_string().get(s)) return "invalid_json";
        doc.text.assign(s);
        have_text = true;
        continue;
      }
      switch (value.type()) {
        case dom::element_type::STRING: doc.meta.set(key, std::string(value.get_string().value_unsafe())); break;
        case dom::element_type::INT64: doc.meta.set(key, value.get_int64().value_unsafe()); break;
        case dom::element_type::DOUBLE: doc.meta.set(key, value.get_double().value_unsafe()); break;
        case dom::element_type::BOOL: doc.meta.set(key, value.get_bool().value_unsafe()); break;
        default: {  // arrays, objects, null, integers beyond int64
          doc.meta.set(key, io::to_meta_json(value));
        }
      }
    }
    if (null_text) return "null_content";
    return have_text ? nullptr : "missing_content";
  }

  void check_expansion() const {
    const auto& s = lines.stream();
    uint64_t raw = s.offset(), packed = s.compressed_offset();
    if (opt.max_expansion_ratio <= 0 || raw < opt.expansion_check_bytes || packed == 0) return;
    double ratio = static_cast<double>(raw) / static_cast<double>(packed);
    if (ratio > opt.max_expansion_ratio)
      throw InputError("decoded/compressed ratio " + std::to_string(static_cast<int64_t>(ratio)) +
                           " exceeds max_expansion_ratio (gzip bomb?)",
                       path.string(), packed);
  }
};

BigQueryReader::BigQueryReader(const std::filesystem::path& path, BigQueryReaderOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}
BigQueryReader::~BigQueryReader() = default;

uint64_t BigQueryReader::bytes_read() const { return impl_->lines.stream().compressed_offset(); }
uint64_t BigQueryReader::raw_bytes_read() const { return impl_->lines.stream().offset(); }

bool BigQueryReader::next(Batch& batch) {
  Impl& m = *impl_;
  return io::next_line_batch(
      m.lines, m.pending, batch, m.opt.batch_docs, m.opt.id_prefix, m.opt.source,
      [&m](const io::Line& line, Document& doc) { return m.parse(line, doc); }, [&m] { m.check_expansion(); });
}

}  // namespace rpdata::sources::github
