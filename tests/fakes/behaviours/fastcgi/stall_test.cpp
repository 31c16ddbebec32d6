#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::Millis;

TEST_CASE("fastcgi stall: reads the whole request and sends nothing") {
  FastcgiFixture fake("stall");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  REQUIRE(client.send_request(FcgiRequest{}));
  REQUIRE(fake.events().wait_for("request GET /index.php"));
  FcgiResponse r = client.read_response(500ms);
  CHECK(r.end == EndKind::timed_out);
  CHECK(r.raw.empty());
}

TEST_CASE("fastcgi stall: limit ends the hold with a close and no byte") {
  FastcgiFixture fake("stall", {{"limit", std::string("200ms")}});
  auto start = Clock::now();
  auto x = fastcgi_round_trip(fake.address(), FcgiRequest{}, 2s);
  CHECK(elapsed_since(start) >= 200ms);
  CHECK(x.response.end == EndKind::eof);
  CHECK(x.response.raw.empty());
}

TEST_CASE("fastcgi stall: stop() is bounded while a request is held") {
  FastcgiFixture fake("stall");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  REQUIRE(client.send_request(FcgiRequest{}));
  REQUIRE(fake.events().wait_for("request "));
  auto start = Clock::now();
  fake.server().stop(Millis(10'000));
  CHECK(elapsed_since(start) < 2s);
}
