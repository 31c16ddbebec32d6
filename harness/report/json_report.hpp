#pragma once
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {
// One JSON document (compact, one line): the run's counts and one object per scenario and nginx,
// `"status":"finished"` with its verdict and phases, or `"status":"interrupted"` (not run). Text
// from logs is made valid UTF-8 with printable_utf8(). Never throws on the results' content.
std::string json_report(const std::vector<ScenarioResult>& results, Millis wall_time);
}  // namespace badgateway
