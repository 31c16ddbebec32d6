#include <doctest/doctest.h>

#include <thread>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

namespace {

const ParamMap kParams{{"idle_close", std::string("100ms")}};

}  // namespace

TEST_CASE("keepalive_race: a request sent at once on the kept-alive connection is answered") {
  FakeFixture fake("keepalive_race", kParams);
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);

  REQUIRE(client.send(http_get("/one", true)));
  Received first = read_response(client);
  REQUIRE(first.end == EndKind::open);
  CHECK(status_of(first.bytes) == 200);
  CHECK(header_value(first.bytes, "Connection") == "keep-alive");
  CHECK(body_of(first.bytes).size() == 64);

  REQUIRE(client.send(http_get("/two", true)));
  Received second = read_response(client);
  REQUIRE(second.end == EndKind::open);
  CHECK(status_of(second.bytes) == 200);
  CHECK(header_value(second.bytes, "Connection") == "keep-alive");

  CHECK(fake.stop_and_stats().connections == 1);
}

TEST_CASE("keepalive_race: a request after more than idle_close of idleness gets FIN, no byte") {
  FakeFixture fake("keepalive_race", kParams);
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);

  REQUIRE(client.send(http_get("/one", true)));
  Received first = read_response(client);
  REQUIRE(first.end == EndKind::open);
  CHECK(status_of(first.bytes) == 200);

  // Scenario input, not synchronisation: the connection must sit idle past idle_close.
  std::this_thread::sleep_for(150ms);
  REQUIRE(client.send(http_get("/late", true)));
  Received late = client.read_all();
  CHECK(late.end == EndKind::eof);
  CHECK(late.bytes.empty());

  auto stats = fake.stop_and_stats();
  REQUIRE(stats.requests == 2);  // the late request was read, then dropped
  CHECK(stats.seen[1].target == "/late");
}

TEST_CASE("keepalive_race: the first request on a connection is answered however late") {
  FakeFixture fake("keepalive_race", kParams);
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  std::this_thread::sleep_for(150ms);  // scenario input: a fresh connection left idle
  REQUIRE(client.send(http_get("/", false)));
  Received r = client.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(status_of(r.bytes) == 200);
  CHECK(header_value(r.bytes, "Connection") == "close");
}

TEST_CASE("keepalive_race: idle_close must be greater than 0") {
  CHECK(param_error_key("keepalive_race", {{"idle_close", std::string("0ms")}}) == "idle_close");
  CHECK(param_error_key("keepalive_race", {{"idle_close", std::string("1ms")}}) == std::nullopt);
}
