#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "harness/scenario/model.hpp"
#include "harness/scenario/time_limit.hpp"

namespace badgateway {

// The built-in catalog: $BADGATEWAY_SCENARIOS, else an installed badgateway's
// PREFIX/share/badgateway/scenarios, else the source tree's scenarios/ (a build tree).
std::filesystem::path catalog_dir();

// The scenario files `paths` name: files as given, directories searched recursively for *.toml;
// sorted. Throws ScenarioError for a path that does not exist.
std::vector<std::filesystem::path> scenario_files(const std::vector<std::string>& paths);

// Files and directories (searched recursively for *.toml), sorted; throws ScenarioError, also
// for a scenario whose planned duration exceeds `time_limit` (see time_limit.hpp).
std::vector<Scenario> load_scenarios(const std::vector<std::string>& paths,
                                     Millis time_limit = kDefaultScenarioTimeLimit);

}  // namespace badgateway
