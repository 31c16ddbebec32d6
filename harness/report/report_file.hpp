#pragma once
#include <string>

namespace badgateway {

// Replaces `path` with `text` atomically: written to "PATH.tmp" in the same directory, then
// renamed over `path`, so a reader (or a run killed at any moment, even by SIGKILL) sees the old
// or the new report, never half of one. Throws std::system_error naming the file.
void replace_file(const std::string& path, const std::string& text);

}  // namespace badgateway
