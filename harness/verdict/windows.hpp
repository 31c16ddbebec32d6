#pragma once
// Verdicts over time: a scenario's timeline actions and its [[expect.window]] checks against the
// responses, placed in time by when their requests were sent (docs/scenario-format.md,
// "Windows").
#include <optional>
#include <string>
#include <vector>

#include "harness/observe/observation.hpp"
#include "harness/scenario/timeline.hpp"
#include "harness/verdict/verdict.hpp"

namespace badgateway {

// A response that completed with a status from 200 to 399; anything else is a failure.
bool is_success(const Response& r);
// Whether `r` counts under a window's key: "502", "0" (no status), "5xx", "success", "failure".
bool counts_as(const Response& r, const std::string& key);

// The checks of a phase in time, after judge()'s (pure, like judge()). First one `timeline`
// check per played action, "timeline \"LABEL\"": it happened (the action ran, before its
// deadline); actual says when, against its schedule. Then per window, kind `window`, subjects
// "window \"NAME\": CHECK" in this order: responses (how many were sent in it), count KEY,
// share KEY, max_failure_run, first_success, sustained_success. A window's responses are those of
// seen.responses and seen.traffic whose sent_at, from seen.traffic_start, lies in [from, until);
// a mark naming an action that did not happen fails every check of its window.
std::vector<Check> judge_in_time(const std::vector<WindowSpec>& windows, const Observation& seen);

}  // namespace badgateway
