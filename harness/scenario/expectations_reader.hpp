#pragma once
// The `[expect]` and `[fix.expect]` tables and their `[[...versions]]` overrides: what a phase
// must observe. Regexes are compiled here once (harness/regex), so a bad one is a load error.
#include <cstddef>
#include <string>
#include <vector>

#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// The phase's fakes, which `fakes.NAME` counts must name. A real PHP-FPM pool logs the requests
// it served but not the connections it accepted: a connections count for one of
// `requests_only` is an error at its key, and so are `queries` for a fake not in `dns`.
struct CountableFakes {
  std::vector<std::string> names;
  std::vector<std::string> requests_only;
  std::vector<std::string> dns{};  // DNS fakes: only they count `queries`
};

// `responses`: how many responses the phase gets; a per-response list (status, outcome,
// generated_by, upstream_attempts) has one value or that many. `format`: the file's; from 2,
// error_log and no_error_log patterns may hold placeholders (checked against `fakes.names`).
// Throws ScenarioError; rejects unknown keys.
ExpectationSet read_expectation_set(Reader& r, const CountableFakes& fakes, std::size_t responses,
                                    int format);

// An own config has no harness access log: nothing records $upstream_addr or $request_time per
// request, so upstream_attempts and request_time are load errors there (at `field`.KEY).
void reject_access_log_checks(Reader& r, const ExpectationSet& set, const std::string& field);

}  // namespace badgateway
