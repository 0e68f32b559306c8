// A parsed JSON value (simdjson DOM) re-encoded as Python's json.dumps writes it
// (ensure_ascii, ", " / ": ", float repr): how nested meta values (arrays, objects, null) are
// carried through unchanged, e.g. the BigQuery `language` column of GitHub records and their
// round trip through the intermediate shards of cross-unit stages.
#pragma once

#include <simdjson.h>

#include <string>

#include "rpdata/core/document.h"

namespace rpdata::io {

void append_python_json(std::string& out, simdjson::dom::element value);
// MetaJson holding append_python_json of `value`.
MetaJson to_meta_json(simdjson::dom::element value);

}  // namespace rpdata::io
