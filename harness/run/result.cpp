#include "harness/run/result.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace badgateway {

bool PhaseResult::passed() const {
  if (!ran || harness_error || timed_out) return false;
  for (const auto& c : checks) {
    if (!c.passed) return false;
  }
  return true;
}

std::string PhaseResult::summary() const {
  if (harness_error) return "error";
  if (timed_out) return "timeout";
  if (!ran) return "-";
  if (observed.nginx != NginxOutcome::runs) return std::string(to_string(observed.nginx));
  std::vector<std::string> parts;
  std::string last;
  int repeat = 0;
  auto flush = [&] {
    if (repeat == 0) return;
    parts.push_back(repeat > 1 ? fmt::format("{}x{}", last, repeat) : last);
  };
  // [[traffic]]'s after the requests: in the order they started, so the folds read as a story
  // ("200x40,502x130,200x70").
  std::vector<const Response*> all;
  for (const auto* list : {&observed.responses, &observed.traffic}) {
    for (const auto& r : *list) all.push_back(&r);
  }
  std::vector<std::pair<std::string, int>> totals;  // in order of first appearance
  for (const Response* each : all) {
    const Response& r = *each;
    std::string s = r.status ? fmt::format("{}", r.status) : std::string(to_string(r.outcome));
    if (r.status && r.outcome == Outcome::truncated) s += "~";
    auto total =
        std::find_if(totals.begin(), totals.end(), [&](const auto& t) { return t.first == s; });
    if (total == totals.end()) {
      totals.emplace_back(s, 1);
    } else {
      ++total->second;
    }
    if (s == last) {
      ++repeat;
    } else {
      flush();
      last = s;
      repeat = 1;
    }
  }
  flush();
  // Interleaved outcomes (a 502 every other request) would fill a line with folds that tell
  // nothing: past a dozen of them, the totals, and in how many runs they came.
  constexpr std::size_t kMaxFolds = 12;
  if (parts.size() > kMaxFolds) {
    std::vector<std::string> sums;
    for (const auto& [outcome, n] : totals) {
      sums.push_back(n > 1 ? fmt::format("{}x{}", outcome, n) : outcome);
    }
    return fmt::format("{} in {} runs", fmt::join(sums, ","), parts.size());
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "FAIL";
    case Verdict::error:
      return "ERROR";
    case Verdict::timeout:
      return "TIMEOUT";
    case Verdict::skipped:
      return "skip";
  }
  return "?";
}

Verdict ScenarioResult::verdict() const {
  if (skipped) return Verdict::skipped;
  if (broken.harness_error || (fixed && fixed->harness_error)) return Verdict::error;
  if (broken.timed_out || (fixed && fixed->timed_out)) return Verdict::timeout;
  if (!broken.passed() || (fixed && !fixed->passed())) return Verdict::fail;
  return Verdict::pass;
}

std::string display_name(const ScenarioResult& r) {
  return r.repetition > 0 ? fmt::format("{} #{}", r.name, r.repetition) : r.name;
}

std::string result_id(const ScenarioResult& r) {
  return fmt::format("{} [{}]", display_name(r), r.target);
}

}  // namespace badgateway
