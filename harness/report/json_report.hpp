#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {

// How the run was made, so that a report is enough to replay it; each is written when used.
struct RunInfo {
  std::optional<std::uint64_t> seed;  // --shuffle --seed
  std::optional<std::string> shard;   // --shard "2/4"
  int repeat = 1;                     // --repeat
  bool fail_fast = false;             // --fail-fast
};

// One JSON document (compact, one line): the run's counts and one object per scenario and nginx,
// `"status":"finished"` with its verdict and phases, `"status":"skipped"` with `skip_reason`, or
// `"status":"interrupted"` (not run). Text from logs is made valid UTF-8 with printable_utf8().
// Never throws on the results' content.
std::string json_report(const std::vector<ScenarioResult>& results, Millis wall_time,
                        const RunInfo& run = {});

}  // namespace badgateway
