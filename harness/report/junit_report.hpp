#pragma once
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {
// JUnit XML as Jenkins/GitLab/GitHub read it: one testsuite per nginx, one testcase per
// scenario phase; a harness problem is an <error>, a failed check a <failure>.
std::string junit_report(const std::vector<ScenarioResult>& results);
}  // namespace badgateway
