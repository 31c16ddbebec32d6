#pragma once
// Reads a log file nginx appends to, from an offset: each run phase sees only its own lines.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/units.hpp"

namespace badgateway {

class LogFile {
 public:
  explicit LogFile(std::filesystem::path path) : path_(std::move(path)) {}
  void skip_to_end();
  // Everything appended since construction / skip_to_end().
  std::string text() const;
  std::vector<std::string> lines() const;
  std::optional<std::string> find_regex(const std::string& pattern) const;  // first matching line
  // Waits (bounded) until a line matches; nginx writes log lines just before it answers, but
  // the write can land a moment after the client saw the response.
  // `alive` returning false ends the wait early (the writer died).
  bool wait_for_regex(const std::string& pattern, Millis limit,
                      const std::function<bool()>& alive = {}) const;

 private:
  std::filesystem::path path_;
  std::uintmax_t offset_ = 0;
};

// The whole file, or "" when it cannot be read (a diagnostic that may not exist: a process's
// stderr, php-fpm's log).
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace badgateway
