// The one list of sources: one line each. A source's register_source is defined in
// src/sources/<name>/register.cpp.
#include "rpdata/sources/registry.h"

#define RPDATA_SOURCES(X) \
  X(arxiv)                \
  X(books)                \
  X(c4)                   \
  X(commoncrawl)          \
  X(github)               \
  X(stackexchange)        \
  X(wikipedia)

namespace rpdata::sources {

#define RPDATA_DECLARE(name) \
  namespace name {           \
  void register_source(Registries& r); \
  }
RPDATA_SOURCES(RPDATA_DECLARE)
#undef RPDATA_DECLARE

void register_all(Registries& r) {
#define RPDATA_CALL(name) name::register_source(r);
  RPDATA_SOURCES(RPDATA_CALL)
#undef RPDATA_CALL
}

}  // namespace rpdata::sources
