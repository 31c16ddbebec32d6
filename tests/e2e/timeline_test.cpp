// Scenarios in time against the real nginx: traffic while a fake stops and starts, and a reload
// that brings a changed snippet. Windows judge by the actions' real times (no timing verdicts:
// every bound below follows from the order of events, not from how fast the machine is).
#include <doctest/doctest.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/verdict/windows.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

std::string failed_checks(const PhaseResult& p) {
  std::string out;
  for (const auto& c : p.checks) {
    if (!c.passed) out += c.subject + ": expected " + c.expected + ", got " + c.actual + "\n";
  }
  return out + p.harness_error.value_or("");
}

TEST_CASE(
    "timeline: a fake stops and starts under open-loop traffic, and nginx answers 502 between") {
  Scenario s = load_scenario_string(R"(
name = "t-stop-start"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "ok"
[nginx]
location = "proxy_pass http://{{fakes.app}};"
[[traffic]]
rate = "40/s"
duration = "1500ms"
timeout = "2s"
[[timeline]]
at = "400ms"
fake = "app"
action = "stop"
[[timeline]]
at = "900ms"
fake = "app"
action = "start"
[expect]
error_log = 'connect\(\) failed \(111: Connection refused\)'
# A request sent just before the stop may reach the fake after it: the window ends earlier.
[[expect.window]]
name = "before"
until = "app stops - 50ms"
count.failure = 0
# And one sent just before the start may reach it after (CI: sent 0.56 ms after the schedule,
# answered 200): the window ends earlier too.
[[expect.window]]
name = "stopped"
from = "app stops"
until = "app starts - 50ms"
count.success = 0
count."502" = { min = 5 }
[[expect.window]]
name = "started"
from = "app starts"
count.failure = 0
first_success = { max = "1s" }
)",
                                    "inline.toml");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(s, nginx, {});
  INFO(failed_checks(r.broken));
  CHECK(r.verdict() == Verdict::pass);
  const Observation& seen = r.broken.observed;
  CHECK(seen.traffic.size() == 60);
  REQUIRE(seen.timeline.size() == 2);
  CHECK(seen.timeline[0].label == "app stops");
  REQUIRE(seen.timeline[0].happened);
  CHECK(*seen.timeline[0].happened >= Micros(400'000));  // never early
  CHECK(seen.timeline[1].happened);
  for (const auto& resp : seen.traffic) {
    // Who generated each: the fake answered the 200s, nginx the 502s.
    if (resp.status == 200) CHECK(resp.fake == "app");
    if (resp.status == 502) CHECK(resp.fake.empty());
  }
}

TEST_CASE(
    "timeline: a reload brings a changed snippet, and requests before it got the old config") {
  Scenario s = load_scenario_string(R"(
name = "t-reload"
description = "d"
cause = "misconfiguration"
teaches = "t"
[nginx]
location = "return 204;"
[[traffic]]
rate = "20/s"
duration = "1500ms"
[[timeline]]
at = "500ms"
action = "reload"
with = { location = "return 200;" }
[expect]
error_log = 'signal 1 \(SIGHUP\) received'
[[expect.window]]
name = "before"
until = "nginx reloads"
count."204" = { min = 5 }
count.failure = 0
[[expect.window]]
name = "after"
from = "nginx reloads"
count.failure = 0
count."200" = { min = 1 }
)",
                                    "inline.toml");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(s, nginx, {});
  INFO(failed_checks(r.broken));
  CHECK(r.verdict() == Verdict::pass);
  const Observation& seen = r.broken.observed;
  REQUIRE(seen.timeline.size() == 1);
  const TimelineEvent& reload = seen.timeline[0];
  REQUIRE(reload.happened);
  REQUIRE(reload.done);
  CHECK(*reload.done >= *reload.happened);
  REQUIRE(seen.traffic_start);
  for (const auto& resp : seen.traffic) {
    REQUIRE(resp.sent_at);
    const auto at = std::chrono::duration_cast<Micros>(*resp.sent_at - *seen.traffic_start);
    if (at < *reload.happened) CHECK(resp.status == 204);  // only the old config existed
  }
  CHECK(seen.traffic.back().status == 200);
}

TEST_CASE("timeline: a reload nginx refuses fails its action, and nginx keeps serving") {
  Scenario s = load_scenario_string(R"(
name = "t-reload-refused"
description = "d"
cause = "misconfiguration"
teaches = "t"
[nginx]
location = "return 204;"
[[traffic]]
rate = "20/s"
duration = "800ms"
[[timeline]]
at = "300ms"
action = "reload"
with = { location = "proxy_pass http://127.0.0.1:1 nonsense;" }
[expect]
[[expect.window]]
count.failure = 0
)",
                                    "inline.toml");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(s, nginx, {});
  CHECK(r.verdict() == Verdict::fail);
  REQUIRE(r.broken.observed.timeline.size() == 1);
  const TimelineEvent& reload = r.broken.observed.timeline[0];
  CHECK_FALSE(reload.happened);
  CHECK(reload.error.find("nginx rejected the new config") != std::string::npos);
  bool window_passed = false;
  for (const auto& c : r.broken.checks) {
    if (c.kind == CheckKind::window && c.subject.ends_with("count failure"))
      window_passed = c.passed;
  }
  CHECK(window_passed);  // the old config served every request
}

}  // namespace
}  // namespace badgateway
