#include <gtest/gtest.h>

#include "rpdata/core/error.h"
#include "rpdata/exec/runner.h"
#include "rpdata/quality/model_files.h"
#include "rpdata/sources/registry.h"

#include <set>
#include <stdexcept>

namespace rpdata {
namespace {

const quality::RunModels kModels(quality::MissingModels::kError);

TEST(StepRegistry, ListsC4Format) {
  const auto& reg = exec::step_registry();
  ASSERT_NE(reg.find("c4_format"), nullptr);
  EXPECT_FALSE(reg.find("c4_format")->description.empty());
}

TEST(StepRegistry, UnknownTypeListsKnownOnes) {
  try {
    exec::step_registry().make("c4_fromat", Params("steps.c4_fromat"), kModels);
    FAIL();
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'c4_fromat'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("c4_format"), std::string::npos) << msg;
  }
}

TEST(StepRegistry, UnknownStepKeyNamesStepAndKey) {
  Params p("steps.c4_format");
  p.set("langauge", std::string("en"));
  try {
    exec::step_registry().make("c4_format", p, kModels);
    FAIL();
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'langauge'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("steps.c4_format"), std::string::npos) << msg;
    EXPECT_NE(msg.find("known: language, source"), std::string::npos) << msg;  // from its declared keys
  }
}

// Every registered type declares its keys once: distinct names, a line of documentation
// each, no key list in the description (the declaration is printed instead). Built with no
// keys at all, a type reads only keys it declares: a ConfigError (a required key, a missing
// model) is fine, a read of an undeclared key (std::logic_error) is not.
template <class Types, class Build>
void check_declarations(const char* what, const Types& types, Build build) {
  for (const auto& t : types) {
    std::set<std::string> names;
    for (const auto& k : t.keys) {
      EXPECT_TRUE(names.insert(k.name).second) << what << " " << t.name << " declares " << k.name << " twice";
      EXPECT_FALSE(k.doc.empty()) << what << " " << t.name << " key " << k.name << " has no doc";
    }
    EXPECT_EQ(t.description.find("keys:"), std::string::npos) << what << " " << t.name << ": " << t.description;
    try {
      build(t);
    } catch (const ConfigError&) {
    } catch (const std::logic_error& e) {
      ADD_FAILURE() << what << " " << t.name << ": " << e.what();
    } catch (const Error&) {
    }
  }
}

TEST(Registries, EveryTypeDeclaresItsKeysAndReadsNoOther) {
  const Registries& r = exec::registries();
  check_declarations("step", r.steps.types(), [&](const StepType& t) { r.steps.make(t.name, Params("steps"), kModels); });
  check_declarations("format", r.readers.types(), [&](const ReaderType& t) { r.readers.configure(t.name, Params("read"), kModels); });
  check_declarations("shape", r.planners.types(), [&](const download::PlannerType& t) {
    Params d("download");
    for (const auto& k : t.triggers) d.set(k, std::string("x"));
    r.planners.configure(d, "t");
  });
  check_declarations("checksums", r.checksums.types(), [&](const download::ChecksumType& t) {
    Params d("download");
    d.set("checksums", t.name);
    r.checksums.configure(d, "t");
  });
  check_declarations("select_by", r.selectors.types(), [&](const download::SelectorType& t) {
    Params d("download");
    d.set("select_by", t.name);
    r.selectors.configure(d, "t");
  });
  check_declarations("dedup kind", r.dedup_kinds.types(), [&](const dedup::DedupKindType& t) {
    Params d("dedup");
    d.set("kind", t.name);
    d.set("key", std::string("k"));
    r.dedup_kinds.configure(d, "t");
  });
}

TEST(StepRegistry, DuplicateRegistrationRejected) {
  StepRegistry r;
  r.add({"x", "", {}, [](const Params&, const ModelLookup&) -> std::unique_ptr<Step> { return nullptr; }});
  EXPECT_THROW(r.add({"x", "", {}, nullptr}), ConfigError);
}

}  // namespace
}  // namespace rpdata
