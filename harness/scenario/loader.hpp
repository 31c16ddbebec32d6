#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.hpp"

namespace badgateway {

// One line: "file:line:column: field: what is wrong". Exit code 2 territory.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and checks one scenario file (at most kMaxInputFileBytes) or text named `file_label` in
// messages. Without `errors`, throws ScenarioError at the first error. With it, throws nothing
// for the file's content: the first error of every part that can be read on its own is
// appended (a part that depends on a broken one is not read: its errors would only echo it),
// and the Scenario returned is complete only when nothing was appended.
Scenario load_scenario_file(const std::filesystem::path& path,
                            std::vector<std::string>* errors = nullptr);
Scenario load_scenario_string(std::string_view text, const std::string& file_label,
                              std::vector<std::string>* errors = nullptr);

}  // namespace badgateway
