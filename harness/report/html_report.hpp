#pragma once
#include <string>
#include <vector>

#include "harness/report/json_report.hpp"
#include "harness/run/result.hpp"

namespace badgateway {
// One self-contained HTML page (inline CSS and SVG, a few lines of inline script, nothing
// fetched): the summary table, then a section per result with what the scenario reproduces, the
// nginx settings from broken to fixed as a line diff, the fakes, each check against what was
// seen, the error log, and per phase a chart: for a phase with [[traffic]] or a [[timeline]], each
// request a bar from send to end coloured by status class with the timeline's actions as vertical
// marks (both phases on one time scale, side by side); for [[requests]] alone a table of the
// responses. Every text is HTML-escaped (xml_escape()). The script sets `data-ok` on <body> (the
// number of scenario sections) once it ran, which the browser test checks.
std::string html_report(const std::vector<ScenarioResult>& results, Millis wall_time,
                        const RunInfo& run);

// The colour class of a response: "s2xx", "s3xx", "s4xx", "s502", "s504", "s5xx" (other 5xx) or
// "none" (no status: no response, or it was cut short before one).
std::string status_class(int status);

// A line diff of `before` and `after` (longest common subsequence): each line prefixed with ' '
// (both), '-' (only before) or '+' (only after). Texts of more than 2000 lines each are shown as
// all removed, then all added.
std::vector<std::string> line_diff(const std::string& before, const std::string& after);
}  // namespace badgateway
