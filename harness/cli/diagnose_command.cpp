#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/diagnose/access_log.hpp"
#include "harness/diagnose/diagnose.hpp"
#include "harness/diagnose/write_scenarios.hpp"
#include "harness/input/suggest.hpp"
#include "harness/nginx/config_scan.hpp"
#include "harness/regex/regex.hpp"
#include "harness/report/text_escape.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

ConfigFacts scan_user_config(const std::string& config) {
  const std::filesystem::path path = std::filesystem::absolute(config);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw UsageError(fmt::format("--config {}: no such file or directory", config));
  const bool dir = std::filesystem::is_directory(path, ec);
  return scan_nginx_config(dir ? path / "nginx.conf" : path, dir ? path : path.parent_path());
}

// The access log's format: --log-format as a format string or a name, else the format of the
// config's first access_log, else nginx's predefined combined.
std::string access_log_format(const DiagnoseArgs& args) {
  if (args.log_format.find('$') != std::string::npos) return args.log_format;
  std::string name = args.log_format;
  std::optional<ConfigFacts> facts;
  if (!args.config.empty()) facts = scan_user_config(args.config);
  if (name.empty()) {
    name = facts && !facts->access_log_formats.empty() ? facts->access_log_formats.front()
                                                       : "combined";
  }
  if (name == "combined") return std::string(kCombinedLogFormat);
  if (!facts) {
    throw UsageError(fmt::format(
        "--log-format {}: a format name needs --config (where log_format {} is), or give the "
        "format string itself",
        name, name));
  }
  auto it = facts->log_formats.find(name);
  if (it == facts->log_formats.end()) {
    std::vector<std::string> names{"combined"};
    for (const auto& [n, f] : facts->log_formats) names.push_back(n);
    auto near = closest_name(name, names);
    throw UsageError(fmt::format("--log-format {}: the config has no log_format {}{}", name, name,
                                 near ? fmt::format(" (did you mean \"{}\"?)", *near) : ""));
  }
  return it->second;
}

}  // namespace

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
  std::string text;
  try {
    const Diagnosis d = diagnose(logs, catalog);
    text = render_diagnosis(d);
    if (!args.access_log.empty()) {
      const AccessLogFormat format(access_log_format(args));
      std::ifstream access(args.access_log);
      std::error_code ec;
      if (!access || std::filesystem::is_directory(args.access_log, ec))
        throw UsageError(
            fmt::format("--access-log {}: cannot read the access log", args.access_log));
      text += render_access_summary(summarize_access_log(access, format), args.access_log);
    }
    if (!args.write.empty()) {
      ScenarioWriteOptions options;
      options.dir = args.write;
      if (!args.config.empty()) {
        (void)scan_user_config(args.config);  // a config that cannot be read is the user's error
        options.config = args.config;
      }
      options.hosts = args.hosts;
      std::vector<std::string> names;
      for (const auto& l : args.logs) names.push_back(l == "-" ? "standard input" : l);
      options.log_label = fmt::format("{}", fmt::join(names, ", "));
      text += render_write_result(write_scenarios(d, catalog, options));
    }
  } catch (const UsageError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  } catch (const ConfigScanError& e) {
    fmt::print(stderr, "badgateway: --config: {}\n", e.what());
    return kExitUsage;
  } catch (const RegexError& e) {
    fmt::print(stderr, "badgateway: --log-format: {}\n", e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "badgateway: --log-format: {}\n", e.what());
    return kExitUsage;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "badgateway: --write: {}\n", e.what());
    return kExitUsage;
  }
  // The log's bytes are anybody's (a request line, a script's stderr): nothing from them may
  // drive the terminal.
  std::istringstream report(text);
  for (std::string line; std::getline(report, line);) fmt::print("{}\n", terminal_escape(line));
  return kExitOk;
}

}  // namespace badgateway
