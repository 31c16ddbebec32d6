#include "harness/run/result.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;

namespace {

bg::PhaseResult ran_with(const std::vector<std::pair<int, std::string>>& responses) {
  bg::PhaseResult p;
  p.phase = "broken";
  p.ran = true;
  for (auto& [status, outcome] : responses) {
    bg::Response r;
    r.status = status;
    r.outcome = bg::parse_outcome(outcome).value();
    p.observed.responses.push_back(r);
  }
  return p;
}

bg::Check check(bool passed) {
  return {bg::CheckKind::status, "status", "502", "502", passed};
}

}  // namespace

TEST_SUITE("result") {
  TEST_CASE("summary compresses repeated statuses") {
    CHECK(ran_with({{502, "complete"}, {502, "complete"}}).summary() == "502x2");
    CHECK(ran_with({{502, "complete"}}).summary() == "502");
    CHECK(ran_with({{200, "complete"}, {502, "complete"}}).summary() == "200,502");
    CHECK(ran_with({{502, "complete"}, {502, "complete"}, {200, "complete"}, {502, "complete"}})
              .summary() == "502x2,200,502");
  }

  TEST_CASE("summary shows the outcome when there was no status, and marks truncated bodies") {
    CHECK(
        ran_with({{0, "connect_failed"}, {0, "connect_failed"}, {0, "connect_failed"}}).summary() ==
        "connect_failedx3");
    CHECK(ran_with({{200, "truncated"}}).summary() == "200~");
    CHECK(ran_with({{200, "truncated"}, {200, "complete"}}).summary() == "200~,200");
  }

  TEST_CASE("summary of a phase that did not run or hit a harness error") {
    bg::PhaseResult not_run;
    CHECK(not_run.summary() == "-");
    bg::PhaseResult broken = ran_with({{502, "complete"}});
    broken.harness_error = "nginx -t failed";
    CHECK(broken.summary() == "error");
    CHECK(ran_with({}).summary().empty());
  }

  TEST_CASE("passed needs a run, no harness error and every check passing") {
    bg::PhaseResult p = ran_with({{502, "complete"}});
    CHECK(p.passed());
    p.checks = {check(true), check(true)};
    CHECK(p.passed());
    p.checks.push_back(check(false));
    CHECK_FALSE(p.passed());
    p.checks.pop_back();
    p.ran = false;
    CHECK_FALSE(p.passed());
    p.ran = true;
    p.harness_error = "boom";
    CHECK_FALSE(p.passed());
  }

  TEST_CASE("a scenario's verdict: errors beat failures, the fixed phase counts too") {
    bg::ScenarioResult r;
    r.broken = ran_with({{502, "complete"}});
    CHECK(r.verdict() == bg::Verdict::pass);
    r.fixed = ran_with({{200, "complete"}});
    CHECK(r.verdict() == bg::Verdict::pass);
    r.fixed->checks = {check(false)};
    CHECK(r.verdict() == bg::Verdict::fail);
    r.broken.harness_error = "no nginx";
    CHECK(r.verdict() == bg::Verdict::error);
    r.broken.harness_error.reset();
    r.fixed->harness_error = "port in use";
    CHECK(r.verdict() == bg::Verdict::error);
    CHECK(bg::to_string(bg::Verdict::pass) == "pass");
    CHECK(bg::to_string(bg::Verdict::fail) == "FAIL");
    CHECK(bg::to_string(bg::Verdict::error) == "ERROR");
  }

  TEST_CASE("an overrun is its own verdict: over a failure, under a harness error") {
    bg::ScenarioResult r;
    r.broken = ran_with({{0, "timeout"}});
    r.broken.checks = {check(false)};
    r.broken.timed_out = true;
    CHECK_FALSE(r.broken.passed());
    CHECK(r.broken.summary() == "timeout");
    CHECK(r.verdict() == bg::Verdict::timeout);
    CHECK(bg::to_string(bg::Verdict::timeout) == "TIMEOUT");
    r.broken.harness_error = "no nginx";
    CHECK(r.verdict() == bg::Verdict::error);
  }
}

TEST_SUITE("result") {
  TEST_CASE("summary: interleaved outcomes past a dozen folds are totals, in how many runs") {
    std::vector<std::pair<int, std::string>> responses;
    for (int i = 0; i < 10; ++i) {
      responses.emplace_back(200, "complete");
      responses.emplace_back(502, "complete");
    }
    responses.emplace_back(502, "complete");
    CHECK(ran_with(responses).summary() == "200x10,502x11 in 20 runs");
    responses.resize(12);  // 200,502 six times: 12 folds, still written out
    CHECK(ran_with(responses).summary() == "200,502,200,502,200,502,200,502,200,502,200,502");
  }
}
