#include "harness/cli/catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "harness/scenario/loader.hpp"
#include "harness/scenario/toml_guard.hpp"

namespace badgateway {

std::filesystem::path catalog_dir() {
  if (const char* env = std::getenv("BADGATEWAY_SCENARIOS"); env && *env) return env;
  // Installed (cmake --install, the .deb): PREFIX/bin/badgateway reads
  // PREFIX/share/badgateway/scenarios, wherever PREFIX is.
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = self.parent_path().parent_path() / BADGATEWAY_INSTALLED_SCENARIOS;
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return BADGATEWAY_SCENARIO_DIR;  // a build tree: the checkout's catalog
}

std::vector<std::filesystem::path> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(p)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          files.push_back(entry.path());
      }
    } else if (std::filesystem::exists(p, ec)) {
      files.emplace_back(p);
    } else {
      throw ScenarioError(fmt::format("{}: no such file or directory", p));
    }
  }
  std::sort(files.begin(), files.end());
  // A file named twice (a directory and a file in it) is one file, not a name clash with itself.
  files.erase(std::unique(files.begin(), files.end(),
                          [](const auto& a, const auto& b) {
                            std::error_code ec;
                            return std::filesystem::equivalent(a, b, ec);
                          }),
              files.end());
  return files;
}

std::vector<Scenario> load_scenarios(const std::vector<std::string>& paths, Millis time_limit) {
  std::vector<Scenario> out;
  std::map<std::string, std::string> seen;
  TomlGuardSession guard;  // one parser child for all the files
  for (const auto& f : scenario_files(paths)) {
    Scenario s = load_scenario_file(f);
    check_time_limit(s, time_limit);
    if (auto [it, fresh] = seen.emplace(s.name, f.string()); !fresh) {
      throw ScenarioError(
          fmt::format("{}: name: \"{}\" is already used by {}", f.string(), s.name, it->second));
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace badgateway
