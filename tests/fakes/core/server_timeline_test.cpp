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

TEST_CASE("server timeline: move listens on the new address with the same port, the old refuses") {
  FakeServer server;
  Address old_address = add_fake(server, "app", "ok");
  auto events = watch(server.recorder("app"));
  server.start();
  // A connection accepted before the move goes on being served (one still in the kernel's
  // accept queue would be reset with the old listener, as a real server's are).
  RawClient kept;
  REQUIRE(kept.connect(old_address) == ConnectResult::connected);
  REQUIRE(events->wait_for("connection accepted"));
  server.move_listener("app", Address::tcp("127.0.0.3", 0), Clock::now() + 2s);
  Address moved = Address::tcp("127.0.0.3", old_address.port);
  RawClient refused;
  CHECK(refused.connect(old_address) == ConnectResult::refused);
  CHECK(status_of(round_trip(moved, http_get("/")).received.bytes) == 200);
  REQUIRE(kept.send(http_get("/")));
  CHECK(status_of(kept.read_all(2s).bytes) == 200);
  // Stopped, a move only changes where the next start listens.
  server.stop_listening("app", Clock::now() + 2s);
  server.move_listener("app", Address::tcp("127.0.0.4", 0), Clock::now() + 2s);
  RawClient still_refused;
  CHECK(still_refused.connect(Address::tcp("127.0.0.4", old_address.port)) ==
        ConnectResult::refused);
  server.resume_listening("app", Clock::now() + 2s);
  CHECK(status_of(round_trip(Address::tcp("127.0.0.4", old_address.port), http_get("/"))
                      .received.bytes) == 200);
}

TEST_CASE("server timeline: a move to an address that cannot be bound throws, naming it") {
  FakeServer server;
  add_fake(server, "app", "ok");
  server.start();
  // 192.0.2.1 is no address of this machine's: bind() fails (EADDRNOTAVAIL).
  CHECK_THROWS_WITH_AS(server.move_listener("app", Address::tcp("192.0.2.1", 0), Clock::now() + 2s),
                       doctest::Contains("cannot listen on 192.0.2.1:"), std::runtime_error);
}
