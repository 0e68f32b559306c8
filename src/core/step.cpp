#include "rpdata/core/step.h"

namespace rpdata {

void Filter::process(Batch& batch) {
  size_t out = 0;
  std::string reason;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    reason.clear();
    if (keep(batch.docs[i], reason)) {
      if (out != i) batch.docs[out] = std::move(batch.docs[i]);
      ++out;
    } else {
      ++batch.drops[std::string(name()) + ":" + (reason.empty() ? "dropped" : reason)];
    }
  }
  batch.docs.resize(out);
}

}  // namespace rpdata
