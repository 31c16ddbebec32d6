#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "harness/run/result.hpp"

namespace badgateway {

struct TerminalStyle {
  bool colour = false;
  // NO_COLOR set (any value) or not a terminal: no colour.
  static TerminalStyle detect(std::FILE* stream);
  std::string paint(std::string_view text, Verdict v) const;
  std::string dim(std::string_view text) const;
};

// One line per finished scenario, written as results come in.
std::string progress_line(const ScenarioResult& r, std::size_t done, std::size_t total,
                          const TerminalStyle& style);

// The summary: one row per scenario, one column group per nginx target (matrix view), then the
// details of everything that did not pass, then the totals.
std::string summary_table(const std::vector<ScenarioResult>& results, Millis wall_time,
                          const TerminalStyle& style);

}  // namespace badgateway
