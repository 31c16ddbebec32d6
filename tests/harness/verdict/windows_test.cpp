// Verdicts over time, on made-up observations: which responses a window holds, counts, shares,
// runs of failures, recovery times, and marks whose action did not happen.
#include "harness/verdict/windows.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Responses sent every 100 ms from 0 with these statuses (0: no response).
bg::Observation timeline_of(const std::vector<int>& statuses) {
  bg::Observation seen;
  const auto start = Clock::time_point{} + 1h;
  seen.traffic_start = start;
  // std::string(...), not a literal: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
  // assigning a short literal here.
  bg::Response get;
  get.method = std::string("GET");
  get.path = std::string("/");
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    bg::Response r = get;
    r.status = statuses[i];
    r.outcome = statuses[i] ? bg::Outcome::complete : bg::Outcome::empty_reply;
    r.sent_at = start + i * 100ms;
    r.ended_at = *r.sent_at + 5ms;
    seen.traffic.push_back(r);
  }
  bg::TimelineEvent stop{"app stops", "stop", "app", 300ms, 300ms + 500us, 300ms + 600us, ""};
  bg::TimelineEvent start_again{"app starts",
                                "start",
                                "app",
                                500ms,
                                std::nullopt,
                                std::nullopt,
                                "the fakes' I/O thread did not get to it in time"};
  seen.timeline = {stop, start_again};
  return seen;
}

bg::TimeMark mark(std::optional<std::string> action, bg::Millis offset) {
  return {std::move(action), offset, "mark"};
}

const bg::Check& find(const std::vector<bg::Check>& checks, const std::string& subject) {
  for (const auto& c : checks) {
    if (c.subject == subject) return c;
  }
  FAIL("no check " << subject);
  return checks.front();
}

}  // namespace

TEST_SUITE("windows") {
  TEST_CASE("success is a complete 2xx or 3xx, and keys count statuses, classes and outcomes") {
    bg::Response r;
    r.status = 200;
    r.outcome = bg::Outcome::complete;
    CHECK(bg::is_success(r));
    CHECK(bg::counts_as(r, "2xx"));
    CHECK(bg::counts_as(r, "200"));
    CHECK_FALSE(bg::counts_as(r, "failure"));
    r.outcome = bg::Outcome::truncated;  // a 200 cut short failed
    CHECK_FALSE(bg::is_success(r));
    r.status = 502;
    r.outcome = bg::Outcome::complete;
    CHECK(bg::counts_as(r, "5xx"));
    CHECK(bg::counts_as(r, "failure"));
    CHECK_FALSE(bg::counts_as(r, "4xx"));
    r.status = 0;
    CHECK(bg::counts_as(r, "0"));
  }

  TEST_CASE("timeline checks: happened against schedule, or why not") {
    auto checks = bg::judge_in_time({}, timeline_of({200}));
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].kind == bg::CheckKind::timeline);
    CHECK(checks[0].subject == "timeline \"app stops\"");
    CHECK(checks[0].expected == "app stop at 300ms");
    CHECK(checks[0].actual.find("(+0.500ms from schedule)") != std::string::npos);
    CHECK(checks[0].passed);
    CHECK_FALSE(checks[1].passed);
    CHECK(checks[1].actual == "the fakes' I/O thread did not get to it in time");
  }

  TEST_CASE(
      "a window holds the responses sent from its start to its end, by the action's real time") {
    //                                   0    100  200  300  400  500  600  700
    bg::Observation seen = timeline_of({200, 200, 200, 502, 502, 0, 200, 200});
    bg::WindowSpec w;
    w.name = "outage";
    w.from = mark("app stops", 0ms);  // 300.5 ms: the response sent at 300 ms is before
    w.until = mark(std::nullopt, 600ms);
    w.responses = {2, 2};
    w.count["5xx"] = {1, std::nullopt};
    w.count["success"] = {0, 0};
    w.share["failure"] = {1.0, std::nullopt};
    w.max_failure_run = 1;
    auto checks = bg::judge_in_time({w}, seen);
    CHECK(find(checks, "window \"outage\": responses").passed);
    CHECK(find(checks, "window \"outage\": responses").actual == "2 sent in 300.500ms..600ms");
    CHECK(find(checks, "window \"outage\": count 5xx").actual ==
          "1 (the first: GET / sent at 400ms)");
    CHECK(find(checks, "window \"outage\": count success").passed);
    CHECK(find(checks, "window \"outage\": share failure").passed);
    const bg::Check& run = find(checks, "window \"outage\": max_failure_run");
    CHECK_FALSE(run.passed);  // 502 then no response: two failures in a row
    CHECK(run.actual == "2 (from GET / sent at 400ms)");
  }

  TEST_CASE("recovery: first success and sustained success from the window's start") {
    //                                   0    100  200  300  400  500  600  700  800
    bg::Observation seen = timeline_of({200, 502, 502, 200, 502, 200, 200, 200, 200});
    bg::WindowSpec w;
    w.name = "recovery";
    w.from = mark(std::nullopt, 100ms);
    w.first_success = bg::DurationBound{150ms, 250ms};
    w.sustained_success = bg::DurationBound{std::nullopt, 300ms};
    auto checks = bg::judge_in_time({w}, seen);
    const bg::Check& first = find(checks, "window \"recovery\": first_success");
    CHECK(first.passed);
    CHECK(first.actual == "200ms (GET / sent at 300ms)");
    const bg::Check& sustained = find(checks, "window \"recovery\": sustained_success");
    CHECK_FALSE(sustained.passed);  // the last failure was sent at 400 ms: sustained from 500 ms
    CHECK(sustained.actual.starts_with("400ms (GET / sent at 500ms;"));
    CHECK(sustained.expected == "0..300ms");
  }

  TEST_CASE("sustained success fails when the window ends on a failure, and empty windows fail") {
    bg::Observation seen = timeline_of({200, 502});
    bg::WindowSpec w;
    w.name = "w";
    w.responses.min = 1;
    w.sustained_success = bg::DurationBound{std::nullopt, 1s};
    auto checks = bg::judge_in_time({w}, seen);
    CHECK(find(checks, "window \"w\": sustained_success").actual.starts_with("never"));
    bg::WindowSpec late;
    late.name = "late";
    late.from = mark(std::nullopt, 10s);
    late.responses.min = 1;
    checks = bg::judge_in_time({late}, seen);
    CHECK_FALSE(find(checks, "window \"late\": responses").passed);
  }

  TEST_CASE("a mark whose action did not happen fails its window, saying why") {
    bg::WindowSpec w;
    w.name = "after";
    w.from = mark("app starts", 0ms);
    w.count["failure"] = {0, 0};
    auto checks = bg::judge_in_time({w}, timeline_of({200}));
    const bg::Check& c = find(checks, "window \"after\": from..until");
    CHECK_FALSE(c.passed);
    CHECK(c.actual.find("did not happen") != std::string::npos);
  }
}

TEST_SUITE("windows") {
  TEST_CASE("upstream: a window holds the responses whose last attempt went to that fake") {
    bg::Observation seen = timeline_of({502, 200, 200, 200});
    seen.upstream_addresses = {{"app", {"127.0.0.1:8081"}}, {"backup", {"127.0.0.1:8082"}}};
    const std::vector<std::string> addrs = {
        "127.0.0.1:8081",                  // the first attempt only
        "127.0.0.1:8081, 127.0.0.1:8082",  // retried on backup
        "127.0.0.1:8082",
        "127.0.0.1:8081 : 127.0.0.1:8082",  // an internal redirect, then backup
    };
    for (std::size_t i = 0; i < seen.traffic.size(); ++i) {
      seen.traffic[i].request_id = "t" + std::to_string(i);
      bg::AccessRecord rec;
      rec.request_id = seen.traffic[i].request_id;
      rec.upstream_addr = addrs[i];
      seen.access[rec.request_id] = rec;
    }
    bg::WindowSpec backup;
    backup.name = "backup";
    backup.upstream = "backup";
    backup.responses = {3, 3};
    backup.count["success"] = {3, 3};
    bg::WindowSpec app;
    app.name = "app";
    app.upstream = "app";
    app.responses = {1, 1};
    app.count["502"] = {1, 1};
    auto checks = bg::judge_in_time({backup, app}, seen);
    const auto& held = find(checks, "window \"backup\": responses");
    CHECK(held.passed);
    CHECK(held.actual.find("served by backup (127.0.0.1:8082)") != std::string::npos);
    CHECK(find(checks, "window \"backup\": count success").passed);
    CHECK(find(checks, "window \"app\": responses").passed);
    CHECK(find(checks, "window \"app\": count 502").passed);

    bg::WindowSpec missing;
    missing.name = "gone";
    missing.upstream = "other";
    missing.responses = {1, std::nullopt};
    auto failed = bg::judge_in_time({missing}, seen);
    CHECK_FALSE(find(failed, "window \"gone\": upstream").passed);
  }
}
