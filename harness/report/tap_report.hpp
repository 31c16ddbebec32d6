#pragma once
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {
// TAP version 13 (testanything.org; version 13 because Debian 12's `prove` rejects 14): one test
// point per planned run, "ok N - SCENARIO [COLUMN]" in the run's order, both phases in one point.
// A failed point carries a YAML block naming the failed checks (phase, check, expected, seen),
// a harness error or an overrun; a run not made (skipped, or the run was interrupted) is
// "ok N - ... # SKIP reason". Names lose what TAP would read as syntax ('#' is escaped, line
// breaks become spaces); YAML values are double-quoted JSON strings, valid UTF-8 whatever the
// logs held.
std::string tap_report(const std::vector<ScenarioResult>& results);
}  // namespace badgateway
