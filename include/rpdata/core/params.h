// Params: the key/value settings of one recipe section or step, independent of the file
// format they were read from. Every read marks its key as used; `reject_unused()` turns any
// key nobody read into a ConfigError naming the section and the key (CONVENTIONS.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace rpdata {

using ParamValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

class Params {
 public:
  Params() = default;
  explicit Params(std::string section) : section_(std::move(section)) {}

  void set(const std::string& key, ParamValue value) { values_[key] = std::move(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::string& section() const { return section_; }

  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::string require_string(const std::string& key) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::vector<std::string> get_strings(const std::string& key,
                                       const std::vector<std::string>& fallback) const;

  // "key=value;" for every key in key order, values typed: a stable digest input.
  std::string canonical() const;

  // Throws ConfigError("unknown key 'x' in [section]") for any key never read.
  void reject_unused() const;

 private:
  const ParamValue* lookup(const std::string& key) const;
  std::string section_;
  std::map<std::string, ParamValue> values_;
  mutable std::set<std::string> used_;
};

}  // namespace rpdata
