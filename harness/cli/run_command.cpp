#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/error.hpp"
#include "harness/metrics/publisher.hpp"
#include "harness/nginx/select.hpp"
#include "harness/process/interrupt.hpp"
#include "harness/process/run_dir.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/json_report.hpp"
#include "harness/report/junit_report.hpp"
#include "harness/report/live_status.hpp"
#include "harness/report/report_file.hpp"
#include "harness/report/tap_report.hpp"
#include "harness/report/terminal_report.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

// A report path of "-" is standard output: written once, at the end, and the terminal report
// moves to standard error so that the output is the report alone (`--json - | jq`).
constexpr std::string_view kStdout = "-";

// Where each report goes (RunArgs' fields); empty: not written.
struct ReportPaths {
  std::string json, junit, html, tap;
  bool any() const { return !json.empty() || !junit.empty() || !html.empty() || !tap.empty(); }
  // The options given "-", in the order --help lists them.
  std::vector<std::string> to_stdout() const {
    std::vector<std::string> out;
    for (const auto& [option, path] :
         {std::pair<const char*, const std::string*>{"--junit", &junit},
          {"--json", &json},
          {"--html", &html},
          {"--tap", &tap}})
      if (*path == kStdout) out.emplace_back(option);
    return out;
  }
};

// Every report, whole, replacing the previous version atomically (see replace_file()); one for
// standard output only when `final`.
void write_reports(const ReportPaths& paths, const std::vector<ScenarioResult>& results,
                   Millis wall, const RunInfo& info, bool final) {
  auto write = [&](const std::string& path, const std::function<std::string()>& report) {
    if (path.empty()) return;
    if (path != kStdout) {
      replace_file(path, report());
    } else if (final) {
      std::fputs(report().c_str(), stdout);
      std::fflush(stdout);
    }
  };
  try {
    write(paths.json, [&] { return json_report(results, wall, info); });
    write(paths.junit, [&] { return junit_report(results); });
    write(paths.html, [&] { return html_report(results, wall, info); });
    write(paths.tap, [&] { return tap_report(results); });
  } catch (const std::system_error& e) {
    throw UsageError(e.what());
  }
}

// The scenarios the paths and filters select, and a launcher per nginx in version order
// (the order given for equal versions). Prints a load error and returns kExitUsage.
int select_runs(const RunArgs& args, const std::vector<std::string>& paths,
                const std::vector<std::string>& nginx_specs, std::vector<Scenario>& scenarios,
                std::vector<std::unique_ptr<Launcher>>& launchers) {
  const std::vector<std::string>& filters = args.filters;
  try {
    for (auto& s : load_scenarios(paths, args.time_limit)) {
      bool keep = filters.empty();
      for (const auto& f : filters) keep = keep || ::fnmatch(f.c_str(), s.name.c_str(), 0) == 0;
      if (keep) scenarios.push_back(std::move(s));
    }
    for (const auto& spec : expand_nginx_specs(nginx_specs))
      launchers.push_back(make_launcher(spec));
    // Columns in version order (the order given for equal versions).
    std::stable_sort(launchers.begin(), launchers.end(),
                     [](const auto& a, const auto& b) { return a->version() < b->version(); });
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  } catch (const HarnessError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  if (scenarios.empty()) {
    fmt::print(stderr, "badgateway: no scenario matches\n");
    return kExitUsage;
  }
  return kExitOk;
}

// What is about to run, the seed first so that a failing order can be replayed even from a log
// cut short.
void print_header(std::FILE* out, const RunArgs& args, const Plan& plan, const RunInfo& info,
                  const RunOptions& options, std::size_t selected,
                  const std::vector<Launcher*>& targets) {
  const std::size_t nginx_count = targets.size();
  // Each column with the TLS library its nginx runs with (`nginx -V`), which `openssl` ranges in
  // [[expect.versions]] match: "nginx 1.22.1 (local) with OpenSSL 3.0.11 19 Sep 2023".
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < options.columns.size(); ++i) {
    const std::string& tls = i < targets.size() ? targets[i]->tls_library().text : std::string();
    columns.push_back(tls.empty() ? options.columns[i]
                                  : fmt::format("{} with {}", options.columns[i], tls));
  }
  std::string modes;
  if (args.shard) {
    modes +=
        fmt::format(", shard {} ({} of {} scenarios)", *info.shard, plan.in_shard.size(), selected);
  }
  if (args.repeat > 1) modes += fmt::format(", --repeat {}", args.repeat);
  if (args.fail_fast) modes += ", --fail-fast";
  fmt::print(out, "badgateway {}: {} scenarios x {} nginx ({}), --jobs {}{}\n", BADGATEWAY_VERSION,
             plan.in_shard.size(), nginx_count, fmt::join(columns, "; "), options.jobs, modes);
  if (info.seed)
    fmt::print(out, "shuffled with seed {0}: --shuffle --seed {0} replays this order\n",
               *info.seed);
  if (!plan.only.empty()) {
    std::vector<std::string> names;
    for (const Scenario* s : plan.only) names.push_back(s->name);
    fmt::print(out, "only = true on {}: the other selected scenarios are skipped\n",
               fmt::join(names, ", "));
  }
  if (plan.in_shard.empty() && info.shard)
    fmt::print(out, "shard {}: no scenario falls in it\n", *info.shard);
  std::fflush(out);
}

int exit_code(const std::vector<ScenarioResult>& results);

MetricsOptions metrics_options(const RunArgs& args) {
  MetricsOptions m;
  // The options' validators accepted these already.
  if (!args.metrics_listen.empty()) m.listen = fakes::Address::parse(args.metrics_listen);
  if (!args.graphite.empty()) m.graphite = fakes::Address::parse_any_ip(args.graphite);
  m.textfile = args.metrics_textfile;
  m.graphite_prefix = args.graphite_prefix;
  return m;
}

// The reports once more with every result; the exit code of the run.
int write_final_reports(const ReportPaths& paths, const std::vector<ScenarioResult>& results,
                        Millis wall, const RunInfo& info) {
  try {
    write_reports(paths, results, wall, info, true);
  } catch (const UsageError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  return exit_code(results);
}

int exit_code(const std::vector<ScenarioResult>& results) {
  bool any_error = false, any_fail = false;
  for (const auto& r : results) {
    any_error = any_error || r.verdict() == Verdict::error;
    // An overrun is the scenario's result (like a failed check), not an environment problem.
    any_fail = any_fail || r.verdict() == Verdict::fail || r.verdict() == Verdict::timeout;
  }
  if (any_error) return kExitUsage;
  return any_fail ? kExitFailed : kExitOk;
}

// Reports are rewritten after every finished run, so an interrupted run (SIGINT, SIGTERM, even
// a CI timeout's SIGKILL) leaves what finished, with the rest marked interrupted. The first
// write (the plan, before any run, on this thread) fails the run on a path that cannot be
// written; a later failure (disk full) is reported once and the run goes on.
void rewrite_reports_as_runs_finish(RunOptions& options, const ReportPaths& paths,
                                    const std::function<Millis()>& elapsed, const RunInfo& info) {
  if (!paths.any()) return;
  bool first = true, warned = false;
  options.on_progress = [=](const std::vector<ScenarioResult>& so_far) mutable {
    if (interrupted()) return;
    try {
      write_reports(paths, so_far, elapsed(), info, false);
    } catch (const UsageError& e) {
      if (first) throw;
      if (!std::exchange(warned, true)) fmt::print(stderr, "badgateway: {}\n", e.what());
    }
    first = false;
  };
}

}  // namespace

int command_run(const RunArgs& args) {
  std::vector<std::string> paths = args.paths, nginx_specs = args.nginx_specs;
  const ReportPaths reports{args.json, args.junit, args.html, args.tap};
  RunOptions options;
  options.jobs = args.jobs;
  options.keep = args.keep;
  options.time_limit = args.time_limit;
  options.fail_fast = args.fail_fast;
  if (const auto on_stdout = reports.to_stdout(); on_stdout.size() > 1) {
    fmt::print(stderr, "badgateway: {} - and {} - cannot both be standard output\n", on_stdout[0],
               on_stdout[1]);
    return kExitUsage;
  }
  std::FILE* terminal = reports.to_stdout().empty() ? stdout : stderr;
  if (paths.empty()) paths.push_back(catalog_dir().string());
  if (nginx_specs.empty()) nginx_specs.push_back("nginx");

  // What killed runs left (run directories; containers go in the Docker launcher): see `clean`.
  remove_leftovers_of_dead_runs();

  // Selected: all of every shard, so that shards agree.
  std::vector<Scenario> scenarios;
  std::vector<std::unique_ptr<Launcher>> launchers;
  if (int code = select_runs(args, paths, nginx_specs, scenarios, launchers); code != kExitOk)
    return code;
  std::vector<Launcher*> targets;
  for (auto& l : launchers) targets.push_back(l.get());
  std::vector<std::string> labels;
  for (auto* t : targets) labels.push_back(t->label());
  options.columns = unique_columns(labels, nginx_specs);

  RunInfo info;
  info.repeat = args.repeat;
  info.fail_fast = args.fail_fast;
  if (args.shuffle) info.seed = args.seed.value_or(random_seed());
  if (args.shard) info.shard = args.shard->str();
  const Plan plan = plan_runs(scenarios, targets.size(), {args.repeat, info.seed, args.shard});

  TerminalStyle style = TerminalStyle::detect(terminal);
  std::mutex print_mutex;
  std::size_t done = 0, total = plan.runs.size();
  print_header(terminal, args, plan, info, options, scenarios.size(), targets);
  // On a terminal, a live status line while traffic runs (never in a log: not a TTY).
  LiveBoard board;
  std::optional<LiveStatus> live;
  if (::isatty(::fileno(terminal)) == 1) {
    options.live = &board;
    live.emplace(terminal, board);
  }
  // Live metrics read the same board; declared after it, so it ends first.
  std::optional<MetricsPublisher> metrics;
  if (const MetricsOptions m = metrics_options(args); m.any()) {
    options.live = &board;
    options.stub_status = true;
    try {
      metrics.emplace(m, board, stderr);
    } catch (const HarnessError& e) {
      live.reset();
      fmt::print(stderr, "badgateway: {}\n", e.what());
      return kExitUsage;
    }
  }
  options.on_finished = [&](const ScenarioResult& r) {
    std::lock_guard lock(print_mutex);
    if (interrupted()) return;
    const std::string line = progress_line(r, ++done, total, style);
    if (live) {
      live->print(line);
    } else {
      std::fputs(line.c_str(), terminal);
      std::fflush(terminal);
    }
  };
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start);
  };
  rewrite_reports_as_runs_finish(options, reports, elapsed, info);
  std::vector<ScenarioResult> results;
  try {
    results = run_plan(plan.runs, targets, options);
  } catch (const UsageError& e) {  // a report could not be written
    live.reset();
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  live.reset();  // the status line erased before anything else is printed
  if (interrupted()) await_interrupt_exit();  // the reports hold what finished
  auto wall = elapsed();
  bool metrics_failed = false;
  if (metrics) {
    try {
      metrics->finish();
    } catch (const HarnessError& e) {
      fmt::print(stderr, "badgateway: {}\n", e.what());
      metrics_failed = true;
    }
    metrics.reset();
  }

  std::fputs(summary_table(results, wall, style).c_str(), terminal);
  const int code = write_final_reports(reports, results, wall, info);
  return metrics_failed ? kExitUsage : code;
}

}  // namespace badgateway
