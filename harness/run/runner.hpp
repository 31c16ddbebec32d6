#pragma once
// Orchestration: one scenario = a broken run and a fixed run, each with its own run directory,
// fakes and nginx; --jobs N runs scenarios in parallel; teardown always happens.
#include <functional>
#include <string>
#include <vector>

#include "harness/nginx/launcher.hpp"
#include "harness/run/live_board.hpp"
#include "harness/run/plan.hpp"
#include "harness/run/result.hpp"
#include "harness/scenario/model.hpp"
#include "harness/scenario/time_limit.hpp"

namespace badgateway {

struct RunOptions {
  int jobs = 1;
  bool keep = false;  // keep run directories
  // How long nginx and each upstream (PHP-FPM) may take to become ready. A start that fails is
  // seen at once (the process exits); this bounds only one that hangs, so it is generous: with
  // 5 s, the ASan stage on a machine loaded far past its 2 cores once ended a PHP-FPM test in an
  // error (its message was not captured; the test prints it now).
  Millis start_limit{15000};
  // The whole scenario (both runs); past it the requests stop and the verdict is timeout.
  Millis time_limit = kDefaultScenarioTimeLimit;
  std::function<void(const ScenarioResult&)> on_finished;  // live progress (worker threads)
  // Once before the first run and after each finished one, serialised: every planned result in
  // run_all's order, those not finished yet with `interrupted` set (for incremental reports).
  std::function<void(const std::vector<ScenarioResult>&)> on_progress;
  // A column title per launcher (same order), e.g. from unique_columns(); empty: label().
  std::vector<std::string> columns;
  // After the first run that does not pass, start no other: runs already going finish, those
  // not started are reported skipped ("not run: --fail-fast ...").
  bool fail_fast = false;
  // Set: each phase's [[traffic]] is on it while it runs (a live status line); not owned.
  LiveBoard* live = nullptr;
  // Live metrics are on: a rendered config gets a stub_status server on a port of its own,
  // which the board's sources name (an own config is tested unchanged: none).
  bool stub_status = false;
};

// Column titles from launcher labels: a label that repeats (two nginx of the same version) gets
// its --nginx argument appended ("nginx 1.22.1 (local) [/opt/nginx]"), and if that still repeats,
// " #N" (1-based, in order). Same order and size as `labels`; `specs` must have the same size.
std::vector<std::string> unique_columns(const std::vector<std::string>& labels,
                                        const std::vector<std::string>& specs);

ScenarioResult run_scenario(const Scenario& scenario, Launcher& launcher,
                            const RunOptions& options);

// Results in the order of `plan` (see plan_runs()); a planned skip is reported, not run, when
// its turn comes.
std::vector<ScenarioResult> run_plan(const std::vector<PlannedRun>& plan,
                                     const std::vector<Launcher*>& launchers,
                                     const RunOptions& options);

// Every scenario once against every launcher, in the order of `scenarios` x `launchers`
// (scenario-major); those with `skip` are reported skipped.
std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios,
                                    const std::vector<Launcher*>& launchers,
                                    const RunOptions& options);

}  // namespace badgateway
