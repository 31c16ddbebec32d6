#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("stall: reads the request and sends nothing; the connection stays open") {
  FakeFixture fake("stall");
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/")));
  REQUIRE(fake.events().wait_for("request GET /"));
  Received r = client.read_all(300ms);
  CHECK(r.end == EndKind::timed_out);  // neither FIN nor RST
  CHECK(r.bytes.empty());
  CHECK(fake.stats().bytes_out == 0);
}

TEST_CASE("stall: read_request=false never reads the request") {
  FakeFixture fake("stall", {{"read_request", false}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all(300ms);
  CHECK(r.end == EndKind::timed_out);
  CHECK(r.bytes.empty());
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  CHECK(stats.requests == 0);
}

TEST_CASE("stall: limit ends the stall with a FIN and still no byte") {
  FakeFixture fake("stall", {{"limit", std::string("150ms")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(r.bytes.empty());
  CHECK(elapsed_since(start) >= 150ms);
}

TEST_CASE("stall: read_request must be a boolean") {
  CHECK(param_error_key("stall", {{"read_request", std::string("yes")}}) == "read_request");
  CHECK(param_error_key("stall", {{"read_request", std::string("false")}}) == std::nullopt);
}
