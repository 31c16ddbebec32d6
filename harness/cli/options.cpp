#include "harness/cli/options.hpp"

#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace badgateway {

bool Options::next() {
  if (pos_ >= args_.size()) return false;
  current_ = args_[pos_++];
  inline_value_.reset();
  if (current_.starts_with("--")) {
    if (auto eq = current_.find('='); eq != std::string::npos) {
      inline_value_ = current_.substr(eq + 1);
      current_ = current_.substr(0, eq);
    }
  }
  return true;
}

std::string Options::value() {
  if (inline_value_) return *std::exchange(inline_value_, std::nullopt);
  if (pos_ >= args_.size()) throw UsageError(fmt::format("{} needs a value", current_));
  return args_[pos_++];
}

int Options::integer(int min, int max) {
  std::string name = current_;
  std::string v = value();
  int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || ptr != v.data() + v.size() || n < min || n > max) {
    throw UsageError(
        fmt::format("{}: expected an integer in [{}, {}], got \"{}\"", name, min, max, v));
  }
  return n;
}

void Options::unknown() const {
  throw UsageError(fmt::format("unknown option \"{}\" (try --help)", current_));
}

}  // namespace badgateway
