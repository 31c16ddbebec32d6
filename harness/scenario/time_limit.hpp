#pragma once
// Every scenario runs under a time limit: nothing else bounds how long its requests may take
// (10,000 requests that each may wait 24 hours is a valid file). One whose plan already exceeds
// the limit is rejected at load time; one that overruns while running gets Verdict::timeout.
#include "harness/scenario/model.hpp"

namespace badgateway {

// Default for `run --timeout`: the whole scenario, broken and fixed run together.
inline constexpr Millis kDefaultScenarioTimeLimit{10 * 60 * 1000};
inline constexpr Millis kMaxScenarioTimeLimit{24LL * 3600 * 1000};

// The longest the requests of the scenario may take by their own settings: per [[requests]]
// group its delay plus ceil(count / concurrency) request timeouts; twice when it has a fix.
Millis planned_duration(const Scenario& s);

// Throws ScenarioError "FILE:LINE:COLUMN: requests: ..." when planned_duration(s) > limit.
void check_time_limit(const Scenario& s, Millis limit);

}  // namespace badgateway
