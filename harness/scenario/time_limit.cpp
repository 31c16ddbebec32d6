#include "harness/scenario/time_limit.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fakes/base/units.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {

Millis planned_duration(const Scenario& s) {
  Millis once{0};
  for (const auto& q : s.requests) {
    auto rounds = (q.count + q.concurrency - 1) / q.concurrency;
    once += q.delay + rounds * q.timeout;
  }
  // Traffic and the timeline run beside the requests, from the start: the last of them to end.
  Millis in_time{0};
  for (const auto& t : s.traffic)
    in_time = std::max(in_time, t.start + t.duration + t.request.timeout);
  for (const auto& a : s.timeline) in_time = std::max(in_time, a.at + a.deadline);
  if (s.fix && s.fix->timeline) {
    for (const auto& a : *s.fix->timeline) in_time = std::max(in_time, a.at + a.deadline);
  }
  once = std::max(once, in_time);
  return s.fixed ? 2 * once : once;
}

void check_time_limit(const Scenario& s, Millis limit) {
  Millis planned = planned_duration(s);
  if (planned <= limit) return;
  throw ScenarioError(fmt::format(
      "{}: requests: may take up to {} (delay plus count / concurrency x timeout per group{}), "
      "over the scenario time limit of {} (run --timeout)",
      s.requests_origin.str(), format_duration(planned), s.fixed ? ", twice with the fix" : "",
      format_duration(limit)));
}

}  // namespace badgateway
