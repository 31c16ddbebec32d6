#pragma once
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {
std::string json_report(const std::vector<ScenarioResult>& results, Millis wall_time);
}
