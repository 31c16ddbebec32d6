#pragma once
// A small argv reader: "--name value", "--name=value", flags, positionals. Unknown options are
// usage errors, never ignored.
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.hpp"

namespace badgateway {

class Options {
 public:
  explicit Options(std::vector<std::string> args) : args_(std::move(args)) {}

  // Returns false when no arguments remain.
  bool next();
  bool is(std::string_view name) const { return current_ == name; }
  bool positional() const { return !current_.starts_with("--") || current_ == "-"; }
  const std::string& current() const { return current_; }
  std::string value();  // the option's argument; throws UsageError when missing
  int integer(int min, int max);
  [[noreturn]] void unknown() const;

 private:
  std::vector<std::string> args_;
  std::size_t pos_ = 0;
  std::string current_;
  std::optional<std::string> inline_value_;
};

}  // namespace badgateway
