#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

TEST_CASE("stall_body: the header block arrives, the body does not") {
  FakeFixture fake("stall_body");
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/")));
  Received head = read_head(client);
  REQUIRE(head.end == EndKind::open);
  CHECK(status_of(head.bytes) == 200);
  CHECK(header_value(head.bytes, "Content-Length") == "1024");
  CHECK(head.bytes == header_block(head.bytes));

  Received rest = client.read_all(300ms);
  CHECK(rest.end == EndKind::timed_out);
  CHECK(rest.bytes.empty());
}

TEST_CASE("stall_body: body_sent bytes arrive, then nothing more") {
  FakeFixture fake("stall_body", {{"body_size", 500}, {"body_sent", 100}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  REQUIRE(client.send(http_get("/")));
  Received head = read_head(client);
  REQUIRE(head.end == EndKind::open);
  CHECK(header_value(head.bytes, "Content-Length") == "500");
  std::size_t head_size = header_block(head.bytes).size();

  Received body = client.read_at_least(head_size + 100 - head.bytes.size());
  std::string all = head.bytes + body.bytes;
  CHECK(body_of(all).size() == 100);

  Received rest = client.read_all(300ms);
  CHECK(rest.end == EndKind::timed_out);
  CHECK(rest.bytes.empty());
}

TEST_CASE("stall_body: limit ends the stall with a FIN, the body still short") {
  FakeFixture fake("stall_body", {{"limit", std::string("100ms")}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  CHECK(status_of(x.received.bytes) == 200);
  CHECK(body_of(x.received.bytes).empty());
}

TEST_CASE("stall_body: body_sent must be smaller than body_size") {
  CHECK(param_error_key("stall_body", {{"body_sent", 1024}}) == "body_sent");
  CHECK(param_error_key("stall_body", {{"body_size", 10}, {"body_sent", 20}}) == "body_sent");
  CHECK(param_error_key("stall_body", {{"body_size", 10}, {"body_sent", 9}}) == std::nullopt);
}
