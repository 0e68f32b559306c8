#include "rpdata/core/params.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "rpdata/core/error.h"

namespace rpdata {

const char* param_type_name(ParamType type) {
  switch (type) {
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "integer";
    case ParamType::kDouble: return "float";
    case ParamType::kString: return "string";
    case ParamType::kStrings: return "list of strings";
  }
  return "?";
}

std::string param_value_text(const ParamValue& value) {
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  switch (value.index()) {
    case 0: return std::get<bool>(value) ? "true" : "false";
    case 1: return std::to_string(std::get<int64_t>(value));
    case 2: {
      char buf[40];
      double d = std::get<double>(value);
      for (int digits = 15; digits <= 17; ++digits) {  // the shortest that reads back the same
        std::snprintf(buf, sizeof(buf), "%.*g", digits, d);
        if (std::strtod(buf, nullptr) == d) break;
      }
      std::string out = buf;
      if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
      return out;
    }
    case 3: return quoted(std::get<std::string>(value));
    default: {
      std::string out = "[";
      for (const auto& item : std::get<std::vector<std::string>>(value))
        out += (out.size() > 1 ? ", " : "") + quoted(item);
      return out + "]";
    }
  }
}

namespace {
Key make_key(std::string name, ParamType type, std::optional<ParamValue> fallback, bool required, std::string doc) {
  Key k;
  k.name = std::move(name);
  k.type = type;
  k.fallback = std::move(fallback);
  k.required = required;
  k.doc = std::move(doc);
  return k;
}

bool same_value(const std::optional<ParamValue>& a, const std::optional<ParamValue>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}
}  // namespace

Key Key::flag(std::string name, bool fallback, std::string doc) {
  return make_key(std::move(name), ParamType::kBool, ParamValue{fallback}, false, std::move(doc));
}
Key Key::integer(std::string name, int64_t fallback, std::string doc) {
  return make_key(std::move(name), ParamType::kInt, ParamValue{fallback}, false, std::move(doc));
}
Key Key::number(std::string name, double fallback, std::string doc) {
  return make_key(std::move(name), ParamType::kDouble, ParamValue{fallback}, false, std::move(doc));
}
Key Key::text(std::string name, std::string fallback, std::string doc) {
  return make_key(std::move(name), ParamType::kString, ParamValue{std::move(fallback)}, false, std::move(doc));
}
Key Key::list(std::string name, std::vector<std::string> fallback, std::string doc) {
  return make_key(std::move(name), ParamType::kStrings, ParamValue{std::move(fallback)}, false, std::move(doc));
}
Key Key::require(std::string name, ParamType type, std::string doc) {
  return make_key(std::move(name), type, std::nullopt, true, std::move(doc));
}
Key Key::optional(std::string name, ParamType type, std::string doc) {
  return make_key(std::move(name), type, std::nullopt, false, std::move(doc));
}

std::string Key::summary() const {
  std::string out = param_type_name(type);
  if (fallback) out += ", default " + param_value_text(*fallback);
  else out += required ? ", required" : ", optional";
  return out;
}

const ParamValue* Params::given(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

Params::Params(const Params& other) {
  std::lock_guard lock(other.mu_);
  section_ = other.section_;
  values_ = other.values_;
  used_ = other.used_;
  declared_ = other.declared_;
}

Params& Params::operator=(const Params& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mu_, other.mu_);
  section_ = other.section_;
  values_ = other.values_;
  used_ = other.used_;
  declared_ = other.declared_;
  return *this;
}

std::vector<DeclaredKey> Params::declared() const {
  std::lock_guard lock(mu_);
  return declared_;
}

void Params::declare(const std::string& owner, const Keys& keys) const {
  std::lock_guard lock(mu_);
  for (const auto& d : declared_)
    if (d.owner == owner) return;
  for (const auto& k : keys) {
    for (const auto& d : declared_) {
      if (d.key.name != k.name) continue;
      if (d.key.type != k.type || !same_value(d.key.fallback, k.fallback) || d.key.required != k.required)
        throw std::logic_error("key '" + k.name + "' of [" + section_ + "] is declared differently by " + d.owner +
                               " and " + owner);
    }
    declared_.push_back({owner, k});
  }
}

ParamValue Params::read(const std::string& key) const {
  std::lock_guard lock(mu_);
  const Key* declared = nullptr;
  for (const auto& d : declared_)
    if (d.key.name == key) {
      declared = &d.key;
      break;
    }
  if (!declared) throw std::logic_error("[" + section_ + "] key '" + key + "' is read but no type declares it");
  used_.insert(key);
  auto it = values_.find(key);
  if (it != values_.end()) return it->second;
  if (declared->fallback) return *declared->fallback;
  if (declared->required) throw ConfigError("missing required key '" + key + "' in [" + section_ + "]");
  throw std::logic_error("[" + section_ + "] key '" + key + "' has no default: check has() before reading it");
}

namespace {
const char* value_type_name(const ParamValue& v) {
  switch (v.index()) {
    case 0: return "bool";
    case 1: return "integer";
    case 2: return "float";
    case 3: return "string";
    default: return "list of strings";
  }
}
}  // namespace

#define RPDATA_WRONG_TYPE(want)                                                          \
  throw ConfigError("key '" + key + "' in [" + section_ + "] must be " want ", got " + \
                    value_type_name(*v))

std::string Params::get_string(const std::string& key) const {
  const ParamValue value = read(key);
  const ParamValue* v = &value;
  if (auto* s = std::get_if<std::string>(v)) return *s;
  RPDATA_WRONG_TYPE("a string");
}

int64_t Params::get_int(const std::string& key) const {
  const ParamValue value = read(key);
  const ParamValue* v = &value;
  if (auto* i = std::get_if<int64_t>(v)) return *i;
  RPDATA_WRONG_TYPE("an integer");
}

double Params::get_double(const std::string& key) const {
  const ParamValue value = read(key);
  const ParamValue* v = &value;
  if (auto* d = std::get_if<double>(v)) return *d;
  if (auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  RPDATA_WRONG_TYPE("a number");
}

bool Params::get_bool(const std::string& key) const {
  const ParamValue value = read(key);
  const ParamValue* v = &value;
  if (auto* b = std::get_if<bool>(v)) return *b;
  RPDATA_WRONG_TYPE("true or false");
}

std::vector<std::string> Params::get_strings(const std::string& key) const {
  const ParamValue value = read(key);
  const ParamValue* v = &value;
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

namespace {
// Levenshtein distance, for the "did you mean" of a misspelt key.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

void Params::reject_unknown() const {
  std::lock_guard lock(mu_);
  for (const auto& [key, value] : values_) {
    bool declared = false;
    for (const auto& d : declared_) declared = declared || d.key.name == key;
    if (declared) continue;
    std::string known, closest;
    size_t best = 3;  // suggest only a key at most two edits away
    for (const auto& d : declared_) {
      known += (known.empty() ? "" : ", ") + d.key.name;
      size_t dist = edit_distance(key, d.key.name);
      if (dist < best) best = dist, closest = d.key.name;
    }
    std::string msg = "unknown key '" + key + "' in [" + section_ + "]";
    if (!closest.empty()) msg += "; did you mean '" + closest + "'?";
    msg += known.empty() ? std::string(" (it takes no keys)") : " (known: " + known + ")";
    throw ConfigError(msg);
  }
}

void Params::reject_unused() const {
  reject_unknown();
  std::lock_guard lock(mu_);
  for (const auto& [key, value] : values_)
    if (!used_.count(key))
      throw ConfigError("key '" + key + "' in [" + section_ + "] has no effect with these settings");
}

}  // namespace rpdata
