// `badgateway sweep SCENARIO --vary 'NAME=v1,v2,...'` (issue 13): the scenario's [nginx] phase
// once per value of {{vary.NAME}}, serially (each value's latencies must not be another's
// queueing), then a table of what each value came to.
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/error.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/nginx/select.hpp"
#include "harness/process/interrupt.hpp"
#include "harness/process/run_dir.hpp"
#include "harness/report/report_file.hpp"
#include "harness/report/sweep_report.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/scenario/time_limit.hpp"

namespace badgateway {
namespace {

// The snippets a rendered config takes, by kSnippetKeys' order.
std::vector<std::optional<std::string>*> snippets(NginxSpec& spec) {
  return {&spec.main, &spec.events, &spec.http, &spec.server, &spec.location};
}

bool uses(NginxSpec spec, const std::string& name) {
  for (auto* snippet : snippets(spec)) {
    if (!*snippet) continue;
    for (const Placeholder& p : find_placeholders(**snippet))
      if (p.name == std::string(kVaryPrefix) + name) return true;
  }
  return false;
}

// The phase to run for one value: the scenario as [nginx] writes it, the placeholder filled, no
// fix (sweep measures one config per value, it does not judge a repair).
Scenario with_value(const Scenario& s, const std::string& name, const std::string& value) {
  Scenario one = s;
  const std::map<std::string, std::string> values{{name, value}};
  for (NginxSpec* spec : {&one.nginx, &one.broken.nginx}) {
    for (auto* snippet : snippets(*spec))
      if (*snippet) *snippet = substitute_vary(**snippet, values);
  }
  one.fix.reset();
  one.fixed.reset();
  one.skip.reset();
  return one;
}

// What the scenario is, or a one-line reason it cannot be swept (exit 2).
std::optional<Scenario> load_for_sweep(const SweepArgs& args) {
  const std::vector<std::string> names{args.vary.name};
  try {
    Scenario s = load_scenario_file(args.path, nullptr, &names);
    if (s.nginx.config) {
      fmt::print(stderr,
                 "badgateway: {}: nginx.config: an own config is tested unchanged; sweep fills "
                 "{{{{vary.{}}}}} in snippets (nginx.location, nginx.server, ...) only\n",
                 args.path, args.vary.name);
      return std::nullopt;
    }
    if (!uses(s.broken.nginx, args.vary.name)) {
      fmt::print(stderr,
                 "badgateway: {}: no snippet of [nginx] has {{{{vary.{}}}}}: nothing would vary\n",
                 args.path, args.vary.name);
      return std::nullopt;
    }
    s.fix.reset();
    s.fixed.reset();
    check_time_limit(s, args.time_limit);
    return s;
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
  }
  return std::nullopt;
}

// Why a value produced no figures, or nullopt when it ran.
std::optional<std::string> failure_of(const ScenarioResult& r) {
  const PhaseResult& p = r.broken;
  if (p.harness_error) return *p.harness_error;
  if (p.observed.nginx != NginxOutcome::runs) {
    std::string line = p.observed.error_log.empty() ? "" : ": " + p.observed.error_log.front();
    return fmt::format("nginx {}{}", to_string(p.observed.nginx), line);
  }
  if (p.timed_out) return std::string("stopped at the time limit (--timeout)");
  return std::nullopt;
}

bool write_file(const std::string& path, const std::function<std::string()>& text) {
  if (path.empty()) return true;
  try {
    replace_file(path, text());
  } catch (const std::system_error& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return false;
  }
  return true;
}

}  // namespace

int command_sweep(const SweepArgs& args) {
  remove_leftovers_of_dead_runs();
  std::optional<Scenario> scenario = load_for_sweep(args);
  if (!scenario) return kExitUsage;
  std::unique_ptr<Launcher> launcher;
  try {
    const auto specs = expand_nginx_specs({args.nginx});
    if (specs.size() != 1) {
      fmt::print(stderr, "badgateway: --nginx {}: sweep runs one nginx, this names {}\n",
                 args.nginx, specs.size());
      return kExitUsage;
    }
    launcher = make_launcher(specs.front());
  } catch (const HarnessError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  RunOptions options;
  options.keep = args.keep;
  options.time_limit = args.time_limit;

  Sweep sweep{scenario->name, args.path, args.vary.name, launcher->label(), {}};
  fmt::print("badgateway {}: sweep {} x {} values of {{{{vary.{}}}}} ({})\n", BADGATEWAY_VERSION,
             sweep.scenario, args.vary.values.size(), sweep.name, sweep.nginx);
  std::fflush(stdout);
  bool all_ran = true;
  for (const std::string& value : args.vary.values) {
    const auto started = std::chrono::steady_clock::now();
    ScenarioResult r = run_scenario(with_value(*scenario, sweep.name, value), *launcher, options);
    if (interrupted()) await_interrupt_exit();
    SweepPoint point = sweep_point(value, r.broken.observed);
    point.error = failure_of(r);
    all_ran = all_ran && !point.error;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("  {}={}: {} ({:.1f}s){}\n", sweep.name, value,
               point.error ? "error: " + *point.error : status_mix(point.status), seconds,
               r.broken.run_dir.empty() ? "" : ", kept in " + r.broken.run_dir);
    std::fflush(stdout);
    sweep.points.push_back(std::move(point));
  }
  fmt::print("\n{}", sweep_table(sweep));
  std::fflush(stdout);
  const bool written = write_file(args.html, [&] { return sweep_html(sweep); }) &&
                       write_file(args.json, [&] { return sweep_json(sweep); });
  return all_ran && written ? kExitOk : kExitUsage;
}

}  // namespace badgateway
