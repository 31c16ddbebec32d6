#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("close_on_accept: the connection ends with a FIN and no byte") {
  FakeFixture fake("close_on_accept");
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  // Nothing is sent: unread request bytes would turn the server's close() into an RST.
  Received r = client.read_all();
  CHECK(r.end == EndKind::eof);
  CHECK(r.bytes.empty());
  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  CHECK(stats.requests == 0);
  CHECK(stats.bytes_out == 0);
  CHECK(stats.resets_sent == 0);
}

TEST_CASE("close_on_accept: every connection is closed the same way") {
  FakeFixture fake("close_on_accept");
  for (int i = 0; i < 3; ++i) {
    auto x = round_trip(fake.address(), "");
    REQUIRE(x.connect == ConnectResult::connected);
    CHECK(x.received.end == EndKind::eof);
    CHECK(x.received.bytes.empty());
  }
  CHECK(fake.stop_and_stats().connections == 3);
}
