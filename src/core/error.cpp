#include "rpdata/core/error.h"

namespace rpdata {
namespace {
std::string compose(const std::string& message, const std::string& path,
                    std::optional<uint64_t> offset) {
  std::string out;
  if (!path.empty()) {
    out.append(path);
    if (offset) {
      out.append(" at byte ");
      out.append(std::to_string(*offset));
    }
    out.append(": ");
  }
  out.append(message);
  return out;
}
}  // namespace

Error::Error(std::string message, std::string path, std::optional<uint64_t> offset,
             std::source_location where)
    : std::runtime_error(compose(message, path, offset)),
      message_(std::move(message)),
      path_(std::move(path)),
      offset_(offset),
      where_(where) {}

std::string Error::where() const {
  std::string file = where_.file_name();
  auto pos = file.rfind("/src/");
  if (pos != std::string::npos) file = file.substr(pos + 1);
  return file + ":" + std::to_string(where_.line());
}

}  // namespace rpdata
