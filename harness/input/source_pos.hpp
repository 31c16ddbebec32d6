#pragma once
// A place in a file the user wrote, for messages that point there (file:line:column).
#include <string>

namespace badgateway {

struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

}  // namespace badgateway
