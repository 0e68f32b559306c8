// A task's command line repeats the run: every flag `rpdata slurm submit` accepts from
// add_run_flags reaches the task through task_args, and parses back to the same RunArgs.
// A new run flag that task_args forgets fails here instead of silently not reaching the tasks.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "cli/common.h"

namespace rpdata::cli {
namespace {
namespace fs = std::filesystem;

// A value for every run option (flags take none); an option without one fails the test.
const std::map<std::string, std::vector<std::string>> kValues = {
    {"--out", {"/tmp/out"}},       {"--recipe", {"sample/c4"}}, {"--mirror", {"/tmp/mirror"}},
    {"--limit", {"3"}},            {"--threads", {"2"}},        {"--tokenizers", {"neox,llama"}},
    {"--input", {"/"}},            {"--rank", {"1"}},           {"--world-size", {"4"}},
    {"--stage", {"main"}},         {"--set", {"download.until=2303"}},
    {"--dump-date", {"latest"}},  // a source's run flag (Registries::run_flags)
};

std::vector<std::string> parse_back(CLI::App& app, std::vector<std::string> args) {
  std::vector<std::string> rev(args.rbegin(), args.rend());
  app.parse(rev);
  return args;
}

TEST(TaskArgs, EveryRunFlagReachesTheTask) {
  for (bool with_task : {false, true}) {
    CLI::App app("run");
    RunArgs a;
    add_run_flags(app, a, true, true, true, with_task);
    std::vector<std::string> argv{"c4"};
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options()) {
      if (opt->get_positional() || opt->get_name() == "--help") continue;
      std::string name = opt->get_lnames().empty() ? opt->get_name() : "--" + opt->get_lnames().front();
      names.push_back(name);
      argv.push_back(name);
      if (opt->get_expected_max() == 0) continue;  // a flag
      auto v = kValues.find(name);
      ASSERT_NE(v, kValues.end()) << "give this test a value for the new run option " << name;
      argv.insert(argv.end(), v->second.begin(), v->second.end());
    }
    parse_back(app, argv);
    std::vector<std::string> task = task_args(a);
    std::string joined;
    for (const auto& t : task) joined += " " + t;
    for (const auto& n : names) {
      if (n == "--rank" || n == "--world-size" || n == "--stage") continue;  // the caller's, per task
      EXPECT_NE(joined.find(" " + n), std::string::npos) << n << " does not reach the task:" << joined;
    }
    // The task's arguments parse back into the same run.
    CLI::App again("run");
    RunArgs b;
    add_run_flags(again, b, true, true, true, false);
    parse_back(again, task);
    EXPECT_EQ(b.source, a.source);
    EXPECT_EQ(b.out, a.out);
    EXPECT_EQ(b.recipe, a.recipe);
    EXPECT_EQ(b.mirror, a.mirror);
    EXPECT_EQ(b.inputs, a.inputs);
    EXPECT_EQ(b.limit, a.limit);
    EXPECT_EQ(b.threads, a.threads);
    EXPECT_EQ(b.delete_raw, a.delete_raw);
    EXPECT_EQ(b.verify_sha256, a.verify_sha256);
    EXPECT_EQ(b.yes, a.yes);
    EXPECT_EQ(b.no_progress, a.no_progress);
    EXPECT_EQ(b.tokenizers, a.tokenizers);
    EXPECT_EQ(b.sets, a.sets);
    EXPECT_EQ(b.sets, std::vector<std::string>{"download.until=2303"});
    EXPECT_EQ(b.source_flags, a.source_flags);
    EXPECT_EQ(b.source_flags["dump-date"], "latest");
  }
}

TEST(TaskArgs, PathsBecomeAbsolute) {
  RunArgs a;
  a.source = "c4";
  a.out = "rel/out";
  a.mirror = "rel/mirror";
  a.recipe = "my.toml";
  a.inputs = {"x.gz"};
  std::vector<std::string> t = task_args(a);
  for (const auto& s : t) {
    if (s.find("rel/") != std::string::npos || s.ends_with(".toml") || s.ends_with(".gz")) {
      EXPECT_TRUE(fs::path(s).is_absolute()) << s;
    }
  }
  RunArgs b = a;
  b.mirror = "https://h/x";
  b.recipe = "sample/c4";
  t = task_args(b);
  EXPECT_NE(std::find(t.begin(), t.end(), "https://h/x"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "sample/c4"), t.end());  // a built-in recipe stays a name
}

}  // namespace
}  // namespace rpdata::cli
