// The rpdata command line as a function: the `rpdata` binary is main() calling it, and a
// program that adds sources of its own (a test's toy source, a fork) passes their
// registration, which runs after the built-in sources' and before any command is set up.
#pragma once

#include <functional>

#include "rpdata/sources/registry.h"

namespace rpdata::cli {

// Parses `argv` and runs the subcommand; returns the exit code (0 ok, 1 a task failed, 2
// usage or configuration error).
int run(int argc, char** argv, const std::function<void(Registries&)>& extra_sources = {});

}  // namespace rpdata::cli
