#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("flaky: failures=2 closes the first two connections, then answers 200") {
  FakeFixture fake("flaky", {{"failures", 2}});
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    auto x = round_trip(fake.address(), http_get("/"));
    REQUIRE(x.sent);
    CHECK(x.received.end == EndKind::eof);
    CHECK(x.received.bytes.empty());
  }
  for (int i = 0; i < 2; ++i) {  // healthy from then on
    auto x = round_trip(fake.address(), http_get("/"));
    CHECK(x.received.end == EndKind::eof);
    CHECK(status_of(x.received.bytes) == 200);
    CHECK(body_of(x.received.bytes).size() == 64);
  }
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 4);
  CHECK(stats.requests == 4);  // failing connections read the request first
  CHECK(stats.resets_sent == 0);
}

TEST_CASE("flaky: the default fails exactly one connection") {
  FakeFixture fake("flaky");
  CHECK(round_trip(fake.address(), http_get("/")).received.bytes.empty());
  CHECK(status_of(round_trip(fake.address(), http_get("/")).received.bytes) == 200);
}

TEST_CASE("flaky: fail_with=reset fails with RST") {
  FakeFixture fake("flaky", {{"failures", 1}, {"fail_with", std::string("reset")}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::reset);
  CHECK(x.received.bytes.empty());
  CHECK(status_of(round_trip(fake.address(), http_get("/")).received.bytes) == 200);
  CHECK(fake.stop_and_stats().resets_sent == 1);
}

TEST_CASE("flaky: failures=0 is healthy from the start") {
  FakeFixture fake("flaky", {{"failures", 0}, {"body_size", 10}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(status_of(x.received.bytes) == 200);
  CHECK(body_of(x.received.bytes).size() == 10);
}

TEST_CASE("flaky: fail_with must be close or reset") {
  CHECK(param_error_key("flaky", {{"fail_with", std::string("timeout")}}) == "fail_with");
  CHECK(param_error_key("flaky", {{"failures", -1}}) == "failures");
}
