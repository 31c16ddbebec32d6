#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/diagnose/diagnose.hpp"
#include "harness/report/text_escape.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {

int command_diagnose(const DiagnoseArgs& args) {
  std::vector<std::string> paths = args.scenarios;
  if (paths.empty()) paths.push_back(catalog_dir().string());
  std::vector<Scenario> catalog;
  try {
    catalog = load_scenarios(paths);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  // All logs as one: a group's count and first and last time span every file given.
  std::vector<std::unique_ptr<std::ifstream>> files;
  std::vector<std::istream*> logs;
  for (const auto& path : args.logs) {
    if (path == "-") {
      logs.push_back(&std::cin);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      fmt::print(stderr, "badgateway: {}: is a directory, not an error log\n", path);
      return kExitUsage;
    }
    files.push_back(std::make_unique<std::ifstream>(path));
    if (!*files.back()) {
      fmt::print(stderr, "badgateway: {}: cannot read the error log\n", path);
      return kExitUsage;
    }
    logs.push_back(files.back().get());
  }
  // The log's bytes are anybody's (a request line, a script's stderr): nothing from them may
  // drive the terminal.
  std::istringstream report(render_diagnosis(diagnose(logs, catalog)));
  for (std::string line; std::getline(report, line);) fmt::print("{}\n", terminal_escape(line));
  return kExitOk;
}

}  // namespace badgateway
