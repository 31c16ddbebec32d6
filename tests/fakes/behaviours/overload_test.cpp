#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

namespace {

ParamMap overload_params(const char* mode) {
  return {{"capacity", 1}, {"latency", std::string("300ms")}, {"mode", std::string(mode)}};
}

// Connects and sends a request, then waits until the fake has read it: from then on the one
// slot is taken for `latency`.
void occupy_slot(RawClient& client, const badgateway::fakes::Address& to, EventLog& events) {
  REQUIRE(client.connect(to) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/first")));
  REQUIRE(events.wait_for("request GET /first"));
}

// True while `client` has received nothing yet, i.e. its request is still in flight.
bool still_waiting(RawClient& client) {
  Received r = client.read_at_least(1, 1ms);
  return r.end == EndKind::timed_out && r.bytes.empty();
}

}  // namespace

TEST_CASE("overload: mode=status answers the second connection 503 at once") {
  FakeFixture fake("overload", overload_params("status"));
  RawClient first;
  occupy_slot(first, fake.address(), fake.events());

  auto second = round_trip(fake.address(), http_get("/second"));
  CHECK(second.received.end == EndKind::eof);
  CHECK(status_of(second.received.bytes) == 503);
  CHECK(header_value(second.received.bytes, "Retry-After") == "1");
  CHECK(header_value(second.received.bytes, "X-Badgateway-Fake") == "overload");
  CHECK(still_waiting(first));  // the 503 came while the first request was still being served

  Received r = first.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(status_of(r.bytes) == 200);
}

TEST_CASE("overload: mode=reset resets the second connection") {
  FakeFixture fake("overload", overload_params("reset"));
  RawClient first;
  occupy_slot(first, fake.address(), fake.events());

  // Nothing is sent: a send() racing the RST would eat it. The RST may beat connect() itself.
  Received rejected = connect_and_read(fake.address());
  CHECK(rejected.end == EndKind::reset);
  CHECK(rejected.bytes.empty());
  CHECK(still_waiting(first));

  Received r = first.read_all();
  CHECK(status_of(r.bytes) == 200);
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 2);
  CHECK(stats.requests == 1);
  CHECK(stats.resets_sent == 1);
}

TEST_CASE("overload: mode=queue serves the second connection after the first") {
  FakeFixture fake("overload", overload_params("queue"));
  auto start = Clock::now();
  RawClient first;
  occupy_slot(first, fake.address(), fake.events());
  RawClient second;
  REQUIRE(second.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(second.send(http_get("/second")));

  Received r1 = first.read_all();
  auto first_done = elapsed_since(start);
  Received r2 = second.read_all();
  auto second_done = elapsed_since(start);
  CHECK(status_of(r1.bytes) == 200);
  CHECK(status_of(r2.bytes) == 200);
  CHECK(r2.end == EndKind::eof);
  CHECK(first_done >= 300ms);
  CHECK(second_done >= 600ms);  // waited for the slot, then its own latency

  auto stats = fake.stop_and_stats();
  REQUIRE(stats.requests == 2);
  CHECK(stats.seen[0].target == "/first");
  CHECK(stats.seen[1].target == "/second");
  // The queued request is only read once it has the slot, after the first one's latency.
  CHECK(stats.seen[1].at - stats.seen[0].at >= 300ms);
}

TEST_CASE("overload: mode=refuse refuses connects while full and accepts again afterwards") {
  badgateway::fakes::FakeServer server;
  auto busy = add_fake(server, "busy", "overload", overload_params("refuse"));
  // A second endpoint on the same I/O thread: a round trip to it after the first response
  // proves the handler that freed the slot (and listens again) has finished.
  auto barrier = add_fake(server, "barrier", "ok");
  auto events = watch(server.recorder("busy"));
  server.start();

  RawClient first;
  occupy_slot(first, busy, *events);
  RawClient refused;
  CHECK(refused.connect(busy) == ConnectResult::refused);

  Received r = first.read_all();
  CHECK(status_of(r.bytes) == 200);
  REQUIRE(status_of(round_trip(barrier, http_get("/")).received.bytes) == 200);

  auto again = round_trip(busy, http_get("/again"));
  REQUIRE(again.connect == ConnectResult::connected);
  CHECK(status_of(again.received.bytes) == 200);

  server.stop();
  auto stats = server.stats("busy");
  CHECK(stats.connections == 2);
  CHECK(stats.requests == 2);
  CHECK(stats.resets_sent == 0);
}

TEST_CASE("overload: capacity=2 serves two at once and sheds the third") {
  ParamMap params = overload_params("status");
  params["capacity"] = 2;
  FakeFixture fake("overload", params);
  RawClient a;
  RawClient b;
  occupy_slot(a, fake.address(), fake.events());
  REQUIRE(b.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(b.send(http_get("/b")));
  REQUIRE(fake.events().wait_for("request GET /b"));
  CHECK(status_of(round_trip(fake.address(), http_get("/c")).received.bytes) == 503);
  CHECK(status_of(a.read_all().bytes) == 200);
  CHECK(status_of(b.read_all().bytes) == 200);
}

TEST_CASE("overload: mode and capacity are validated") {
  CHECK(param_error_key("overload", {{"mode", std::string("drop")}}) == "mode");
  CHECK(param_error_key("overload", {{"capacity", 0}}) == "capacity");
}
