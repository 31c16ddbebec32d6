#pragma once
// Orchestration: one scenario = a broken run and a fixed run, each with its own run directory,
// fakes and nginx; --jobs N runs scenarios in parallel; teardown always happens.
#include <functional>
#include <vector>

#include "harness/nginx/launcher.hpp"
#include "harness/run/result.hpp"
#include "harness/scenario/model.hpp"
#include "harness/scenario/time_limit.hpp"

namespace badgateway {

struct RunOptions {
  int jobs = 1;
  bool keep = false;  // keep run directories
  Millis start_limit{5000};
  // The whole scenario (both runs); past it the requests stop and the verdict is timeout.
  Millis time_limit = kDefaultScenarioTimeLimit;
  std::function<void(const ScenarioResult&)> on_started;  // progress (from worker threads)
  std::function<void(const ScenarioResult&)> on_finished;
};

ScenarioResult run_scenario(const Scenario& scenario, Launcher& launcher,
                            const RunOptions& options);

// Results in the order of `scenarios` x `launchers` (scenario-major).
std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios,
                                    const std::vector<Launcher*>& launchers,
                                    const RunOptions& options);

}  // namespace badgateway
