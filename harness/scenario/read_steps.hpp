#pragma once
// How the loader reads a file part by part, stopping at the first error or collecting them.
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/loader.hpp"

namespace badgateway {

// Runs the steps of reading a file. Without a report the first error is thrown; with one, a
// failed step records its error and the steps that depend on it are skipped (their errors would
// only echo it; their names go to report->unchecked), so one pass reports the first error of
// every independent part. An error at a position already reported (a misspelt key is unknown
// and also why a required one is missing) is not repeated.
class Steps {
 public:
  explicit Steps(LoadReport* report) : report_(report) {}
  // Runs `read` unless one of `after` (earlier steps' results) failed. Returns whether it ran
  // and succeeded. Rethrows anything but ScenarioError.
  bool run(std::string_view part, const std::function<void()>& read,
           std::initializer_list<bool> after = {}) {
    for (bool ok : after) {
      if (!ok) {
        if (report_ && !part.empty()) report_->unchecked.emplace_back(part);
        return false;
      }
    }
    try {
      read();
      return true;
    } catch (const ScenarioError& e) {
      if (!report_) throw;
      std::string message = e.what();
      if (!reported_at(message)) report_->errors.push_back(message);
      return false;
    }
  }

 private:
  // Whether an error at the same line and column is recorded already.
  bool reported_at(const std::string& message) const {
    const auto here = error_position(message);
    return std::any_of(report_->errors.begin(), report_->errors.end(),
                       [&](const std::string& e) { return error_position(e) == here; });
  }

  LoadReport* report_;
};

}  // namespace badgateway
