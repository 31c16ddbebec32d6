#pragma once
// How the loader reads a file part by part, stopping at the first error or collecting them.
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "harness/scenario/loader.hpp"

namespace badgateway {

// Runs the steps of reading a file. Without `errors` the first error is thrown; with it, a
// failed step records its error and the steps that depend on it are skipped (their errors would
// only echo it), so one pass reports the first error of every independent part.
class Steps {
 public:
  explicit Steps(std::vector<std::string>* errors) : errors_(errors) {}
  // Runs `read` unless one of `after` (earlier steps' results) failed. Returns whether it ran
  // and succeeded. Rethrows anything but ScenarioError.
  bool run(const std::function<void()>& read, std::initializer_list<bool> after = {}) {
    for (bool ok : after) {
      if (!ok) return false;
    }
    try {
      read();
      return true;
    } catch (const ScenarioError& e) {
      if (!errors_) throw;
      errors_->push_back(e.what());
      return false;
    }
  }

 private:
  std::vector<std::string>* errors_;
};

}  // namespace badgateway
