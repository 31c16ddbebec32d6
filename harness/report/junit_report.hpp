#pragma once
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {
// JUnit XML as Jenkins/GitLab/GitHub read it: one testsuite per nginx column, one testcase per
// scenario phase named "SCENARIO (PHASE) [COLUMN]"; a harness problem is an <error>, a failed
// check a <failure>, a phase not run (skipped, or the run was interrupted) <skipped>. Text is valid
// UTF-8 and XML 1.0 whatever the logs held (xml_escape()).
std::string junit_report(const std::vector<ScenarioResult>& results);
}  // namespace badgateway
