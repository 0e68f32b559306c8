// The wikitext tokenizer's nesting bound: pathological pages either clean as mwparserfromhell
// 0.6.4's C tokenizer cleans them (expectations made with tests/unit/sources/wikipedia/
// wikipedia_ref.py and Debian's python3-mwparserfromhell) or become parser errors, with a
// C++ stack use that fits a small worker-thread stack.
#include <pthread.h>

#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

#include "rpdata/sources/wikipedia/wikitext.h"

namespace rpdata::sources::wikipedia {
namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// clean_wikitext, or "<parser error>" when it throws.
std::string clean_or_error(const std::string& raw) {
  try {
    return clean_wikitext(raw, language_prefixes("en"));
  } catch (const std::runtime_error&) {
    return "<parser error>";
  }
}

// AddressSanitizer puts redzones around every local: the tokenizer's frames are ~8x larger
// under it (measured: the pages below need 64 KiB of stack in the Release build and ~512 KiB
// under ASan+UBSan, GCC 12), so the same check gets a stack scaled by that factor there.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kStackScale = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kStackScale = 4;
#else
constexpr size_t kStackScale = 1;
#endif
#else
constexpr size_t kStackScale = 1;
#endif

// Runs `fn` on a pthread whose whole stack is `stack_bytes`; rethrows what it threw.
void run_with_stack(size_t stack_bytes, const std::function<void()>& fn) {
  struct Job {
    const std::function<void()>* fn;
    std::exception_ptr error;
  } job{&fn, nullptr};
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t thread;
  auto body = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    try {
      (*j->fn)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, &job), 0);
  pthread_attr_destroy(&attr);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  if (job.error) std::rethrow_exception(job.error);
}

// A heading line with thousands of '=' runs: the C tokenizer nests one _parse per run and
// ends with a heading; rpdata closes the runs in one loop and makes the same text.
TEST(WikitextTokenizer, HeadingWithThousandsOfEqualsRunsIsOneHeadingNotDeepRecursion) {
  std::string raw = "== a" + repeat(" = b", 3000) + " ==\ntext";
  EXPECT_EQ(clean_or_error(raw), "\n\na" + repeat(" = b", 3000) + " \ntext");
  EXPECT_EQ(clean_or_error("== a = b = b = b ==\ntext"), "\n\na = b = b = b \ntext");
  // Closing runs inside titles with templates and links, unbalanced levels, text after.
  EXPECT_EQ(clean_or_error("x\n== a = {{t|1}} = [[b|c]] == d ==\n=== e === f\n==g==h==\nend"),
            "x\n\na =  = c == d\n\ne  f\n\ng==h\nend");
}

// Beyond MAX_DEPTH (40) mwparserfromhell leaves the markup as text; the expectations are its
// output for these pages.
TEST(WikitextTokenizer, NestingBeyondMaxDepthIsTextAsInMwparserfromhell) {
  std::string deep = repeat("{{a|[[b|''c<div>", 2000);
  EXPECT_EQ(clean_or_error(deep), repeat("{{a|[[b|c<div>", 2000));
  for (std::string_view unit : {"{{a|", "[[a|", "<div>", "{|\n|", "<ref>"}) {
    std::string raw = repeat(unit, 3000);
    EXPECT_EQ(clean_or_error(raw), raw) << unit;
  }
}

// The bound on nested parse() calls is a count, not a stack size: every pathological page
// cleans the same on a 256 KiB worker stack as on the main thread (4x that under ASan, see
// kStackScale; these pages need 64 KiB in Release). mwparserfromhell 0.6.4 (C tokenizer)
// cleans each of these pages to the same text as rpdata (checked with wikipedia_ref.py when
// this test was written). A few hundred repetitions already nest as deep as the tokenizer
// ever goes (MAX_DEPTH); more only add the routes' quadratic retry time.
TEST(WikitextTokenizer, PathologicalNestingFitsA256KiBWorkerStack) {
  std::vector<std::string> pages = {
      "== a" + repeat(" = b", 3000) + " ==\ntext",
      repeat("{{a|[[b|''c<div>", 2000),
      repeat("{{a|", 500),
      repeat("[[a|", 500),
      repeat("<div>", 500),
      repeat("''a'''b", 3000),
      repeat("{|\n|", 500),
      repeat("<ref>", 500),
      repeat("[http://a.org ", 500),
      repeat("<div a=\"{{b|", 300),
      repeat("{{{a|", 500),
      "== " + repeat("{{a|", 200) + repeat(" = b", 2000) + " ==",
      repeat("{{a|''b<span>[[c|{|\n|d", 500),
      repeat("<div>== x = y ==\n", 300),
      repeat("'''''a", 2000),
      repeat("{{a|b=", 500),
      std::string(5000, '=') + "\n",
  };
  std::vector<std::string> main_thread;
  for (const auto& p : pages) main_thread.push_back(clean_or_error(p));
  std::vector<std::string> worker(pages.size());
  run_with_stack(kStackScale * (256 << 10), [&] {
    for (size_t i = 0; i < pages.size(); ++i) worker[i] = clean_or_error(pages[i]);
  });
  for (size_t i = 0; i < pages.size(); ++i) {
    EXPECT_NE(main_thread[i], "<parser error>") << "page " << i;  // the call bound is never reached
    EXPECT_EQ(worker[i], main_thread[i]) << "page " << i;
  }
}

}  // namespace
}  // namespace rpdata::sources::wikipedia
