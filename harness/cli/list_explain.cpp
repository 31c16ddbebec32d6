#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

std::vector<Scenario> load_or_report(std::vector<std::string> paths, int& exit_code) {
  if (paths.empty()) paths.push_back(catalog_dir().string());
  try {
    return load_scenarios(paths);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    exit_code = kExitUsage;
    return {};
  }
}

std::string describe_fake(const FakeSpec& f) {
  const auto* info = fakes::find_behaviour(f.behaviour, f.protocol);
  std::string params;
  for (const auto& [k, v] : f.params) {
    params += fmt::format("{}{}={}", params.empty() ? "" : ", ", k,
                          std::visit([](const auto& x) { return fmt::format("{}", x); }, v));
  }
  std::string where = f.unix_socket ? "unix socket" : "tcp";
  if (f.host) where = fmt::format("as {}:{}", f.host->name, f.host->port);
  return fmt::format("{} ({}{}): {}", f.behaviour, where, params.empty() ? "" : "; " + params,
                     info ? info->summary : "?");
}

}  // namespace

int command_list(const ListArgs& args) {
  int code = kExitOk;
  auto scenarios = load_or_report(args.paths, code);
  if (code) return code;
  std::size_t w = 0, cw = 0;
  for (const auto& s : scenarios) {
    w = std::max(w, s.name.size());
    cw = std::max(cw, s.cause.size());
  }
  for (const auto& s : scenarios)
    fmt::print("{:<{}}  {:<{}}  {}\n", s.name, w, s.cause, cw, s.description);
  return kExitOk;
}

int command_explain(const ExplainArgs& args) {
  const std::string& name = args.name;
  int code = kExitOk;
  auto scenarios = load_or_report(args.paths, code);
  if (code) return code;
  for (const auto& s : scenarios) {
    if (s.name != name) continue;
    fmt::print("{}\n  {}\n\n", s.name, s.description);
    fmt::print("Cause:        {}\n", s.cause);
    if (s.nginx.config) {
      fmt::print("Config:       {} (unchanged; requests to port {})\n", *s.nginx.config,
                 s.nginx.port.value_or(0));
    }
    for (const auto& [fname, f] : s.fakes)
      fmt::print("Fake {:<8} {}\n", fname + ":", describe_fake(f));
    fmt::print("Look for:     {}\n", s.teaches);
    if (!s.directive.empty()) fmt::print("Directive:    {}\n", s.directive);
    if (s.fix) {
      fmt::print("Fix:          {}\n", s.fix->description);
      for (const auto& [fname, f] : s.fix->fakes)
        fmt::print("  then {:<8} {}\n", fname + ":", describe_fake(f));
    }
    fmt::print("File:         {}\n", s.origin.file);
    return kExitOk;
  }
  fmt::print(stderr, "badgateway: no scenario named \"{}\" (see badgateway list)\n", name);
  return kExitUsage;
}

}  // namespace badgateway
