// The JSON report's `dns`: each DNS fake's queries counted by name and type, and listed with
// their times when the phase has a start of traffic (docs/json-report.md, "DNS queries").
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "harness/report/json_report.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;

namespace {

bg::ScenarioResult with_queries(bool traffic) {
  bg::ScenarioResult r;
  r.name = "resolver-valid-stale-address";
  r.cause = "dns";
  r.file = "x.toml";
  r.target = "local";
  r.broken.phase = "broken";
  r.broken.ran = true;
  const auto start = std::chrono::steady_clock::now();
  if (traffic) r.broken.observed.traffic_start = start;
  auto& ns = r.broken.observed.fakes["ns"];
  ns.dns = true;
  ns.queries = {{"app.test", "A", false, start + 1500us},
                {"app.test", "AAAA", false, start + 2ms},
                {"app.test", "A", true, start + 2s}};
  r.broken.observed.fakes["app"].connections = 3;  // not a DNS fake: not in `dns`
  auto& quiet = r.broken.observed.fakes["quiet"];
  quiet.dns = true;
  return r;
}

}  // namespace

TEST_CASE("json report: dns counts by fake, name and type; the queries with traffic") {
  auto json = nlohmann::json::parse(bg::json_report({with_queries(true)}, 100ms));
  const auto& dns = json["scenarios"][0]["broken"]["dns"];
  CHECK(dns.size() == 2);
  CHECK(dns["ns"]["counts"] == nlohmann::json::parse(R"({"app.test": {"A": 2, "AAAA": 1}})"));
  REQUIRE(dns["ns"]["queries"].size() == 3);
  CHECK(dns["ns"]["queries"][0]["at_ms"] == 1.5);
  CHECK(dns["ns"]["queries"][2]["transport"] == "tcp");
  CHECK(dns["ns"]["queries"][2]["at_ms"] == 2000.0);
  CHECK(dns["quiet"]["counts"].empty());
  CHECK(dns["quiet"]["queries"].empty());
}

TEST_CASE("json report: without a start of traffic, counts only; no DNS fake, no `dns`") {
  auto json = nlohmann::json::parse(bg::json_report({with_queries(false)}, 100ms));
  const auto& dns = json["scenarios"][0]["broken"]["dns"];
  CHECK(dns["ns"]["counts"]["app.test"]["A"] == 2);
  CHECK_FALSE(dns["ns"].contains("queries"));
  bg::ScenarioResult plain = with_queries(false);
  plain.broken.observed.fakes.erase("ns");
  plain.broken.observed.fakes.erase("quiet");
  auto none = nlohmann::json::parse(bg::json_report({plain}, 100ms));
  CHECK_FALSE(none["scenarios"][0]["broken"].contains("dns"));
}
