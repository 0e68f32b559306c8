#include "rpdata/io/json_value.h"

#include "rpdata/io/json_writer.h"

namespace rpdata::io {

void append_python_json(std::string& out, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      simdjson::dom::array arr;
      if (v.get_array().get(arr)) break;
      for (simdjson::dom::element e : arr) {
        if (!first) out += ", ";
        first = false;
        append_python_json(out, e);
      }
      out += ']';
      break;
    }
    case element_type::OBJECT: {
      out += '{';
      bool first = true;
      simdjson::dom::object obj;
      if (v.get_object().get(obj)) break;
      for (simdjson::dom::key_value_pair kv : obj) {
        if (!first) out += ", ";
        first = false;
        append_json_string(out, kv.key, JsonStyle::kPython);
        out += ": ";
        append_python_json(out, kv.value);
      }
      out += '}';
      break;
    }
    case element_type::STRING:
      append_json_string(out, v.get_string().value_unsafe(), JsonStyle::kPython);
      break;
    case element_type::INT64: out += std::to_string(v.get_int64().value_unsafe()); break;
    case element_type::UINT64: out += std::to_string(v.get_uint64().value_unsafe()); break;
    case element_type::DOUBLE: append_python_float(out, v.get_double().value_unsafe()); break;
    case element_type::BOOL: out += v.get_bool().value_unsafe() ? "true" : "false"; break;
    default: out += "null"; break;
  }
}


MetaJson to_meta_json(simdjson::dom::element value) {
  MetaJson j;
  append_python_json(j.json, value);
  return j;
}

}  // namespace rpdata::io
