#pragma once
// `badgateway sweep`'s results (issue 13): per value of the varied setting, what the phase's
// requests came to: the status mix, p50/p99 latency and how many upstream attempts each took.
// As a terminal table, an HTML page with an SVG chart (drawn here, like svg_chart) and JSON.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/units.hpp"
#include "harness/observe/observation.hpp"

namespace badgateway {

struct SweepPoint {
  std::string value;                 // as given to --vary
  std::optional<std::string> error;  // a harness error: the value did not run (no figures)
  std::uint64_t requests = 0;
  std::map<int, std::uint64_t> status;  // 0: no status line (timeout, reset, refused)
  Micros p50{0}, p99{0};                // of the requests that ended
  // Over the access-log lines with at least one upstream attempt: mean attempts per request
  // ($upstream_status entries: a retry by proxy_next_upstream is a second entry) and how many
  // requests took more than one (work the upstreams may have done twice).
  std::uint64_t logged = 0;
  double mean_attempts = 0;
  std::uint64_t retried = 0;
};

struct Sweep {
  std::string scenario;  // its name
  std::string file;
  std::string name;   // the varied NAME of {{vary.NAME}}
  std::string nginx;  // "nginx 1.22.1 (local)"
  std::vector<SweepPoint> points;
};

// A point from what the phase observed: its [[traffic]] if it had any, else its [[requests]].
SweepPoint sweep_point(std::string value, const Observation& seen);

// "200x180,504x20"; "-" for none. Status 0 reads "none".
std::string status_mix(const std::map<int, std::uint64_t>& status);

// The terminal table: a header, one line per value.
std::string sweep_table(const Sweep& sweep);

// A self-contained HTML page: the table, and an SVG chart per value of the status mix (a
// stacked bar) and p50/p99 (two marks on a shared latency axis).
std::string sweep_html(const Sweep& sweep);

std::string sweep_json(const Sweep& sweep);

}  // namespace badgateway
