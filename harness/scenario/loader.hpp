#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/scenario/model.hpp"

namespace badgateway {

// One line: "file:line:column: field: what is wrong". Exit code 2 territory.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The line and column of a ScenarioError's "file:line:column: ..." message; (0, 0) when it has
// none (a file that could not be read).
std::pair<long, long> error_position(std::string_view message);

// What one pass over a file found, for `check`: the first error of every part that could be
// read on its own, in file order, and the parts not read because they depend on a broken one.
struct LoadReport {
  std::vector<std::string> errors;     // "file:line:column: field: what is wrong"
  std::vector<std::string> unchecked;  // "[nginx]", "[expect]", ...
};

// Reads and checks one scenario file (at most kMaxInputFileBytes) or text named `file_label` in
// messages. Without `report`, throws ScenarioError at the first error. With it, throws nothing
// for the file's content and fills `report`; the Scenario returned is complete only when
// report->errors stays empty.
// `vary_names`: `sweep`'s --vary NAMEs, whose {{vary.NAME}} the snippets may hold (left in them,
// for the sweep to fill per run); without it such a placeholder is a load error.
Scenario load_scenario_file(const std::filesystem::path& path, LoadReport* report = nullptr,
                            const std::vector<std::string>* vary_names = nullptr);
Scenario load_scenario_string(std::string_view text, const std::string& file_label,
                              LoadReport* report = nullptr,
                              const std::vector<std::string>* vary_names = nullptr);

}  // namespace badgateway
