#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "harness/scenario/model.hpp"

namespace badgateway {

// The built-in catalog: $BADGATEWAY_SCENARIOS, else the source tree's scenarios/.
std::filesystem::path catalog_dir();

// Files and directories (searched recursively for *.toml), sorted; throws ScenarioError.
std::vector<Scenario> load_scenarios(const std::vector<std::string>& paths);

}  // namespace badgateway
