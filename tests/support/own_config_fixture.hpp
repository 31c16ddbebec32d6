#pragma once
// A scenario file next to the user's config directory `conf/`, in a temp dir of its own: how own
// config scenarios are laid out (the scenario names the config relative to itself).
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/scenario/loader.hpp"

namespace badgateway::test {

class OwnConfigDir {
 public:
  OwnConfigDir() {
    char tmpl[] = "/tmp/badgateway-own-config-test-XXXXXX";  // mkdtemp: mode 0700
    dir_ = ::mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ / "conf/conf.d");
  }
  ~OwnConfigDir() { std::filesystem::remove_all(dir_); }
  OwnConfigDir(const OwnConfigDir&) = delete;
  OwnConfigDir& operator=(const OwnConfigDir&) = delete;

  void write(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  // Throws ScenarioError.
  Scenario scenario(const std::string& text) const {
    return load_scenario_string(text, (dir_ / "t.toml").string());
  }
  // "loaded", or "error: " and the ScenarioError's message.
  std::string load(const std::string& text, Scenario* out = nullptr) const {
    try {
      Scenario s = scenario(text);
      if (out) *out = s;
      return "loaded";
    } catch (const ScenarioError& e) {
      return std::string("error: ") + e.what();
    }
  }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace badgateway::test
