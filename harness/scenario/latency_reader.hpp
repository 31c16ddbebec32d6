#pragma once
// A window's latency percentile checks: `latency.p99 = { max = "1s" }` (docs/scenario-format.md,
// "[[expect.window]]").
#include <map>
#include <string>

#include "harness/scenario/timeline.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// The window's `latency` table, keyed "p50", "p90", "p99", "p99.9" or "max", each a
// { min = DURATION, max = DURATION } bound; empty when absent. Throws ScenarioError at the
// offending key or value.
std::map<std::string, DurationBound> read_latency_bounds(Reader& r);

// The quantile a key names: 0.5 for "p50", 0.999 for "p99.9", 1 for "max".
double latency_quantile(const std::string& key);

}  // namespace badgateway
