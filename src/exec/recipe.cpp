#include "rpdata/exec/recipe.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"

namespace rpdata::exec {

const std::vector<std::pair<std::string_view, std::string_view>>& builtin_recipes();

namespace {

Params to_params(const toml::table& table, const std::string& section, const std::string& origin) {
  Params params(section);
  for (const auto& [key, node] : table) {
    std::string k(key.str());
    if (auto v = node.value_exact<bool>()) params.set(k, *v);
    else if (auto i = node.value_exact<int64_t>()) params.set(k, *i);
    else if (auto d = node.value_exact<double>()) params.set(k, *d);
    else if (auto s = node.value_exact<std::string>()) params.set(k, *s);
    else if (const toml::array* arr = node.as_array()) {
      std::vector<std::string> list;
      for (const auto& item : *arr) {
        auto s = item.value_exact<std::string>();
        if (!s) throw ConfigError("key '" + k + "' in [" + section + "] must be a list of strings", origin);
        list.push_back(*s);
      }
      params.set(k, std::move(list));
    } else {
      throw ConfigError("key '" + k + "' in [" + section + "] has an unsupported type", origin);
    }
  }
  return params;
}

}  // namespace

Recipe parse_recipe(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw ConfigError(std::string(e.description()) + " (line " + std::to_string(src.begin.line) + ")",
                      origin);
  }
  Recipe r;
  r.name = origin;
  for (const auto& [key, node] : root) {
    std::string k(key.str());
    if (k == "source") {
      auto s = node.value_exact<std::string>();
      if (!s) throw ConfigError("'source' must be a string", origin);
      r.source = *s;
    } else if (k == "description") {
      r.description = node.value_or<std::string>("");
    } else if (k == "fallbacks") {
      const toml::array* arr = node.as_array();
      if (!arr) throw ConfigError("'fallbacks' must be a list of recipe names or paths", origin);
      for (const auto& item : *arr) {
        auto s = item.value_exact<std::string>();
        if (!s) throw ConfigError("'fallbacks' must be a list of recipe names or paths", origin);
        r.fallbacks.push_back(*s);
      }
    } else if (k == "snapshot") {
      auto s = node.value_exact<std::string>();
      if (!s) throw ConfigError("'snapshot' must be a string", origin);
      r.snapshot = *s;
    } else if (k == "missing_models") {
      auto s = node.value_exact<std::string>();
      if (!s || (*s != "error" && *s != "skip"))
        throw ConfigError("'missing_models' must be \"error\" or \"skip\"", origin);
      r.missing_models = *s;
    } else if (k == "download" || k == "read" || k == "output" || k == "plan") {
      const toml::table* t = node.as_table();
      if (!t) throw ConfigError("[" + k + "] must be a table", origin);
      Params p = to_params(*t, k, origin);
      (k == "download" ? r.download : k == "read" ? r.read : k == "output" ? r.output : r.plan) = std::move(p);
    } else if (k == "steps" || k == "post_steps") {
      const toml::array* arr = node.as_array();
      if (!arr) throw ConfigError("'" + k + "' must be an array of tables ([[" + k + "]])", origin);
      int i = 0;
      for (const auto& item : *arr) {
        const toml::table* t = item.as_table();
        if (!t) throw ConfigError("every [[" + k + "]] entry must be a table", origin);
        auto type = (*t)["type"].value_exact<std::string>();
        if (!type) throw ConfigError("[[" + k + "]] entry " + std::to_string(i) + " has no 'type'", origin);
        toml::table rest = *t;
        rest.erase("type");
        (k == "steps" ? r.steps : r.post_steps).push_back({*type, to_params(rest, k + "." + *type, origin)});
        ++i;
      }
    } else if (k == "inputs") {
      const toml::array* arr = node.as_array();
      if (!arr) throw ConfigError("'inputs' must be an array of tables ([[inputs]])", origin);
      for (const auto& item : *arr) {
        const toml::table* t = item.as_table();
        if (!t) throw ConfigError("every [[inputs]] entry must be a table", origin);
        InputGroup g;
        for (const auto& [gk, gn] : *t) {
          std::string key(gk.str());
          if (key == "name") {
            g.name = gn.value_or<std::string>("");
          } else if (key == "local") {
            auto b = gn.value_exact<bool>();
            if (!b) throw ConfigError("[[inputs]] local must be true or false", origin);
            g.local = *b;
          } else if (key == "download" || key == "read") {
            const toml::table* sub = gn.as_table();
            if (!sub) throw ConfigError("[inputs." + key + "] must be a table", origin);
            (key == "download" ? g.download : g.read) = to_params(*sub, "inputs." + key, origin);
          } else {
            throw ConfigError("unknown key '" + key + "' in [[inputs]] (expected name, local, [inputs.download], "
                              "[inputs.read])", origin);
          }
        }
        bool ok = !g.name.empty();
        for (char c : g.name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
        if (!ok) throw ConfigError("[[inputs]] needs name = \"[a-z0-9_]+\"", origin);
        for (const auto& other : r.inputs)
          if (other.name == g.name) throw ConfigError("two [[inputs]] groups are named '" + g.name + "'", origin);
        r.inputs.push_back(std::move(g));
      }
    } else if (k == "dedup") {
      const toml::table* t = node.as_table();
      if (!t) throw ConfigError("[dedup] must be a table", origin);
      r.dedup = to_params(*t, k, origin);
      r.has_dedup = true;
    } else {
      throw ConfigError("unknown top-level key '" + k +
                            "' (expected source, description, snapshot, fallbacks, missing_models, [download], [read], [[inputs]], [[steps]], [dedup], [[post_steps]], [output], [plan])",
                        origin);
    }
  }
  if (r.source.empty()) throw ConfigError("recipe has no 'source'", origin);
  if (!r.inputs.empty() && (root.contains("download") || root.contains("read")))
    throw ConfigError("a recipe with [[inputs]] groups gives [download] and [read] per group ([inputs.download], "
                      "[inputs.read])", origin);
  int local_groups = 0;
  for (const auto& g : r.inputs) local_groups += g.local ? 1 : 0;
  if (local_groups > 1) throw ConfigError("at most one [[inputs]] group can be local (it takes the --input paths)", origin);
  if (!r.post_steps.empty() && !r.has_dedup)
    throw ConfigError("[[post_steps]] run after [dedup]; without [dedup] put them in [[steps]]", origin);
  return r;
}

void apply_override(Recipe& recipe, const std::string& assignment) {
  const std::string usage = "--set " + assignment + ": expected SECTION.KEY=VALUE with SECTION one of download, read, "
                            "output, plan, dedup, or steps.TYPE.KEY=VALUE";
  size_t dot = assignment.find('.'), eq = assignment.find('=');
  if (dot == std::string::npos || eq == std::string::npos || dot > eq || dot == 0 || eq == dot + 1)
    throw ConfigError(usage);
  std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1),
              value = assignment.substr(eq + 1);
  auto parse_value = [&](const std::string& where) {
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      parsed = toml::table{{"v", value}};  // not a TOML value: the text itself
    }
    return *to_params(parsed, where, "--set " + assignment).given("v");
  };
  if (section == "steps") {  // steps.TYPE.KEY: that key of every [[steps]] / [[post_steps]] of TYPE
    size_t dot2 = key.find('.');
    if (dot2 == std::string::npos || dot2 == 0 || dot2 + 1 == key.size()) throw ConfigError(usage);
    std::string type = key.substr(0, dot2), step_key = key.substr(dot2 + 1);
    int found = 0;
    for (auto* list : {&recipe.steps, &recipe.post_steps})
      for (auto& s : *list)
        if (s.type == type) {
          s.params.set(step_key, parse_value("steps." + type));
          ++found;
        }
    if (!found) throw ConfigError("--set " + assignment + ": recipe " + recipe.name + " has no step of type " + type);
    recipe.overrides.push_back(assignment);
    return;
  }
  Params* p = section == "download" ? &recipe.download
              : section == "read"   ? &recipe.read
              : section == "output" ? &recipe.output
              : section == "plan"   ? &recipe.plan
              : section == "dedup"  ? &recipe.dedup
                                    : nullptr;
  if (!p) throw ConfigError(usage);
  if ((section == "download" || section == "read") && !recipe.inputs.empty())
    throw ConfigError("--set " + assignment + ": recipe " + recipe.name + " gives [" + section +
                      "] per [[inputs]] group");
  if (section == "dedup" && !recipe.has_dedup) throw ConfigError("--set " + assignment + ": recipe has no [dedup]");
  p->set(key, parse_value(section));
  recipe.overrides.push_back(assignment);
}

void apply_run_flags(Recipe& recipe, const std::map<std::string, std::string>& given, bool skip_other_sources) {
  for (const auto& f : registries().run_flags) {
    auto it = given.find(f.flag);
    if (it == given.end() || it->second.empty()) continue;
    if (std::find(f.sources.begin(), f.sources.end(), recipe.source) == f.sources.end()) {
      if (skip_other_sources) continue;
      std::string names;
      for (const auto& n : f.sources) names += (names.empty() ? "" : ", ") + n;
      throw ConfigError("--" + f.flag + " applies to recipes of " + names + ", not to " + recipe.source);
    }
    for (const auto& s : f.sets(it->second)) apply_override(recipe, s);
  }
}

int64_t recipe_input_count(const Recipe& r) {
  const ParamValue* v = r.download.given("count");
  const int64_t* n = v ? std::get_if<int64_t>(v) : nullptr;
  return n ? *n : 0;
}

Recipe group_recipe(const Recipe& r, const InputGroup& group) {
  Recipe g = r;
  g.inputs.clear();
  g.download = group.download;
  g.read = group.read;
  return g;
}

std::vector<std::string> builtin_recipe_names() {
  std::vector<std::string> out;
  for (const auto& [name, text] : builtin_recipes()) out.emplace_back(name);
  for (const auto& [name, text] : registries().recipes) out.push_back(name);
  return out;
}

std::string builtin_recipe_text(const std::string& name) {
  for (const auto& [n, text] : builtin_recipes())
    if (n == name) return std::string(text);
  for (const auto& [n, text] : registries().recipes)
    if (n == name) return text;
  return {};
}

Recipe load_recipe(const std::string& name_or_path) {
  std::string text = builtin_recipe_text(name_or_path);
  if (!text.empty()) {
    bool shipped = false;
    for (const auto& [n, t] : builtin_recipes()) shipped = shipped || n == name_or_path;
    Recipe r = parse_recipe(text, shipped ? "configs/" + name_or_path + ".toml" : "recipe " + name_or_path);
    r.name = name_or_path;
    return r;
  }
  std::ifstream in(name_or_path);
  if (!in) {
    std::string known;
    for (const auto& n : builtin_recipe_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("no built-in recipe or file named '" + name_or_path + "' (built-in: " + known + ")");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_recipe(ss.str(), name_or_path);
}

}  // namespace rpdata::exec
