#pragma once
// A loaded scenario as reports explain it (ScenarioAbout in result.hpp).
#include "harness/run/result.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

// The description, the nginx settings of both phases side by side and every fake, as written
// (placeholders such as {{fakes.app}} stay: the addresses are a run's). Pure; throws only
// std::bad_alloc.
ScenarioAbout describe_scenario(const Scenario& s);

}  // namespace badgateway
