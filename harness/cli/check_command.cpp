#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/scenario/toml_guard.hpp"

namespace badgateway {

int command_check(const CheckArgs& args) {
  std::vector<std::string> paths = args.paths;
  if (paths.empty()) paths.push_back(catalog_dir().string());
  std::vector<std::filesystem::path> files;
  try {
    files = scenario_files(paths);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  if (files.empty()) {
    fmt::print(stderr, "badgateway: no scenario files (*.toml) in {}\n", fmt::join(paths, ", "));
    return kExitUsage;
  }
  std::map<std::string, std::string> names;  // name -> the file that used it first
  std::size_t invalid = 0, error_count = 0;
  TomlGuardSession guard;  // one parser child for all the files
  for (const auto& file : files) {
    LoadReport report;
    Scenario s = load_scenario_file(file, &report);
    std::vector<std::string>& errors = report.errors;
    // What `run` checks across files and against its time limit, once the file itself is valid.
    if (errors.empty()) {
      try {
        check_time_limit(s, kDefaultScenarioTimeLimit);
      } catch (const ScenarioError& e) {
        errors.push_back(e.what());
      }
      if (auto [it, fresh] = names.emplace(s.name, file.string()); !fresh) {
        errors.push_back(fmt::format("{}: name: \"{}\" is already used by {}", file.string(),
                                     s.name, it->second));
      }
    }
    std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
      return error_position(a) < error_position(b);
    });
    for (const auto& e : errors) fmt::print("{}\n", e);
    if (!report.unchecked.empty()) {
      fmt::print("{}: not checked until the errors above are fixed: {}\n", file.string(),
                 fmt::join(report.unchecked, ", "));
    }
    if (!errors.empty()) ++invalid;
    error_count += errors.size();
  }
  std::string checked =
      fmt::format("{} file{} checked", files.size(), files.size() == 1 ? "" : "s");
  if (invalid == 0) {
    fmt::print("{}: all valid\n", checked);
  } else {
    fmt::print("{}: {} valid, {} with {} error{}\n", checked, files.size() - invalid, invalid,
               error_count, error_count == 1 ? "" : "s");
  }
  return invalid ? kExitUsage : kExitOk;
}

}  // namespace badgateway
