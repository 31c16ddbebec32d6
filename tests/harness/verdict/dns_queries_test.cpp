// expect.fakes.NAME.queries: a DNS fake's queries counted per name (and type), with when they
// came in a phase with traffic ("nginx asked again after valid=" against "asked once").
#include <doctest/doctest.h>

#include "harness/verdict/verdict.hpp"

namespace bg = badgateway;
using bg::CheckKind;
using namespace std::chrono_literals;

namespace {

std::vector<bg::Check> query_checks(const bg::Expectation& e, const bg::Observation& seen) {
  std::vector<bg::Check> out;
  for (const auto& c : bg::judge(e, seen)) {
    if (c.kind == CheckKind::fake_count) out.push_back(c);
  }
  return out;
}

bg::Observation seen_with(std::vector<bg::DnsQuery> queries) {
  bg::Observation seen;
  seen.fakes["ns"].dns = true;
  seen.fakes["ns"].requests = queries.size();
  seen.fakes["ns"].queries = std::move(queries);
  return seen;
}

}  // namespace

TEST_CASE("dns queries: counted per name, of any type or of one; exact or bounded") {
  const auto t0 = std::chrono::steady_clock::now();
  bg::Observation seen = seen_with({{"app.test", "A", false, t0},
                                    {"app.test", "AAAA", false, t0},
                                    {"other.test", "A", false, t0},
                                    {"app.test", "A", true, t0 + 2s}});
  bg::Expectation e;
  e.fakes["ns"].queries["app.test"] = {3, 3};
  e.fakes["ns"].queries["app.test AAAA"] = {std::nullopt, 0};
  e.fakes["ns"].queries["never.test"] = {0, 0};
  e.fakes["ns"].queries["other.test"] = {2, std::nullopt};
  auto checks = query_checks(e, seen);
  REQUIRE(checks.size() == 4);
  // In key order: the map's.
  CHECK(checks[0].subject == "fakes.ns.queries.\"app.test\"");
  CHECK(checks[0].expected == "3");
  CHECK(checks[0].actual == "3");  // no start of traffic: counts alone
  CHECK(checks[0].passed);
  CHECK(checks[1].subject == "fakes.ns.queries.\"app.test AAAA\"");
  CHECK(checks[1].expected == "0..0");
  CHECK(checks[1].actual == "1");
  CHECK_FALSE(checks[1].passed);
  CHECK(checks[2].subject == "fakes.ns.queries.\"never.test\"");
  CHECK(checks[2].passed);
  CHECK(checks[3].expected == "2..");
  CHECK(checks[3].actual == "1");
  CHECK_FALSE(checks[3].passed);
}

TEST_CASE("dns queries: with traffic, when they came; a fake that saw nothing counts 0") {
  const auto start = std::chrono::steady_clock::now();
  bg::Observation seen =
      seen_with({{"app.test", "A", false, start + 3ms}, {"app.test", "A", false, start + 2010ms}});
  seen.traffic_start = start;
  bg::Expectation e;
  e.fakes["ns"].queries["app.test"] = {2, std::nullopt};
  auto c = query_checks(e, seen);
  REQUIRE(c.size() == 1);
  CHECK(c[0].passed);
  CHECK(c[0].actual == "2 (at 3ms, 2.01s from the start of traffic)");
  // "Never asked again": the broken phase's expectation against the fixed phase's queries.
  e.fakes["ns"].queries["app.test"] = {1, 1};
  CHECK_FALSE(query_checks(e, seen)[0].passed);
  bg::Observation nothing;
  nothing.responses = {};
  e.fakes["ns"].queries["app.test"] = {1, std::nullopt};
  auto none = query_checks(e, nothing);
  REQUIRE(none.size() == 1);
  CHECK(none[0].actual == "0");
  CHECK_FALSE(none[0].passed);
}
