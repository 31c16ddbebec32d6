#include "harness/nginx/launcher.hpp"

#include <fmt/format.h>

#include "harness/net/probe.hpp"
#include "harness/nginx/nginx_output.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/observe/log_file.hpp"

namespace badgateway {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The readiness probe is the harness's own traffic, not the scenario's.
void append_scenario_lines(const std::filesystem::path& file, std::vector<std::string>& into) {
  for (auto& line : LogFile(file).lines()) {
    if (!is_probe_log_line(line)) into.push_back(std::move(line));
  }
}

}  // namespace

bool is_probe_log_line(std::string_view line) {
  static const std::string marker = fmt::format("client: {},", kProbeSource);
  return line.find(marker) != std::string_view::npos;
}

NginxLogs NginxInstance::logs() const {
  NginxLogs logs;
  append_scenario_lines(paths_.error_log, logs.error_log);
  for (const auto& file : paths_.own_error_logs) append_scenario_lines(file, logs.error_log);
  logs.access_log = LogFile(paths_.run_dir / "logs/access.log").lines();
  return logs;
}

std::string Launcher::key_line(const std::string& output) const {
  return nginx_key_line(output);
}

void Launcher::test_config(const LaunchPaths& paths) {
  CommandResult r = run_config_test(paths);
  if (r.status < 0) throw HarnessError("nginx -t did not finish in time");
  if (!r.ok()) {
    std::vector<std::string> lines;
    for (auto& line : split_lines(r.output)) lines.push_back(with_host_paths(paths, line));
    throw ConfigRejected(
        fmt::format("nginx -t rejected the config: {}", with_host_paths(paths, key_line(r.output))),
        std::move(lines));
  }
}

std::unique_ptr<NginxInstance> Launcher::start(const LaunchPaths& paths,
                                               const fakes::Address& listen, Millis limit) {
  std::filesystem::path output = paths.run_dir / "logs/nginx.stderr";
  LogFile log(paths.error_log);
  std::unique_ptr<NginxInstance> nginx = spawn(paths, output);
  auto failed = await_nginx_start(log, paths, listen, limit, [&] { return !nginx->exited(); });
  if (!failed) return nginx;
  if (failed->why.empty()) failed->why = nginx->exited().value_or("ended");
  nginx->abort();
  const std::string printed = read_whole_file(output);
  std::vector<std::string> lines;
  for (auto& line : split_lines(printed)) lines.push_back(with_host_paths(paths, line));
  for (auto& line : LogFile(paths.error_log).lines()) {
    if (!is_probe_log_line(line)) lines.push_back(with_host_paths(paths, line));
  }
  throw_start_failure(
      fmt::format(
          "nginx failed to start: {}: {}", failed->why,
          with_host_paths(paths, !failed->emerg.empty() ? failed->emerg : key_line(printed))),
      std::move(lines));
}

}  // namespace badgateway
