// Internal to exec: the `stackexchange_7z` reader format (its [read] keys and the lid.176
// model lookup), kept out of step_list.cpp so that list stays one line per type.
#pragma once

#include "rpdata/core/registry.h"

namespace rpdata::exec {

ReaderType stackexchange_reader_type();

}  // namespace rpdata::exec
