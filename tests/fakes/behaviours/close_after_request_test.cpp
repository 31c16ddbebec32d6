#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("close_after_request: reads the request, then FIN without a response byte") {
  FakeFixture fake("close_after_request");
  auto x = round_trip(fake.address(), http_get("/crash"));
  REQUIRE(x.connect == ConnectResult::connected);
  REQUIRE(x.sent);
  CHECK(x.received.end == EndKind::eof);
  CHECK(x.received.bytes.empty());
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  REQUIRE(stats.requests == 1);
  CHECK(stats.seen[0].method == "GET");
  CHECK(stats.seen[0].target == "/crash");
  CHECK(stats.bytes_out == 0);
  CHECK(stats.resets_sent == 0);
}

TEST_CASE("close_after_request: delay holds the connection open before the FIN") {
  FakeFixture fake("close_after_request", {{"delay", std::string("150ms")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(r.bytes.empty());
  CHECK(elapsed_since(start) >= 150ms);
}

TEST_CASE("close_after_request: delay must be a duration with a unit") {
  CHECK(param_error_key("close_after_request", {{"delay", std::string("100")}}) == "delay");
  CHECK(param_error_key("close_after_request", {{"delay", std::string("100ms")}}) == std::nullopt);
}
