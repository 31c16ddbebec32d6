#include "harness/verdict/verdict.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace bg = badgateway;
using bg::CheckKind;
using namespace std::chrono_literals;

namespace {

bg::Response response(int status, std::string fake = "", std::string outcome = "complete",
                      bg::Millis elapsed = 10ms) {
  static int next_id = 0;
  bg::Response r;
  r.request_id = "req-" + std::to_string(++next_id);
  r.method = "GET";
  r.path = "/";
  r.status = status;
  r.fake = std::move(fake);
  r.outcome = bg::parse_outcome(outcome).value();
  r.elapsed = elapsed;
  return r;
}

// The checks of one kind, in order.
std::vector<bg::Check> of_kind(const std::vector<bg::Check>& checks, CheckKind kind) {
  std::vector<bg::Check> out;
  std::copy_if(checks.begin(), checks.end(), std::back_inserter(out),
               [&](const bg::Check& c) { return c.kind == kind; });
  return out;
}

// The single check of a kind.
bg::Check only(const std::vector<bg::Check>& checks, CheckKind kind) {
  auto found = of_kind(checks, kind);
  REQUIRE(found.size() == 1);
  return found[0];
}

bool all_passed(const std::vector<bg::Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const bg::Check& c) { return c.passed; });
}

}  // namespace

TEST_SUITE("verdict") {
  TEST_CASE("an empty expectation still checks that nginx kept running and logged no alert") {
    bg::Observation seen;
    seen.responses = {response(200, "app")};
    auto checks = bg::judge(bg::Expectation{}, seen);
    REQUIRE(checks.size() == 3);
    CHECK(checks[0].kind == CheckKind::nginx_crashed);
    CHECK(checks[0].passed);
    CHECK(of_kind(checks, CheckKind::no_error_log).size() == 2);
    CHECK(all_passed(checks));
  }

  TEST_CASE("status: one value for every response") {
    bg::Expectation e;
    e.status = std::vector<int>{502};
    bg::Observation seen;
    seen.responses = {response(502), response(502)};
    auto c = only(bg::judge(e, seen), CheckKind::status);
    CHECK(c.passed);
    CHECK(c.subject == "status");
    CHECK(c.expected == "502");
    CHECK(c.actual == "502, 502");

    seen.responses[1].status = 504;
    c = only(bg::judge(e, seen), CheckKind::status);
    CHECK_FALSE(c.passed);
    CHECK(c.expected == "502");
    CHECK(c.actual == "502, 504");
  }

  TEST_CASE("status: one value per response") {
    bg::Expectation e;
    e.status = std::vector<int>{502, 200};
    bg::Observation seen;
    seen.responses = {response(502), response(200, "app")};
    auto c = only(bg::judge(e, seen), CheckKind::status);
    CHECK(c.passed);
    CHECK(c.expected == "502, 200");
    CHECK(c.actual == "502, 200");

    std::swap(seen.responses[0], seen.responses[1]);  // same statuses, wrong order
    c = only(bg::judge(e, seen), CheckKind::status);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "200, 502");
  }

  TEST_CASE("interim: every response's 1xx responses, in order, before its final one") {
    bg::Expectation e;
    e.interim = std::vector<int>{103};
    bg::Observation seen;
    bg::Response hinted = response(0, "", "truncated");
    hinted.interim = {103};
    seen.responses = {hinted, hinted};
    auto c = only(bg::judge(e, seen), CheckKind::status);
    CHECK(c.subject == "interim");
    CHECK(c.passed);

    seen.responses = {hinted, response(200)};  // the second had no 103
    c = only(bg::judge(e, seen), CheckKind::status);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "[103], []");
  }

  TEST_CASE("generated_by: \"none\" is a response without a final status") {
    bg::Expectation e;
    e.generated_by = std::vector<bg::GeneratedBy>{bg::GeneratedBy::none};
    bg::Observation seen;
    seen.responses = {response(0, "", "truncated")};
    CHECK(only(bg::judge(e, seen), CheckKind::generated_by).passed);
  }

  TEST_CASE("generated_by: an empty Response.fake means nginx answered itself") {
    bg::Expectation e;
    e.generated_by = std::vector<bg::GeneratedBy>{bg::GeneratedBy::nginx};
    bg::Observation seen;
    seen.responses = {response(502)};
    auto c = only(bg::judge(e, seen), CheckKind::generated_by);
    CHECK(c.passed);
    CHECK(c.actual == "nginx");

    seen.responses = {response(502, "app")};  // the upstream's own 502
    c = only(bg::judge(e, seen), CheckKind::generated_by);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "upstream");

    e.generated_by = std::vector<bg::GeneratedBy>{bg::GeneratedBy::upstream};
    CHECK(only(bg::judge(e, seen), CheckKind::generated_by).passed);
  }

  TEST_CASE("generated_by per response, and no status at all is neither") {
    bg::Expectation e;
    e.generated_by =
        std::vector<bg::GeneratedBy>{bg::GeneratedBy::nginx, bg::GeneratedBy::upstream};
    bg::Observation seen;
    seen.responses = {response(502), response(200, "app")};
    CHECK(only(bg::judge(e, seen), CheckKind::generated_by).passed);

    seen.responses[1] = response(0, "", "connect_failed");
    auto c = only(bg::judge(e, seen), CheckKind::generated_by);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "nginx, none");
  }

  TEST_CASE("outcome") {
    bg::Expectation e;
    e.outcome = std::vector<bg::Outcome>{bg::Outcome::truncated};
    bg::Observation seen;
    seen.responses = {response(200, "app", "truncated")};
    CHECK(only(bg::judge(e, seen), CheckKind::outcome).passed);
    seen.responses = {response(200, "app", "complete")};
    auto c = only(bg::judge(e, seen), CheckKind::outcome);
    CHECK_FALSE(c.passed);
    CHECK(c.expected == "truncated");
    CHECK(c.actual == "complete");
  }

  TEST_CASE("error_log: every pattern must match some line") {
    bg::Expectation e;
    e.error_log =
        std::vector<std::string>{R"(connect\(\) failed \(111)", "while connecting to upstream"};
    bg::Observation seen;
    seen.responses = {response(502)};
    seen.error_log = {"2024/01/01 00:00:00 [notice] 1#1: start worker processes",
                      "2024/01/01 00:00:01 [error] 2#2: *1 connect() failed (111: Connection "
                      "refused) while connecting "
                      "to upstream"};
    auto checks = of_kind(bg::judge(e, seen), CheckKind::error_log);
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].passed);
    CHECK(checks[0].subject == R"(error_log /connect\(\) failed \(111/)");
    CHECK(checks[0].actual == seen.error_log[1]);  // the line that matched
    CHECK(checks[1].passed);

    seen.error_log.pop_back();
    checks = of_kind(bg::judge(e, seen), CheckKind::error_log);
    REQUIRE(checks.size() == 2);
    CHECK_FALSE(checks[0].passed);
    CHECK(checks[0].actual == "no match in 1 lines");
    CHECK_FALSE(checks[1].passed);
  }

  TEST_CASE("the default no_error_log catches [alert] and [emerg]") {
    bg::Observation seen;
    seen.responses = {response(200, "app")};
    seen.error_log = {"2024/01/01 00:00:00 [alert] 1#1: worker process 2 exited on signal 11"};
    auto checks = of_kind(bg::judge(bg::Expectation{}, seen), CheckKind::no_error_log);
    REQUIRE(checks.size() == 2);
    CHECK_FALSE(checks[0].passed);
    CHECK(checks[0].subject == R"(no_error_log /\[alert\]/)");
    CHECK(checks[0].actual == seen.error_log[0]);
    CHECK(checks[1].passed);

    seen.error_log = {"2024/01/01 00:00:00 [emerg] 1#1: bind() to 127.0.0.1:80 failed"};
    checks = of_kind(bg::judge(bg::Expectation{}, seen), CheckKind::no_error_log);
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].passed);
    CHECK_FALSE(checks[1].passed);
    CHECK(checks[1].subject == R"(no_error_log /\[emerg\]/)");

    seen.error_log = {"2024/01/01 00:00:00 [error] 2#2: *1 upstream timed out"};
    CHECK(all_passed(of_kind(bg::judge(bg::Expectation{}, seen), CheckKind::no_error_log)));
  }

  TEST_CASE("scenario no_error_log patterns add to the defaults") {
    bg::Expectation e;
    e.no_error_log = std::vector<std::string>{"upstream timed out"};
    bg::Observation seen;
    seen.responses = {response(504)};
    auto checks = of_kind(bg::judge(e, seen), CheckKind::no_error_log);
    REQUIRE(checks.size() == 3);
    CHECK(all_passed(checks));
    seen.error_log = {
        "2024/01/01 00:00:01 [error] 2#2: *1 upstream timed out (110: Connection timed out)"};
    checks = of_kind(bg::judge(e, seen), CheckKind::no_error_log);
    REQUIRE(checks.size() == 3);
    CHECK(checks[0].passed);
    CHECK(checks[1].passed);
    CHECK_FALSE(checks[2].passed);
    CHECK(checks[2].subject == "no_error_log /upstream timed out/");
  }

  TEST_CASE("elapsed bounds apply to every response") {
    bg::Expectation e;
    e.elapsed = bg::TimeBound{100ms, 1000ms};
    bg::Observation seen;
    seen.responses = {response(504, "", "complete", 100ms), response(504, "", "complete", 1000ms)};
    auto c = only(bg::judge(e, seen), CheckKind::elapsed);
    CHECK(c.passed);  // both bounds are inclusive
    CHECK(c.actual.find(", ") != std::string::npos);

    seen.responses[1].elapsed = 1001ms;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::elapsed).passed);
    seen.responses[1].elapsed = 500ms;
    seen.responses[0].elapsed = 99ms;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::elapsed).passed);
  }

  TEST_CASE("a lower elapsed bound allows nginx's timer granularity, under 1 ms, no more") {
    bg::Expectation e;
    e.elapsed = bg::TimeBound{200ms, std::nullopt};
    bg::Observation seen;
    seen.responses = {response(504)};
    seen.responses[0].elapsed = std::chrono::microseconds(199'001);  // fired 0.999 ms early
    auto c = only(bg::judge(e, seen), CheckKind::elapsed);
    CHECK(c.passed);
    CHECK(c.expected == "200ms-1ms..inf");
    CHECK(c.actual == "199.001ms");
    seen.responses[0].elapsed = std::chrono::microseconds(199'000);
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::elapsed).passed);
  }

  TEST_CASE("request_time bounds nginx's own $request_time, 1 ms of clock truncation below") {
    bg::Expectation e;
    e.request_time = bg::TimeBound{200ms, 500ms};
    bg::Observation seen;
    seen.responses = {response(504), response(504)};
    for (const auto& r : seen.responses) {
      bg::AccessRecord a;
      a.request_id = r.request_id;
      a.request_time = 0.2;
      seen.access[r.request_id] = a;
    }
    auto c = only(bg::judge(e, seen), CheckKind::request_time);
    CHECK(c.passed);
    CHECK(c.actual == "200ms, 200ms");
    seen.access[seen.responses[1].request_id].request_time = 0.199;  // seen in CI under load
    CHECK(only(bg::judge(e, seen), CheckKind::request_time).passed);
    seen.access[seen.responses[1].request_id].request_time = 0.198;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::request_time).passed);
    seen.access[seen.responses[1].request_id].request_time = 0.501;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::request_time).passed);
    seen.access.erase(seen.responses[1].request_id);  // no line: cannot pass
    c = only(bg::judge(e, seen), CheckKind::request_time);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "200ms, no access-log line");
  }

  TEST_CASE("elapsed with only one bound") {
    bg::Expectation e;
    e.elapsed = bg::TimeBound{std::nullopt, 1000ms};
    bg::Observation seen;
    seen.responses = {response(502, "", "complete", 0ms)};
    auto c = only(bg::judge(e, seen), CheckKind::elapsed);
    CHECK(c.passed);
    CHECK(c.expected.starts_with("0.."));
    e.elapsed = bg::TimeBound{2000ms, std::nullopt};
    seen.responses[0].elapsed = 60000ms;
    c = only(bg::judge(e, seen), CheckKind::elapsed);
    CHECK(c.passed);
    CHECK(c.expected.ends_with("..inf"));
    seen.responses[0].elapsed = 1999ms;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::elapsed).passed);
  }

  TEST_CASE("fake counts compare connections and requests separately") {
    bg::Expectation e;
    e.fakes["app"].connections = 2;
    e.fakes["app"].requests = 1;
    bg::Observation seen;
    seen.responses = {response(502)};
    seen.fakes["app"].connections = 2;
    seen.fakes["app"].requests = 0;
    auto checks = of_kind(bg::judge(e, seen), CheckKind::fake_count);
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].subject == "fakes.app.connections");
    CHECK(checks[0].passed);
    CHECK(checks[1].subject == "fakes.app.requests");
    CHECK_FALSE(checks[1].passed);
    CHECK(checks[1].expected == "1");
    CHECK(checks[1].actual == "0");
  }

  TEST_CASE("a fake with no stats counts as zero") {
    bg::Expectation e;
    e.fakes["app"].connections = 0;
    bg::Observation seen;
    seen.responses = {response(502)};
    auto c = only(bg::judge(e, seen), CheckKind::fake_count);
    CHECK(c.passed);
    e.fakes["app"].connections = 1;
    CHECK_FALSE(only(bg::judge(e, seen), CheckKind::fake_count).passed);
  }

  TEST_CASE("a connection count the upstream could not make fails as unknown, even against 0") {
    bg::Expectation e;
    e.fakes["php"].connections = 0;
    bg::Observation seen;
    seen.responses = {response(200)};
    seen.fakes["php"].requests = 1;  // connections left unknown, as a real PHP-FPM pool leaves it
    auto c = only(bg::judge(e, seen), CheckKind::fake_count);
    CHECK_FALSE(c.passed);
    CHECK(c.expected == "0");
    CHECK(c.actual == "unknown (this upstream does not count them)");
  }

  TEST_CASE("upstream_attempts come from the access log's $upstream_status") {
    bg::Expectation e;
    e.upstream_attempts = std::vector<int>{2, 0};
    bg::Observation seen;
    seen.responses = {response(200, "backup"), response(502)};
    bg::AccessRecord retried;
    retried.upstream_status = "502, 200";
    seen.access[seen.responses[0].request_id] = retried;
    bg::AccessRecord local;
    local.upstream_status = "-";
    seen.access[seen.responses[1].request_id] = local;
    auto c = only(bg::judge(e, seen), CheckKind::upstream_attempts);
    CHECK(c.passed);
    CHECK(c.actual == "2, 0");

    e.upstream_attempts = std::vector<int>{1};
    c = only(bg::judge(e, seen), CheckKind::upstream_attempts);
    CHECK_FALSE(c.passed);
    CHECK(c.expected == "1");
  }

  TEST_CASE("upstream_attempts without an access-log line is -1") {
    bg::Expectation e;
    e.upstream_attempts = std::vector<int>{0};
    bg::Observation seen;
    seen.responses = {response(0, "", "connect_failed")};
    auto c = only(bg::judge(e, seen), CheckKind::upstream_attempts);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "-1");
  }

  TEST_CASE("nginx_crashed when nginx was not running at the end") {
    bg::Observation seen;
    seen.responses = {response(502)};
    seen.nginx_exit = "killed by signal 11";
    auto c = only(bg::judge(bg::Expectation{}, seen), CheckKind::nginx_crashed);
    CHECK_FALSE(c.passed);
    CHECK(c.actual == "killed by signal 11");
    CHECK(c.expected == "running until stopped");
  }

  TEST_CASE("check kinds have names") {
    CHECK(bg::to_string(CheckKind::status) == "status");
    CHECK(bg::to_string(CheckKind::fake_count) == "fake_count");
    CHECK(bg::to_string(CheckKind::upstream_attempts) == "upstream_attempts");
    CHECK(bg::to_string(CheckKind::nginx_crashed) == "nginx_crashed");
  }
}

TEST_CASE("nginx outcome: rejected as expected judges what nginx printed, nothing else") {
  bg::Observation seen;
  seen.nginx = bg::NginxOutcome::rejected;
  seen.error_log = {"nginx: [emerg] \"proxy_busy_buffers_size\" must be less than x",
                    "nginx: configuration file /x/nginx.conf test failed"};
  bg::Expectation e;
  e.nginx = bg::NginxOutcome::rejected;
  e.error_log = std::vector<std::string>{R"(\[emerg\] "proxy_busy_buffers_size")"};
  e.status = std::vector<int>{200};  // a fix's default: moot when nginx never ran
  auto checks = bg::judge(e, seen);
  REQUIRE(checks.size() == 4);  // nginx, error_log, the two default bans
  CHECK(checks[0].kind == bg::CheckKind::nginx);
  CHECK(checks[0].passed);
  CHECK(checks[0].expected == "rejected");
  for (const auto& c : checks) {
    CAPTURE(c.subject);
    CHECK(c.passed);  // the [emerg] ban spares the line error_log names
  }
}

TEST_CASE("nginx outcome: expected rejected, nginx ran: the check fails, requests are judged") {
  bg::Observation seen;
  seen.responses = {};
  bg::Expectation e;
  e.nginx = bg::NginxOutcome::rejected;
  auto checks = bg::judge(e, seen);
  REQUIRE_FALSE(checks.empty());
  CHECK(checks[0].kind == bg::CheckKind::nginx);
  CHECK_FALSE(checks[0].passed);
  CHECK(checks[0].actual == "runs");
  // Unset and seen running: no nginx check at all (the report stays as it was).
  auto plain = bg::judge(bg::Expectation{}, seen);
  CHECK(std::none_of(plain.begin(), plain.end(),
                     [](const bg::Check& c) { return c.kind == bg::CheckKind::nginx; }));
  CHECK(bg::to_string(bg::CheckKind::nginx) == "nginx");
}

TEST_CASE("default bans spare only the lines an error_log pattern names") {
  bg::Observation seen;
  seen.responses = {};
  seen.error_log = {"[alert] 1#1: *3 1024 worker_connections are not enough",
                    "[alert] 1#1: something else"};
  bg::Expectation e;
  e.error_log = std::vector<std::string>{"worker_connections are not enough"};
  auto checks = bg::judge(e, seen);
  bool banned_alert = false;
  for (const auto& c : checks) {
    if (c.kind == bg::CheckKind::no_error_log && c.subject == R"(no_error_log /\[alert\]/)") {
      banned_alert = true;
      CHECK_FALSE(c.passed);
      CHECK(c.actual == "[alert] 1#1: something else");
    }
  }
  CHECK(banned_alert);
  // A scenario's own no_error_log is not lifted by its error_log.
  e.no_error_log = std::vector<std::string>{"worker_connections"};
  auto again = bg::judge(e, seen);
  CHECK(std::any_of(again.begin(), again.end(), [](const bg::Check& c) {
    return c.subject == "no_error_log /worker_connections/" && !c.passed;
  }));
}
