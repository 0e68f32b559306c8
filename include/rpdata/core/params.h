// Params: the key/value settings of one recipe section or step, independent of the file
// format they were read from, and the keys that section accepts.
//
// Every type that reads a section (reader, step, input planner, checksum kind, dedup kind,
// the run's own [download]/[read]/[output]/[plan] settings) declares its keys once, as a
// list of `Key`s: name, type, default, one line of documentation. That declaration drives
// everything else: the getters return a key's declared default, reading an undeclared key
// is a programming error (std::logic_error), `reject_unused()` names unknown keys together
// with the keys the section does accept, and `rpdata steps` / `rpdata recipe --explain`
// print the declarations.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace rpdata {

using ParamValue = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

enum class ParamType { kBool, kInt, kDouble, kString, kStrings };
const char* param_type_name(ParamType type);  // "bool", "integer", "float", "string", "list of strings"
// TOML spelling of a value: true, 3, 0.5, "text", ["a", "b"].
std::string param_value_text(const ParamValue& value);

// One key a section accepts. Without a default a key is either required (a missing one is a
// ConfigError) or optional: the reader checks `has()` first and `doc` says what its absence
// means.
struct Key {
  std::string name;
  ParamType type = ParamType::kString;
  std::optional<ParamValue> fallback;  // the default
  bool required = false;
  std::string doc;  // one line

  static Key flag(std::string name, bool fallback, std::string doc);
  static Key integer(std::string name, int64_t fallback, std::string doc);
  static Key number(std::string name, double fallback, std::string doc);
  static Key text(std::string name, std::string fallback, std::string doc);
  static Key list(std::string name, std::vector<std::string> fallback, std::string doc);
  static Key require(std::string name, ParamType type, std::string doc);
  static Key optional(std::string name, ParamType type, std::string doc);
  // "integer, default 16" / "string, required" / "bool, optional".
  std::string summary() const;
};
using Keys = std::vector<Key>;

// A key as declared in one section, with the type that declared it ("step ccnet_lid").
struct DeclaredKey {
  std::string owner;
  Key key;
};

// Reads and declarations may come from several threads at once (steps are built per unit by
// the workers); a copy takes the bookkeeping as it is.
class Params {
 public:
  Params() = default;
  explicit Params(std::string section) : section_(std::move(section)) {}
  Params(const Params& other);
  Params& operator=(const Params& other);

  void set(const std::string& key, ParamValue value) { values_[key] = std::move(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::string& section() const { return section_; }
  // The value given in the recipe, or nullptr (does not count as a read).
  const ParamValue* given(const std::string& key) const;

  // Declares the keys `owner` reads from this section. A second declaration by the same
  // owner is ignored; two owners may declare one key only with the same type and default.
  void declare(const std::string& owner, const Keys& keys) const;
  std::vector<DeclaredKey> declared() const;

  // Typed reads of declared keys: the recipe's value, else the declared default. A missing
  // required key is a ConfigError, a wrong type a ConfigError naming the expected one.
  std::string get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::vector<std::string> get_strings(const std::string& key) const;  // a string is a list of one

  // "key=value;" for every key in key order, values typed: a stable digest input.
  std::string canonical() const;

  // Throws ConfigError for a key the recipe gives that no declared owner accepts (naming the
  // keys the section does accept), or that was declared but not read with these settings.
  void reject_unused() const;
  // Throws ConfigError for a given key no declared owner accepts (whether read or not).
  void reject_unknown() const;

 private:
  ParamValue read(const std::string& key) const;
  std::string section_;
  std::map<std::string, ParamValue> values_;  // set while parsing, then only read
  mutable std::mutex mu_;                     // guards used_ and declared_
  mutable std::set<std::string> used_;
  mutable std::vector<DeclaredKey> declared_;
};

}  // namespace rpdata
