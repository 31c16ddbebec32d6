#include "harness/input/source_pos.hpp"

#include <fmt/format.h>

namespace badgateway {

std::string SourcePos::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

}  // namespace badgateway
