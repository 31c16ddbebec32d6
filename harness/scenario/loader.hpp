#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "harness/scenario/model.hpp"

namespace badgateway {

// One line: "file:line:column: field: what is wrong". Exit code 2 territory.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Scenario load_scenario_file(const std::filesystem::path& path);
Scenario load_scenario_string(std::string_view text, const std::string& file_label);

}  // namespace badgateway
