#include <doctest/doctest.h>

#include "tests/support/fake_fixture.hpp"

using namespace badgateway::test;

namespace {

// Reads to the end of the stream, counting how many reads it took.
struct Pieces {
  Received received;
  int reads = 0;
};

Pieces read_in_pieces(RawClient& client, std::chrono::milliseconds limit) {
  Pieces p;
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    Received part = client.read_at_least(1, std::max(left, 1ms));
    p.received.bytes += part.bytes;
    if (!part.bytes.empty()) ++p.reads;
    p.received.end = part.end;
    if (part.end != EndKind::open) break;
  }
  return p;
}

}  // namespace

TEST_CASE("dribble: what=body, interval=10ms delivers the whole body one byte at a time") {
  FakeFixture fake("dribble", {{"interval", std::string("10ms")}, {"what", std::string("body")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Pieces p = read_in_pieces(client, 1500ms);
  auto took = elapsed_since(start);
  const std::string& bytes = p.received.bytes;
  CHECK(p.received.end == EndKind::eof);
  CHECK(status_of(bytes) == 200);
  CHECK(header_value(bytes, "Content-Length") == "16");
  CHECK(body_of(bytes).size() == 16);
  // Each of the 16 body bytes is preceded by a 10ms pause.
  CHECK(took >= 16 * 10ms);
  CHECK(p.reads > 2);  // the head, then the body in several pieces
}

TEST_CASE("dribble: what=all delivers the whole response one byte at a time") {
  // A ~170-byte response at 10ms a byte would take ~1.7s; 3ms keeps the test short.
  FakeFixture fake("dribble", {{"interval", std::string("3ms")}});
  RawClient client;
  REQUIRE(client.connect(fake.address()) == ConnectResult::connected);
  auto start = Clock::now();
  REQUIRE(client.send(http_get("/")));
  Pieces p = read_in_pieces(client, 1900ms);
  auto took = elapsed_since(start);
  const std::string& bytes = p.received.bytes;
  CHECK(p.received.end == EndKind::eof);
  CHECK(status_of(bytes) == 200);
  CHECK(body_of(bytes).size() == 16);
  CHECK(took >= static_cast<std::int64_t>(bytes.size() - 1) * 3ms);
  CHECK(p.reads > 2);
  CHECK(fake.stop_and_stats().bytes_out == bytes.size());
}

TEST_CASE("dribble: body_size sets the dribbled body's length") {
  FakeFixture fake(
      "dribble",
      {{"interval", std::string("1ms")}, {"what", std::string("body")}, {"body_size", 40}});
  auto x = round_trip(fake.address(), http_get("/"));
  CHECK(x.received.end == EndKind::eof);
  CHECK(header_value(x.received.bytes, "Content-Length") == "40");
  CHECK(body_of(x.received.bytes).size() == 40);
}

TEST_CASE("dribble: what must be all or body") {
  CHECK(param_error_key("dribble", {{"what", std::string("head")}}) == "what");
  CHECK(param_error_key("dribble", {{"interval", std::string("10")}}) == "interval");
}
