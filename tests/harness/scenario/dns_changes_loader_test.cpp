// A DNS fake's answers that change (`then`) and the query counts expected of it
// (`expect.fakes.NAME.queries`), as the loader reads them. The bad inputs, one defect each, are
// in tests/bad_input/dns-then-*.toml and dns-queries-*.toml.
#include <doctest/doctest.h>

#include "harness/scenario/loader.hpp"

namespace bg = badgateway;
namespace dns = badgateway::fakes::dns;

namespace {

const std::string kHead = R"toml(name = "t"
description = "d"
cause = "dns"
teaches = "x"
[nginx]
location = "resolver {{fakes.ns}}; return 200;"
[fakes.ns]
protocol = "dns"
)toml";

}  // namespace

TEST_CASE("dns then: one change or a list; what a change leaves out stays") {
  bg::Scenario s = bg::load_scenario_string(kHead + R"toml(
names."app.test" = { a = "127.0.0.2", ttl = "1s", then = { after_queries = 1, a = "127.0.0.1" } }
names."db.test" = { a = "192.0.2.5", delay = "100ms", then = [
  { after = "2s", ttl = "30s" },
  { after = "10s", fault = "nxdomain" },
  { after_queries = 50, cname = "app.test" },
] }
[expect]
status = 200
)toml",
                                            "t.toml");
  const dns::Zone& zone = *s.fakes.at("ns").zone;
  REQUIRE(zone.changes.at("app.test").size() == 1);
  const dns::AnswerChange& moved = zone.changes.at("app.test")[0];
  CHECK(moved.after_queries == 1u);
  CHECK_FALSE(moved.after);
  CHECK(moved.answer.a == std::vector<std::string>{"127.0.0.1"});
  CHECK(moved.answer.ttl == std::chrono::seconds{1});  // kept from the name
  CHECK(zone.find("app.test")->a == std::vector<std::string>{"127.0.0.2"});

  const auto& db = zone.changes.at("db.test");
  REQUIRE(db.size() == 3);
  // A change of ttl alone keeps the records; one of records replaces them all.
  CHECK(db[0].after == bg::Millis{2000});
  CHECK(db[0].answer.a == std::vector<std::string>{"192.0.2.5"});
  CHECK(db[0].answer.ttl == std::chrono::seconds{30});
  CHECK(db[0].answer.delay == bg::Millis{100});
  CHECK(db[1].answer.fault == dns::Fault::nxdomain);
  CHECK(db[1].answer.a.empty());
  CHECK(db[1].answer.ttl == std::chrono::seconds{30});
  CHECK(db[2].after_queries == 50u);
  CHECK(db[2].answer.cname == "app.test");
  CHECK(db[2].answer.fault == dns::Fault::none);
  CHECK(zone.changes.count("nobody.test") == 0);
}

TEST_CASE("expect.fakes.NAME.queries: by name or name and type, exact or bounded") {
  bg::Scenario s = bg::load_scenario_string(kHead + R"toml(
[expect]
status = 200
fakes.ns.queries."App.Test." = 1
fakes.ns.queries."app.test AAAA" = { min = 0, max = 2 }
[fix]
description = "f"
nginx.location = "resolver {{fakes.ns}} valid=1s; return 200;"
[fix.expect]
fakes.ns.queries."app.test" = { min = 2 }
)toml",
                                            "t.toml");
  const auto& broken = s.broken.expect.base.fakes.at("ns").queries;
  REQUIRE(broken.size() == 2);
  CHECK(broken.at("app.test").min == 1);  // the name as DNS compares it
  CHECK(broken.at("app.test").max == 1);
  CHECK(broken.at("app.test AAAA").min == 0);
  CHECK(broken.at("app.test AAAA").max == 2);
  REQUIRE(s.fixed);
  const auto& fixed = s.fixed->expect.base.fakes.at("ns").queries;
  CHECK(fixed.at("app.test").min == 2);
  CHECK_FALSE(fixed.at("app.test").max);
}
