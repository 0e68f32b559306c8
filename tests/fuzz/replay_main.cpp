// Replays inputs through one fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so the
// normal (g++) build runs every committed regression input of tests/fuzz/regressions/<target>/.
// Usage: fuzz_replay_<target> PATH...; a directory is replayed file by file (recursively, in
// name order), a missing one counts as empty. The empty input always runs first, so a target
// that cannot set itself up (e.g. a missing model) fails even with nothing to replay. Exit 0 when every input returned; a crash, an
// abort or an exception escaping the target fails the test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) inputs.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      inputs.push_back(p);
    } else {
      std::printf("replay: %s: not present, nothing to replay\n", p.c_str());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  LLVMFuzzerTestOneInput(nullptr, 0);
  for (const fs::path& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::printf("replay: %s (%zu bytes)\n", p.c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("replay: %zu input(s) ok\n", inputs.size());
  return 0;
}
