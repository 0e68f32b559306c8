#include "rpdata/core/params.h"

#include <cstdio>

#include "rpdata/core/error.h"

namespace rpdata {
namespace {
const char* type_name(const ParamValue& v) {
  switch (v.index()) {
    case 0: return "bool";
    case 1: return "integer";
    case 2: return "float";
    case 3: return "string";
    default: return "list of strings";
  }
}
}  // namespace

const ParamValue* Params::lookup(const std::string& key) const {
  used_.insert(key);
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

#define RPDATA_WRONG_TYPE(want)                                                          \
  throw ConfigError("key '" + key + "' in [" + section_ + "] must be " want ", got " + \
                    type_name(*v))

std::string Params::get_string(const std::string& key, const std::string& fallback) const {
  const ParamValue* v = lookup(key);
  if (!v) return fallback;
  if (auto* s = std::get_if<std::string>(v)) return *s;
  RPDATA_WRONG_TYPE("a string");
}

std::string Params::require_string(const std::string& key) const {
  if (!has(key)) throw ConfigError("missing required key '" + key + "' in [" + section_ + "]");
  return get_string(key, "");
}

int64_t Params::get_int(const std::string& key, int64_t fallback) const {
  const ParamValue* v = lookup(key);
  if (!v) return fallback;
  if (auto* i = std::get_if<int64_t>(v)) return *i;
  RPDATA_WRONG_TYPE("an integer");
}

double Params::get_double(const std::string& key, double fallback) const {
  const ParamValue* v = lookup(key);
  if (!v) return fallback;
  if (auto* d = std::get_if<double>(v)) return *d;
  if (auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  RPDATA_WRONG_TYPE("a number");
}

bool Params::get_bool(const std::string& key, bool fallback) const {
  const ParamValue* v = lookup(key);
  if (!v) return fallback;
  if (auto* b = std::get_if<bool>(v)) return *b;
  RPDATA_WRONG_TYPE("true or false");
}

std::vector<std::string> Params::get_strings(const std::string& key,
                                             const std::vector<std::string>& fallback) const {
  const ParamValue* v = lookup(key);
  if (!v) return fallback;
  if (auto* l = std::get_if<std::vector<std::string>>(v)) return *l;
  if (auto* s = std::get_if<std::string>(v)) return {*s};
  RPDATA_WRONG_TYPE("a list of strings");
}

#undef RPDATA_WRONG_TYPE

std::string Params::canonical() const {
  std::string out = "[" + section_ + "]";
  for (const auto& [key, value] : values_) {
    out += key + "=";
    switch (value.index()) {
      case 0: out += std::get<bool>(value) ? "b:true" : "b:false"; break;
      case 1: out += "i:" + std::to_string(std::get<int64_t>(value)); break;
      case 2: {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "d:%.17g", std::get<double>(value));
        out += buf;
        break;
      }
      case 3: out += "s:" + std::to_string(std::get<std::string>(value).size()) + ":" + std::get<std::string>(value); break;
      default:
        out += "l:";
        for (const auto& item : std::get<std::vector<std::string>>(value))
          out += std::to_string(item.size()) + ":" + item + ",";
    }
    out += ";";
  }
  return out;
}

void Params::reject_unused() const {
  for (const auto& [key, value] : values_) {
    if (!used_.count(key))
      throw ConfigError("unknown key '" + key + "' in [" + section_ + "]");
  }
}

}  // namespace rpdata
