// A running fake changed by a scenario's timeline: stop listening, listen again, drop its
// connections, switch behaviour (fakes/core/server.hpp).
#include <doctest/doctest.h>

#include <stdexcept>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/server.hpp"
#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;

namespace {

badgateway::fakes::BehaviourPtr make(std::string_view name, ParamMap params = {}) {
  badgateway::fakes::Params p(params);
  return badgateway::fakes::make_behaviour(
      *badgateway::fakes::find_behaviour(name, badgateway::fakes::Protocol::http), p);
}

}  // namespace

TEST_CASE("server timeline: stop refuses new connects, start serves again on the same port") {
  FakeServer server;
  Address bound = add_fake(server, "app", "ok");
  server.start();
  const auto before = Clock::now();
  const auto when = server.stop_listening("app", Clock::now() + 2s);
  CHECK(when >= before);
  CHECK(when <= Clock::now());
  RawClient refused;
  CHECK(refused.connect(bound) == ConnectResult::refused);
  server.resume_listening("app", Clock::now() + 2s);
  CHECK(status_of(round_trip(bound, http_get("/")).received.bytes) == 200);
}

TEST_CASE("server timeline: close_connections ends a connection the behaviour holds") {
  FakeFixture fake("stall");
  RawClient c;
  REQUIRE(c.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(c.send(http_get("/")));
  REQUIRE(fake.events().wait_for("request GET /"));
  fake.server().close_connections("stall", Clock::now() + 2s);
  Received r = c.read_all(2s);
  CHECK(r.end == EndKind::eof);  // FIN, long before the stall would end
  CHECK(r.bytes.empty());
}

TEST_CASE("server timeline: reset_connections ends a connection with an RST, as a crash does") {
  FakeFixture fake("stall");
  RawClient c;
  REQUIRE(c.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(c.send(http_get("/")));
  REQUIRE(fake.events().wait_for("request GET /"));
  fake.server().reset_connections("stall", Clock::now() + 2s);
  Received r = c.read_all(2s);
  CHECK(r.end == EndKind::reset);
  CHECK(r.bytes.empty());
}

TEST_CASE("server timeline: behave switches new connections, also to one that listens otherwise") {
  FakeServer server;
  Address bound = add_fake(server, "app", "ok");
  server.start();
  server.replace_behaviour("app", make("status", {{"code", 503}}), Clock::now() + 2s);
  CHECK(status_of(round_trip(bound, http_get("/")).received.bytes) == 503);
  // refuse binds without listening: connects are refused, the port stays ours.
  server.replace_behaviour("app", make("refuse"), Clock::now() + 2s);
  RawClient refused;
  CHECK(refused.connect(bound) == ConnectResult::refused);
  server.replace_behaviour("app", make("ok"), Clock::now() + 2s);
  CHECK(status_of(round_trip(bound, http_get("/")).received.bytes) == 200);
  server.stop();
  CHECK(server.stats("app").requests == 2);
}

TEST_CASE("server timeline: a fake that starts as refuse gets its accept loop when it behaves") {
  FakeServer server;
  Address bound = add_fake(server, "app", "refuse");
  server.start();
  RawClient refused;
  CHECK(refused.connect(bound) == ConnectResult::refused);
  server.replace_behaviour("app", make("ok"), Clock::now() + 2s);
  CHECK(status_of(round_trip(bound, http_get("/")).received.bytes) == 200);
}

TEST_CASE("server timeline: actions on a server not running, or an unknown fake, throw") {
  FakeServer server;
  add_fake(server, "app", "ok");
  CHECK_THROWS_AS(server.stop_listening("app", Clock::now() + 1s), std::runtime_error);
  server.start();
  CHECK_THROWS_AS(server.stop_listening("nope", Clock::now() + 1s), std::out_of_range);
}
